#include "services/budgetd/budgetd_server.h"

#include <filesystem>
#include <utility>

#include "budgetperf/v1/aggregation.grpc.pb.h"
#include "budgetperf/v1/ingestion.grpc.pb.h"
#include "budgetperf/v1/scoring.grpc.pb.h"
#include "common/status/status_macros.h"

namespace budgetperf {

BudgetdServer::~BudgetdServer() { Shutdown(std::chrono::milliseconds(0)); }

absl::StatusOr<std::unique_ptr<BudgetdServer>> BudgetdServer::Open(Options options) {
  std::unique_ptr<BudgetdServer> s(new BudgetdServer());
  const std::filesystem::path data(options.data_dir);
  s->profiles_ = std::make_shared<const ProfileRegistry>(std::move(options.profiles));
  s->scoring_ = std::make_unique<ScoringServiceImpl>(s->profiles_);

  // Aggregation first: ingestion delivers to it.
  AggregationServer::Options aggregation;
  aggregation.data_dir = (data / "aggregation").string();
  aggregation.durable = options.durable;
  auto source = std::make_unique<InProcessEvaluationSource>();
  s->source_ = source.get();
  aggregation.source = std::move(source);
  ASSIGN_OR_RETURN(s->aggregation_, AggregationServer::Open(std::move(aggregation)));

  ingestion::IngestionServer::Options ingestion;
  ingestion.data_dir = (data / "ingestion").string();
  ingestion.durable = options.durable;
  ingestion.worker_threads = options.worker_threads;
  ingestion.consistency = std::move(options.consistency);
  ingestion.scorer = std::make_unique<InProcessScorer>(s->profiles_);
  ingestion.sink = std::make_unique<InProcessEvaluationSink>(s->aggregation_->aggregator());
  ASSIGN_OR_RETURN(s->ingestion_, ingestion::IngestionServer::Open(std::move(ingestion)));
  s->source_->Attach(s->ingestion_->ingestor());

  // Aggregation's store first: a delivery that lands after its checkpoint is
  // then still in ingestion's (delivered already, so not in its outbox), and
  // Recompute, which re-applies from ingestion, mends exactly that. The other
  // order could leave aggregation with versions ingestion's copy lacks.
  s->checkpointer_ = std::make_unique<admin::Checkpointer>(std::vector<admin::Checkpointer::Store>{
      {"aggregation", s->aggregation_->aggregator()->checkpointable()},
      {"ingestion", s->ingestion_->checkpointable()}});
  s->admin_ = std::make_unique<admin::AdminServiceImpl>(s->checkpointer_.get());

  s->listen_ = options.listen;
  s->max_message_bytes_ = options.max_message_bytes;
  return s;
}

absl::StatusOr<std::unique_ptr<BudgetdServer>> BudgetdServer::Start(Options options) {
  ASSIGN_OR_RETURN(std::unique_ptr<BudgetdServer> s, Open(std::move(options)));
  RETURN_IF_ERROR(s->Serve());
  return s;
}

absl::Status BudgetdServer::Serve() {
  GrpcServerOptions grpc_options;
  grpc_options.listen = listen_;
  grpc_options.max_message_bytes = max_message_bytes_;
  ASSIGN_OR_RETURN(server_,
                   GrpcServer::Start(grpc_options, {ingestion_->service(), scoring_.get(),
                                                    aggregation_->service(), admin_.get()}));
  server_->SetServing("", true);
  server_->SetServing(v1::IngestionService::service_full_name(), true);
  server_->SetServing(v1::ScoringService::service_full_name(), true);
  server_->SetServing(v1::AggregationService::service_full_name(), true);
  // Versions left pending by an earlier run are scored and delivered now.
  ingestion_->StartBackground();
  return absl::OkStatus();
}

void BudgetdServer::Shutdown(std::chrono::milliseconds grace) {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  server_->Shutdown(grace);
  ingestion_->StopBackground();
}

}  // namespace budgetperf
