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
  server->listen_ = options.listen;
  server->max_message_bytes_ = options.max_message_bytes;
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
  absl::StatusOr<std::unique_ptr<AggregationServer>> opened = Open(std::move(options));
  if (!opened.ok()) return opened.status();
  std::unique_ptr<AggregationServer> server = *std::move(opened);
  if (absl::Status served = server->Serve(); !served.ok()) return served;
  return server;
}

absl::Status AggregationServer::Serve() {
  checkpointer_ = std::make_unique<admin::Checkpointer>(
      std::vector<admin::Checkpointer::Store>{{"aggregation", aggregator_->checkpointable()}});
  admin_ = std::make_unique<admin::AdminServiceImpl>(checkpointer_.get());

  GrpcServerOptions grpc_options;
  grpc_options.listen = listen_;
  grpc_options.max_message_bytes = max_message_bytes_;
  absl::StatusOr<std::unique_ptr<GrpcServer>> grpc_server =
      GrpcServer::Start(grpc_options, {service_.get(), admin_.get()});
  if (!grpc_server.ok()) return grpc_server.status();
  server_ = *std::move(grpc_server);
  server_->SetServing("", true);
  server_->SetServing(v1::AggregationService::service_full_name(), true);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> NodePathOf(Aggregator* aggregator,
                                                    absl::string_view code, int32_t year) {
  v1::GetNodeRequest request;
  request.set_code(std::string(code));
  request.set_year(year);
  absl::StatusOr<v1::GetNodeResponse> node = aggregator->GetNode(request);
  if (!node.ok()) return node.status();
  return std::vector<std::string>(node->path().begin(), node->path().end());
}

void AggregationServer::Shutdown(std::chrono::milliseconds grace) {
  if (server_ != nullptr && !shut_down_) {
    shut_down_ = true;
    server_->SetServing(v1::AggregationService::service_full_name(), false);
    server_->Shutdown(grace);
  }
}

}  // namespace budgetperf
