#ifndef BUDGETPERF_SERVICES_INGESTION_EVALUATION_SINK_H_
#define BUDGETPERF_SERVICES_INGESTION_EVALUATION_SINK_H_

// Where ingestion's outbox delivers stored versions: the EvaluationSink
// interface the OutboxDispatcher calls and the request it is given
// (ApplyRequestOf). In a server it is implemented over gRPC
// (AggregationService.ApplyEvaluation, grpc_evaluation_sink.h). budgetd,
// which runs aggregation in the same process, plugs in a sink that calls its
// Aggregator directly.
//
// Delivery is at least once and in any order: the receiver applies a version
// idempotently by (unit, year, version), never lets an older version replace
// a newer one, and takes the same version again when it now carries a score.

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "budgetperf/v1/aggregation.pb.h"
#include "budgetperf/v1/ingestion.pb.h"

namespace budgetperf {
namespace ingestion {

// Receives stored versions. Implementations must be thread-safe.
class EvaluationSink {
 public:
  virtual ~EvaluationSink() = default;

  // Applies one stored version. OK once the receiver holds it (applied now,
  // or already, or a newer version is in effect). Errors tell the caller
  // what to do: UNAVAILABLE or DEADLINE_EXCEEDED when the receiver cannot be
  // reached (stop delivering for a while); anything else is kept and retried
  // with backoff too, since dropping it would lose the version, but does not
  // hold up the other versions.
  virtual absl::StatusOr<v1::ApplyEvaluationResponse> Deliver(
      const v1::ApplyEvaluationRequest& request) = 0;

  // Applies many stored versions, in order. Returns one result per item
  // attempted, as Deliver would answer it, in order: fewer than
  // `requests` (at least one when there are any) when the receiver became
  // unreachable, the last result then UNAVAILABLE or DEADLINE_EXCEEDED and
  // the items after it not attempted. This default calls Deliver for each.
  virtual std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>> DeliverBatch(
      const std::vector<const v1::ApplyEvaluationRequest*>& requests);
};

// Whether a delivery error means the receiver cannot be reached (stop
// delivering for a while) rather than a refusal of the one version.
bool IsUnreachable(const absl::Status& status);

// The delivery of `evaluation`: its package, version and submission time,
// its findings, and its scorecard's summary once scoring_status is SCORED
// (whatever the headline status says).
v1::ApplyEvaluationRequest ApplyRequestOf(const v1::StoredEvaluation& evaluation);
// The same, written to `request`, taking the package and findings out of
// `evaluation` rather than copying them (a round of deliveries builds
// hundreds): on the same arena only pointers move.
void TakeApplyRequest(v1::StoredEvaluation* evaluation, v1::ApplyEvaluationRequest* request);

}  // namespace ingestion
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_INGESTION_EVALUATION_SINK_H_
