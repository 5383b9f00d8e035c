#ifndef BUDGETPERF_SERVICES_INGESTION_GRPC_EVALUATION_SINK_H_
#define BUDGETPERF_SERVICES_INGESTION_GRPC_EVALUATION_SINK_H_

// The EvaluationSink of a real deployment: AggregationService.ApplyEvaluation
// and ApplyEvaluations over gRPC.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "budgetperf/v1/aggregation.grpc.pb.h"
#include "budgetperf/v1/aggregation.pb.h"
#include "services/ingestion/evaluation_sink.h"

namespace budgetperf {
namespace ingestion {

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

#endif  // BUDGETPERF_SERVICES_INGESTION_GRPC_EVALUATION_SINK_H_
