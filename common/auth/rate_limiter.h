#ifndef BUDGETPERF_COMMON_AUTH_RATE_LIMITER_H_
#define BUDGETPERF_COMMON_AUTH_RATE_LIMITER_H_

// A token bucket per key (per principal): each key may spend `rate` calls a
// second on average and `burst` at once. Used to cap Submit per unit, so that
// one unit's runaway script cannot crowd out the others.
//
//   RateLimiter limiter({.per_second = 20, .burst = 20});
//   if (!limiter.TryAcquire(RateKey(principal))) return ResourceExhausted...;

#include <cstdint>
#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace budgetperf {
namespace auth {

class RateLimiter {
 public:
  struct Options {
    // Calls per second refilled; 0 or less: no limit.
    double per_second = 20;
    // The bucket's size: calls allowed at once after a quiet spell. Less than
    // 1 is taken as 1.
    double burst = 20;
    // A monotonic clock in milliseconds; tests set their own.
    std::function<int64_t()> clock_ms;
  };

  explicit RateLimiter(Options options);

  // Takes one call from `key`'s bucket: false when it is empty. Thread-safe.
  bool TryAcquire(absl::string_view key);

  // Whether a limit applies at all.
  bool limited() const { return options_.per_second > 0; }

 private:
  struct Bucket {
    double tokens = 0;
    int64_t updated_ms = 0;
  };

  const Options options_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

// Parses a rate as given to --submit-rate: "20", "20/s", "1200/min", "0"
// (no limit). INVALID_ARGUMENT otherwise. Returns calls per second.
absl::StatusOr<double> ParseRate(absl::string_view text);

}  // namespace auth
}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_AUTH_RATE_LIMITER_H_
