#ifndef BUDGETPERF_SERVICES_AGGREGATION_EVALUATION_SOURCE_H_
#define BUDGETPERF_SERVICES_AGGREGATION_EVALUATION_SOURCE_H_

// Where Recompute reads the latest versions from. In a server it is
// ingestion's ListEvaluations (ingestion_source.h); tests may list packages
// of their own.

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "budgetperf/v1/aggregation.pb.h"

namespace budgetperf {

class EvaluationSource {
 public:
  virtual ~EvaluationSource() = default;

  // Says where the versions come from, e.g. "ingestion 127.0.0.1:7101".
  virtual std::string Describe() const = 0;

  // Calls fn once with the latest version of every (unit, year) filed for
  // `year`, as ApplyEvaluation would receive it. Stops at fn's first error
  // and returns it; UNAVAILABLE and the like when the source cannot be read.
  virtual absl::Status ForEachLatest(
      int32_t year, const std::function<absl::Status(const v1::ApplyEvaluationRequest&)>& fn) = 0;
};

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_AGGREGATION_EVALUATION_SOURCE_H_
