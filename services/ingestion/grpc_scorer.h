#ifndef BUDGETPERF_SERVICES_INGESTION_GRPC_SCORER_H_
#define BUDGETPERF_SERVICES_INGESTION_GRPC_SCORER_H_

// The Scorer of a real deployment: ScoringService.Score over gRPC.

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "budgetperf/v1/evaluation_package.pb.h"
#include "budgetperf/v1/scoring.grpc.pb.h"
#include "budgetperf/v1/scoring.pb.h"
#include "services/ingestion/scorer.h"

namespace budgetperf {
namespace ingestion {

// Calls ScoringService.Score at an address over one shared channel.
class GrpcScorer final : public Scorer {
 public:
  struct Options {
    // HOST:PORT of budget-scoring.
    std::string address;
    // Each Score call gives up after this long (the Submit then stores the
    // package as SCORING_PENDING).
    std::chrono::milliseconds deadline{5000};
    // The profile to score by; empty for the scoring server's default.
    std::string profile;
    // Largest reply accepted (a scorecard is a fraction of its package).
    int max_message_bytes = 16 * 1024 * 1024;
  };

  // Creates the channel; connecting is lazy, so this succeeds whether or not
  // scoring is up.
  explicit GrpcScorer(Options options);

  absl::StatusOr<v1::ScoreCard> Score(const v1::EvaluationPackage& package) override;

 private:
  Options options_;
  std::unique_ptr<v1::ScoringService::Stub> stub_;
};

}  // namespace ingestion
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_INGESTION_GRPC_SCORER_H_
