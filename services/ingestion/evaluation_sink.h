#ifndef BUDGETPERF_SERVICES_INGESTION_EVALUATION_SINK_H_
#define BUDGETPERF_SERVICES_INGESTION_EVALUATION_SINK_H_

// Where ingestion's outbox delivers stored versions: the EvaluationSink
// interface the OutboxDispatcher calls, the request it is given
// (ApplyRequestOf), and its implementation over gRPC
// (AggregationService.ApplyEvaluation). budgetd, which runs aggregation in
// the same process, plugs in a sink that calls its Aggregator directly.
//
// Delivery is at least once and in any order: the receiver applies a version
// idempotently by (unit, year, version), never lets an older version replace
// a newer one, and takes the same version again when it now carries a score.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "budgetperf/v1/aggregation.grpc.pb.h"
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

// Calls AggregationService.ApplyEvaluation at an address over one shared
// channel.
class GrpcEvaluationSink final : public EvaluationSink {
 public:
  struct Options {
    // HOST:PORT of budget-aggregation.
    std::string address;
    // Each call gives up after this long (the record is retried).
    std::chrono::milliseconds deadline{5000};
    // Largest request sent (a package is at most 4 MiB).
    int max_message_bytes = 16 * 1024 * 1024;
    // A round is split into ApplyEvaluations calls of about this many bytes
    // at most, well under both sides' message limits (one larger version
    // goes alone).
    size_t max_batch_bytes = 4 * 1024 * 1024;
  };

  // Creates the channel; connecting is lazy, so this succeeds whether or not
  // aggregation is up.
  explicit GrpcEvaluationSink(Options options);

  absl::StatusOr<v1::ApplyEvaluationResponse> Deliver(
      const v1::ApplyEvaluationRequest& request) override;

  // ApplyEvaluations calls of at most max_batch_bytes each; one
  // ApplyEvaluation per item (from then on) when the server is older and
  // answers UNIMPLEMENTED.
  std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>> DeliverBatch(
      const std::vector<const v1::ApplyEvaluationRequest*>& requests) override;

 private:
  // One ApplyEvaluations call for requests[begin, end); false (nothing
  // appended) when the server has no such call.
  bool DeliverChunk(const std::vector<const v1::ApplyEvaluationRequest*>& requests, size_t begin,
                    size_t end, std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>>* results);

  Options options_;
  std::unique_ptr<v1::AggregationService::Stub> stub_;
  // Set once the server answered ApplyEvaluations with UNIMPLEMENTED.
  std::atomic<bool> no_batch_{false};
};

}  // namespace ingestion
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_INGESTION_EVALUATION_SINK_H_
