#ifndef BUDGETPERF_SERVICES_BUDGETD_IN_PROCESS_H_
#define BUDGETPERF_SERVICES_BUDGETD_IN_PROCESS_H_

// The in-process implementations of the interfaces through which the
// services call each other. In the separate binaries these are gRPC clients
// (GrpcScorer, GrpcEvaluationSink, IngestionEvaluationSource); in budgetd
// they call the other service's logic directly, with the same contracts and
// the same error codes, so ingestion and aggregation behave the same either way.

#include <atomic>
#include <memory>
#include <vector>

#include "services/aggregation/aggregator.h"
#include "services/aggregation/evaluation_source.h"
#include "services/ingestion/evaluation_sink.h"
#include "services/ingestion/ingestor.h"
#include "services/ingestion/scorer.h"
#include "services/scoring/profile_registry.h"

namespace budgetperf {

// ingestion::Scorer over ScorePackage with the registry's default profile.
class InProcessScorer final : public ingestion::Scorer {
 public:
  explicit InProcessScorer(std::shared_ptr<const ProfileRegistry> profiles)
      : profiles_(std::move(profiles)) {}
  absl::StatusOr<v1::ScoreCard> Score(const v1::EvaluationPackage& package) override;

 private:
  std::shared_ptr<const ProfileRegistry> profiles_;
};

// ingestion::EvaluationSink over Aggregator::ApplyEvaluation (one) and
// Aggregator::ApplyBatch (a round).
class InProcessEvaluationSink final : public ingestion::EvaluationSink {
 public:
  explicit InProcessEvaluationSink(Aggregator* aggregator) : aggregator_(aggregator) {}
  absl::StatusOr<v1::ApplyEvaluationResponse> Deliver(
      const v1::ApplyEvaluationRequest& request) override;
  std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>> DeliverBatch(
      const std::vector<const v1::ApplyEvaluationRequest*>& requests) override;

 private:
  Aggregator* aggregator_;  // not owned
};

// aggregation's EvaluationSource (for Recompute) over the Ingestor's listing.
// Aggregation is opened before ingestion (ingestion delivers to it), so the
// Ingestor is attached once it exists; until then reads are UNAVAILABLE.
class InProcessEvaluationSource final : public EvaluationSource {
 public:
  void Attach(ingestion::Ingestor* ingestor) { ingestor_.store(ingestor); }
  std::string Describe() const override { return "ingestion (in process)"; }
  absl::Status ForEachLatest(
      int32_t year,
      const std::function<absl::Status(const v1::ApplyEvaluationRequest&)>& fn) override;

 private:
  std::atomic<ingestion::Ingestor*> ingestor_{nullptr};  // not owned
};

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_BUDGETD_IN_PROCESS_H_
