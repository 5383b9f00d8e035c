#include "services/ingestion/scoring_client.h"

#include <grpcpp/grpcpp.h>

#include <utility>

#include "common/server/grpc_status.h"
#include "common/server/server_security.h"

namespace budgetperf {
namespace ingestion {

bool IsPermanentScoringError(const absl::Status& status) {
  return absl::IsInvalidArgument(status) || absl::IsFailedPrecondition(status) ||
         absl::IsOutOfRange(status);
}

GrpcScorer::GrpcScorer(Options options) : options_(std::move(options)) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(options_.max_message_bytes);
  args.SetMaxSendMessageSize(options_.max_message_bytes);
  // gRPC backs off reconnecting up to 2 minutes by default: a scoring
  // server that comes back would sit unused that long while packages wait
  // in the outbox.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  stub_ = v1::ScoringService::NewStub(
      grpc::CreateCustomChannel(options_.address, DefaultChannelCredentials(), args));
}

absl::StatusOr<v1::ScoreCard> GrpcScorer::Score(const v1::EvaluationPackage& package) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + options_.deadline);
  v1::ScoreRequest request;
  *request.mutable_package() = package;
  request.set_profile(options_.profile);
  v1::ScoreResponse response;
  grpc::Status status = stub_->Score(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return std::move(*response.mutable_scorecard());
}

}  // namespace ingestion
}  // namespace budgetperf
