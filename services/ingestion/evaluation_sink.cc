#include "services/ingestion/evaluation_sink.h"

#include <grpcpp/grpcpp.h>

#include <utility>

#include "common/server/grpc_status.h"
#include "common/server/server_security.h"
#include "services/ingestion/evaluation_status.h"

namespace budgetperf {
namespace ingestion {

v1::ApplyEvaluationRequest ApplyRequestOf(const v1::StoredEvaluation& evaluation) {
  v1::ApplyEvaluationRequest request;
  *request.mutable_package() = evaluation.package();
  request.set_version(evaluation.version());
  request.set_submitted_at_unix_ms(evaluation.submitted_at_unix_ms());
  // Not the headline status: a scored version with error findings is
  // HAS_ERRORS, and its score counts all the same.
  if (ScoringStatusOf(evaluation) == v1::SCORED && evaluation.has_scorecard()) {
    *request.mutable_score() = evaluation.scorecard().summary();
  }
  *request.mutable_findings() = evaluation.findings();
  return request;
}

GrpcEvaluationSink::GrpcEvaluationSink(Options options) : options_(std::move(options)) {
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(options_.max_message_bytes);
  args.SetMaxReceiveMessageSize(options_.max_message_bytes);
  // gRPC backs off reconnecting up to 2 minutes by default: an aggregation
  // server that comes back would sit unused that long while versions wait in
  // the outbox.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  stub_ = v1::AggregationService::NewStub(
      grpc::CreateCustomChannel(options_.address, DefaultChannelCredentials(), args));
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

}  // namespace ingestion
}  // namespace budgetperf
