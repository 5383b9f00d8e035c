#include "bench/loadgen/closed_loop.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <thread>

#include "absl/strings/str_format.h"

namespace budgetperf::bench {
namespace {

constexpr double kGrowth = 1.01;
constexpr int kBuckets = 2400;  // 1 µs × 1.01^2400 ≈ 2.3e10 µs

int BucketOf(int64_t ns) {
  const double micros = std::max(1.0, static_cast<double>(ns) / 1000.0);
  const int b = static_cast<int>(std::log(micros) / std::log(kGrowth));
  return std::min(std::max(b, 0), kBuckets - 1);
}

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kBuckets, 0) {}

void LatencyHistogram::Record(std::chrono::nanoseconds latency) {
  const int64_t ns = latency.count();
  ++buckets_[static_cast<size_t>(BucketOf(ns))];
  ++count_;
  max_ns_ = std::max(max_ns_, ns);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ns_ = std::max(max_ns_, other.max_ns_);
}

double LatencyHistogram::QuantileMicros(double q) const {
  if (count_ == 0) return 0;
  const uint64_t rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += buckets_[static_cast<size_t>(i)];
    if (seen >= std::max<uint64_t>(rank, 1)) {
      // Report the bucket's upper edge: never flatter than the truth.
      return std::min(std::pow(kGrowth, i + 1), MaxMicros());
    }
  }
  return MaxMicros();
}

LoadResult RunClosedLoop(const std::string& name, const LoadOptions& options, const CallFn& call) {
  using Clock = std::chrono::steady_clock;
  const int workers = std::max(1, options.concurrency);
  std::atomic<bool> measuring{false};
  std::atomic<bool> stop{false};
  std::vector<LoadResult> partial(static_cast<size_t>(workers));
  std::vector<std::thread> threads;
  const auto interval =
      options.target_rate > 0
          ? std::chrono::nanoseconds(static_cast<int64_t>(1e9 * workers / options.target_rate))
          : std::chrono::nanoseconds(0);
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      LoadResult& mine = partial[static_cast<size_t>(w)];
      uint64_t sequence = 0;
      auto next_start = Clock::now() + interval * w / workers;  // spread the first calls
      while (!stop.load(std::memory_order_relaxed)) {
        if (interval.count() > 0) {
          std::this_thread::sleep_until(next_start);
          next_start += interval;
        }
        const auto start = Clock::now();
        absl::Status status = call(w, sequence++);
        const auto latency = Clock::now() - start;
        if (!measuring.load(std::memory_order_relaxed)) continue;
        ++mine.calls;
        mine.latency.Record(latency);
        if (!status.ok()) {
          if (mine.errors++ == 0) mine.first_error = status.ToString();
        }
      }
    });
  }
  std::this_thread::sleep_for(options.warmup);
  measuring = true;
  const auto begin = Clock::now();
  std::this_thread::sleep_for(options.duration);
  measuring = false;
  const auto end = Clock::now();
  stop = true;
  for (auto& t : threads) t.join();

  LoadResult total;
  total.name = name;
  total.seconds = std::chrono::duration<double>(end - begin).count();
  for (const LoadResult& p : partial) {
    total.calls += p.calls;
    total.errors += p.errors;
    if (total.first_error.empty()) total.first_error = p.first_error;
    total.latency.Merge(p.latency);
  }
  return total;
}

std::string FormatResult(const LoadResult& r) {
  std::string line = absl::StrFormat(
      "%-28s %9llu calls %10.1f calls/s  p50 %7.3f ms  p95 %7.3f ms  p99 %7.3f ms  max %8.3f ms  "
      "errors %llu",
      r.name, static_cast<unsigned long long>(r.calls), r.calls_per_second(),
      r.latency.QuantileMicros(0.50) / 1000, r.latency.QuantileMicros(0.95) / 1000,
      r.latency.QuantileMicros(0.99) / 1000, r.latency.MaxMicros() / 1000,
      static_cast<unsigned long long>(r.errors));
  if (!r.first_error.empty()) line += "  first error: " + r.first_error;
  return line;
}

}  // namespace budgetperf::bench
