#include "services/scoring/scoring_server.h"

#include <utility>

#include "budgetperf/v1/scoring.grpc.pb.h"

namespace budgetperf {

ScoringServer::ScoringServer(std::unique_ptr<ScoringServiceImpl> service,
                             std::unique_ptr<GrpcServer> server)
    : service_(std::move(service)), server_(std::move(server)) {}

ScoringServer::~ScoringServer() { Shutdown(std::chrono::milliseconds(0)); }

absl::StatusOr<std::unique_ptr<ScoringServer>> ScoringServer::Start(
    Options options) {
  auto service = std::make_unique<ScoringServiceImpl>(
      std::make_shared<const ProfileRegistry>(std::move(options.profiles)));
  GrpcServerOptions grpc_options;
  grpc_options.listen = options.listen;
  grpc_options.max_message_bytes = options.max_message_bytes;
  absl::StatusOr<std::unique_ptr<GrpcServer>> server =
      GrpcServer::Start(grpc_options, {service.get()});
  if (!server.ok()) return server.status();
  (*server)->SetServing("", true);
  (*server)->SetServing(v1::ScoringService::service_full_name(), true);
  return std::unique_ptr<ScoringServer>(
      new ScoringServer(std::move(service), *std::move(server)));
}

void ScoringServer::Shutdown(std::chrono::milliseconds grace) {
  if (server_ != nullptr && !shut_down_) {
    shut_down_ = true;
    server_->SetServing(v1::ScoringService::service_full_name(), false);
    server_->Shutdown(grace);
  }
}

}  // namespace budgetperf
