#ifndef BUDGETPERF_SERVICES_AGGREGATION_INGESTION_SOURCE_H_
#define BUDGETPERF_SERVICES_AGGREGATION_INGESTION_SOURCE_H_

// Recompute's source in a real deployment: ingestion's ListEvaluations
// (--ingestion=ADDR), read over gRPC.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "budgetperf/v1/aggregation.pb.h"
#include "budgetperf/v1/ingestion.grpc.pb.h"
#include "services/aggregation/evaluation_source.h"

namespace budgetperf {

// The ApplyEvaluationRequest that delivers a stored version: its package,
// version, submission time and package-rule findings, and the scorecard's
// summary once scoring_status is SCORED (whatever the headline status).
// Ingestion's outbox should send the same.
v1::ApplyEvaluationRequest ApplyRequestFor(const v1::StoredEvaluation& stored);

// Lists the latest versions of a year from an ingestion server.
class IngestionEvaluationSource final : public EvaluationSource {
 public:
  // `address` is HOST:PORT; a listing that takes longer than `timeout` is
  // abandoned with DEADLINE_EXCEEDED.
  explicit IngestionEvaluationSource(std::string address,
                                     absl::Duration timeout = absl::Minutes(10));

  std::string Describe() const override;

  // Streams ListEvaluations(year, FULL, in batches) and calls fn for each
  // evaluation. gRPC errors come back with their code (UNAVAILABLE when
  // ingestion is down).
  absl::Status ForEachLatest(
      int32_t year,
      const std::function<absl::Status(const v1::ApplyEvaluationRequest&)>& fn) override;

 private:
  std::string address_;
  absl::Duration timeout_;
  std::unique_ptr<v1::IngestionService::Stub> stub_;
};

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_AGGREGATION_INGESTION_SOURCE_H_
