#include "services/ingestion/grpc_evaluation_sink.h"

#include <grpcpp/grpcpp.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/server/grpc_status.h"
#include "common/server/peer_channel.h"
#include "common/server/server_security.h"

namespace budgetperf {
namespace ingestion {
namespace {

// Versions per ApplyEvaluations call, well under the server's 10,000.
constexpr size_t kMaxPerCall = 1000;

}  // namespace

GrpcEvaluationSink::GrpcEvaluationSink(Options options) : options_(std::move(options)) {
  PeerChannelOptions channel;
  channel.max_send_bytes = options_.max_message_bytes;
  channel.max_receive_bytes = options_.max_message_bytes;
  // gRPC backs off reconnecting up to 2 minutes by default: an aggregation
  // server that comes back would sit unused that long while versions wait in
  // the outbox.
  channel.fast_reconnect = true;
  stub_ = v1::AggregationService::NewStub(
      MakePeerChannel(options_.address, DefaultChannelCredentials(), channel));
}

absl::StatusOr<v1::ApplyEvaluationResponse> GrpcEvaluationSink::Deliver(
    const v1::ApplyEvaluationRequest& request) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + options_.deadline);
  v1::ApplyEvaluationResponse response;
  grpc::Status status = stub_->ApplyEvaluation(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>> GrpcEvaluationSink::DeliverBatch(
    const std::vector<const v1::ApplyEvaluationRequest*>& requests) {
  if (no_batch_.load() || requests.size() <= 1) return EvaluationSink::DeliverBatch(requests);
  std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>> results;
  results.reserve(requests.size());
  size_t begin = 0;
  while (begin < requests.size()) {
    size_t end = begin;
    size_t bytes = 0;
    do {
      bytes += requests[end]->ByteSizeLong();
      ++end;
    } while (end < requests.size() && end - begin < kMaxPerCall &&
             bytes + requests[end]->ByteSizeLong() <= options_.max_batch_bytes);
    const size_t before = results.size();
    if (!DeliverChunk(requests, begin, end, &results)) {
      // An aggregation server from before ApplyEvaluations: one at a time.
      no_batch_.store(true);
      std::vector<const v1::ApplyEvaluationRequest*> rest(requests.begin() + begin,
                                                          requests.end());
      for (auto& one : EvaluationSink::DeliverBatch(rest)) results.push_back(std::move(one));
      return results;
    }
    // Stopped short: the server became unreachable.
    if (results.size() - before < end - begin) return results;
    begin = end;
  }
  return results;
}

bool GrpcEvaluationSink::DeliverChunk(
    const std::vector<const v1::ApplyEvaluationRequest*>& requests, size_t begin, size_t end,
    std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>>* results) {
  v1::ApplyEvaluationsRequest batch;
  batch.mutable_evaluations()->Reserve(static_cast<int>(end - begin));
  for (size_t i = begin; i < end; ++i) *batch.add_evaluations() = *requests[i];
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + options_.deadline);
  v1::ApplyEvaluationsResponse response;
  const grpc::Status status = stub_->ApplyEvaluations(&context, batch, &response);
  if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) return false;
  if (!status.ok()) {
    const absl::Status error = FromGrpcStatus(status);
    // Unreachable: one attempt, as one Deliver would have made. Anything
    // else was an answer about every item.
    results->insert(results->end(), IsUnreachable(error) ? 1 : end - begin, error);
    return true;
  }
  if (response.results_size() != static_cast<int>(end - begin)) {
    results->insert(results->end(), end - begin,
                    absl::InternalError(absl::StrCat("ApplyEvaluations answered ",
                                                     response.results_size(), " results for ",
                                                     end - begin, " evaluations")));
    return true;
  }
  for (v1::ApplyEvaluationResult& result : *response.mutable_results()) {
    if (result.error_code() != 0) {
      results->push_back(absl::Status(static_cast<absl::StatusCode>(result.error_code()),
                                      result.error_message()));
    } else {
      results->push_back(std::move(*result.mutable_applied()));
    }
  }
  return true;
}

}  // namespace ingestion
}  // namespace budgetperf
