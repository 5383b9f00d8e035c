#include "services/aggregation/aggregation_server.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "budgetperf/v1/aggregation.grpc.pb.h"
#include "services/aggregation/ingestion_source.h"

namespace budgetperf {

AggregationServer::~AggregationServer() { Shutdown(std::chrono::milliseconds(0)); }

absl::StatusOr<std::unique_ptr<AggregationServer>> AggregationServer::Open(Options options) {
  std::error_code error;
  std::filesystem::create_directories(options.data_dir, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create the data folder ", options.data_dir, ": ", error.message()));
  }
  std::unique_ptr<AggregationServer> server(new AggregationServer());
  Aggregator::Options aggregator_options;
  aggregator_options.data_dir = options.data_dir;
  aggregator_options.durable = options.durable;
  absl::StatusOr<std::unique_ptr<Aggregator>> aggregator =
      Aggregator::Open(std::move(aggregator_options));
  if (!aggregator.ok()) return aggregator.status();
  server->aggregator_ = *std::move(aggregator);
  if (options.source != nullptr) {
    server->source_ = std::move(options.source);
  } else if (!options.ingestion_address.empty()) {
    server->source_ = std::make_unique<IngestionEvaluationSource>(options.ingestion_address);
  }
  server->service_ =
      std::make_unique<AggregationServiceImpl>(server->aggregator_.get(), server->source_.get());
  return server;
}

absl::StatusOr<std::unique_ptr<AggregationServer>> AggregationServer::Start(Options options) {
  const std::string listen = options.listen;
  const int max_message_bytes = options.max_message_bytes;
  absl::StatusOr<std::unique_ptr<AggregationServer>> opened = Open(std::move(options));
  if (!opened.ok()) return opened.status();
  std::unique_ptr<AggregationServer> server = *std::move(opened);

  server->checkpointer_ = std::make_unique<admin::Checkpointer>(
      std::vector<admin::Checkpointer::Store>{{"aggregation", server->aggregator_->checkpointable()}});
  server->admin_ = std::make_unique<admin::AdminServiceImpl>(server->checkpointer_.get());

  GrpcServerOptions grpc_options;
  grpc_options.listen = listen;
  grpc_options.max_message_bytes = max_message_bytes;
  absl::StatusOr<std::unique_ptr<GrpcServer>> grpc_server =
      GrpcServer::Start(grpc_options, {server->service_.get(), server->admin_.get()});
  if (!grpc_server.ok()) return grpc_server.status();
  server->server_ = *std::move(grpc_server);
  server->server_->SetServing("", true);
  server->server_->SetServing(v1::AggregationService::service_full_name(), true);
  return server;
}

void AggregationServer::Shutdown(std::chrono::milliseconds grace) {
  if (server_ != nullptr && !shut_down_) {
    shut_down_ = true;
    server_->SetServing(v1::AggregationService::service_full_name(), false);
    server_->Shutdown(grace);
  }
}

}  // namespace budgetperf
