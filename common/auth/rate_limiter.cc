#include "common/auth/rate_limiter.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace budgetperf {
namespace auth {
namespace {

int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

RateLimiter::RateLimiter(Options options)
    : options_([&] {
        if (!options.clock_ms) options.clock_ms = SteadyMillis;
        options.burst = std::max(options.burst, 1.0);
        return std::move(options);
      }()) {}

bool RateLimiter::TryAcquire(absl::string_view key) {
  if (!limited()) return true;
  const int64_t now = options_.clock_ms();
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = buckets_.try_emplace(key);
  Bucket& bucket = it->second;
  if (inserted) {
    bucket.tokens = options_.burst;
  } else {
    const double refill =
        static_cast<double>(now - bucket.updated_ms) / 1000.0 * options_.per_second;
    bucket.tokens = std::min(options_.burst, bucket.tokens + std::max(refill, 0.0));
  }
  bucket.updated_ms = now;
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

absl::StatusOr<double> ParseRate(absl::string_view text) {
  absl::string_view number = text;
  double per = 1;
  if (absl::ConsumeSuffix(&number, "/s")) {
    per = 1;
  } else if (absl::ConsumeSuffix(&number, "/min")) {
    per = 60;
  }
  double value = 0;
  if (!absl::SimpleAtod(number, &value) || value < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("rate \"", text,
                     "\": expected calls per second, e.g. 20 or 20/s or 600/min (0: no limit)"));
  }
  return value / per;
}

}  // namespace auth
}  // namespace budgetperf
