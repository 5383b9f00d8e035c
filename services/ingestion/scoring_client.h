#ifndef BUDGETPERF_SERVICES_INGESTION_SCORING_CLIENT_H_
#define BUDGETPERF_SERVICES_INGESTION_SCORING_CLIENT_H_

// How ingestion gets a package scored: the Scorer interface the logic calls,
// and its implementation over gRPC (ScoringService.Score).

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "budgetperf/v1/evaluation_package.pb.h"
#include "budgetperf/v1/scoring.grpc.pb.h"
#include "budgetperf/v1/scoring.pb.h"

namespace budgetperf {
namespace ingestion {

// Scores packages. Implementations must be thread-safe: Submits on several
// threads and the outbox dispatcher call it at once.
class Scorer {
 public:
  virtual ~Scorer() = default;

  // The scorecard of `package`. Errors tell the caller what to do (see
  // IsPermanentScoringError): UNAVAILABLE or DEADLINE_EXCEEDED when scoring
  // cannot be reached (try again later), INVALID_ARGUMENT when scoring
  // refuses the package (trying again will not help).
  virtual absl::StatusOr<v1::ScoreCard> Score(const v1::EvaluationPackage& package) = 0;
};

// True for the errors that retrying cannot cure: scoring refused the package
// or the profile (INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE).
// Everything else (unreachable, overloaded, timed out, a server bug) is
// retried from the outbox.
bool IsPermanentScoringError(const absl::Status& status);

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

#endif  // BUDGETPERF_SERVICES_INGESTION_SCORING_CLIENT_H_
