#ifndef BUDGETPERF_SERVICES_INGESTION_SCORER_H_
#define BUDGETPERF_SERVICES_INGESTION_SCORER_H_

// How ingestion gets a package scored: the Scorer interface the Ingestor and
// the outbox dispatcher call. In a server it is ScoringService.Score over
// gRPC (grpc_scorer.h); budgetd plugs in its scoring rules directly.

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "budgetperf/v1/evaluation_package.pb.h"
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
inline bool IsPermanentScoringError(const absl::Status& status) {
  return absl::IsInvalidArgument(status) || absl::IsFailedPrecondition(status) ||
         absl::IsOutOfRange(status);
}

}  // namespace ingestion
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_INGESTION_SCORER_H_
