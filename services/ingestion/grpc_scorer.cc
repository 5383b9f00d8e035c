#include "services/ingestion/grpc_scorer.h"

#include <grpcpp/grpcpp.h>

#include <utility>

#include "common/server/grpc_status.h"
#include "common/server/peer_channel.h"
#include "common/server/server_security.h"

namespace budgetperf {
namespace ingestion {

GrpcScorer::GrpcScorer(Options options) : options_(std::move(options)) {
  PeerChannelOptions channel;
  channel.max_receive_bytes = options_.max_message_bytes;
  channel.max_send_bytes = options_.max_message_bytes;
  // gRPC backs off reconnecting up to 2 minutes by default: a scoring
  // server that comes back would sit unused that long while packages wait
  // in the outbox.
  channel.fast_reconnect = true;
  stub_ = v1::ScoringService::NewStub(
      MakePeerChannel(options_.address, DefaultChannelCredentials(), channel));
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
