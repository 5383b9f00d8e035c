#ifndef BUDGETPERF_BENCH_LOADGEN_WORKLOADS_H_
#define BUDGETPERF_BENCH_LOADGEN_WORKLOADS_H_

// The RPC mixes budget-loadgen can drive. Each workload prepares its requests
// before the clock starts (generated packages, a loaded district), so the
// measured loop does only the call.

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace budgetperf::bench {

struct WorkloadOptions {
  std::string target;
  int channels = 2;
  std::string node = "430602";
  int year = 2023;
  uint64_t seed = 1;
};

// One kind of call, made many times from many workers.
class Workload {
 public:
  virtual ~Workload() = default;
  // Builds requests (and loads data the calls need). Not timed.
  virtual absl::Status Prepare() = 0;
  // One call; safe from many threads at once.
  virtual absl::Status Call(int worker, uint64_t sequence) = 0;
  // Typical serialized request and reply sizes, for the echo baseline.
  virtual size_t request_bytes() const = 0;
  virtual size_t reply_bytes() const = 0;
};

// The --workload help text: every name and what it does.
std::string WorkloadHelp();

// INVALID_ARGUMENT for an unknown name.
absl::StatusOr<std::unique_ptr<Workload>> MakeWorkload(const std::string& name,
                                                       const WorkloadOptions& options);

}  // namespace budgetperf::bench

#endif  // BUDGETPERF_BENCH_LOADGEN_WORKLOADS_H_
