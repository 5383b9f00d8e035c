#include "services/ingestion/ingestion_server.h"

#include <utility>

#include "common/status/status_macros.h"

namespace budgetperf {
namespace ingestion {

absl::StatusOr<std::unique_ptr<IngestionServer>> IngestionServer::Open(Options options) {
  std::unique_ptr<IngestionServer> s(new IngestionServer());

  IngestionStore::Options store_options;
  store_options.path = options.data_dir;
  store_options.durable = options.durable;
  ASSIGN_OR_RETURN(s->store_, IngestionStore::Open(store_options));

  if (options.scorer != nullptr) {
    s->scorer_ = std::move(options.scorer);
  } else if (!options.scoring_address.empty()) {
    GrpcScorer::Options scorer_options;
    scorer_options.address = options.scoring_address;
    scorer_options.deadline = options.scoring_deadline;
    scorer_options.max_message_bytes = options.max_message_bytes;
    s->scorer_ = std::make_unique<GrpcScorer>(std::move(scorer_options));
  }
  if (options.sink != nullptr) {
    s->sink_ = std::move(options.sink);
  } else if (!options.aggregation_address.empty()) {
    GrpcEvaluationSink::Options sink_options;
    sink_options.address = options.aggregation_address;
    sink_options.deadline = options.aggregation_deadline;
    sink_options.max_message_bytes = options.max_message_bytes;
    s->sink_ = std::make_unique<GrpcEvaluationSink>(std::move(sink_options));
  }
  if (s->scorer_ != nullptr || s->sink_ != nullptr) {
    s->dispatcher_ = std::make_unique<OutboxDispatcher>(s->store_.get(), s->scorer_.get(),
                                                        s->sink_.get(), options.outbox);
  }

  Ingestor::Options ingestor_options;
  ingestor_options.clock = options.outbox.clock;
  ingestor_options.consistency = std::move(options.consistency);
  ingestor_options.deliver_to_aggregation = s->sink_ != nullptr;
  if (s->dispatcher_ != nullptr) {
    OutboxDispatcher* dispatcher = s->dispatcher_.get();
    ingestor_options.on_outbox_work = [dispatcher] { dispatcher->Notify(); };
  }
  s->ingestor_ =
      std::make_unique<Ingestor>(s->store_.get(), s->scorer_.get(), std::move(ingestor_options));
  s->work_ = std::make_unique<WorkQueue>(options.worker_threads);
  s->service_ = std::make_unique<IngestionServiceImpl>(s->ingestor_.get(), s->work_.get());
  return s;
}

absl::StatusOr<std::unique_ptr<IngestionServer>> IngestionServer::Start(Options options) {
  GrpcServerOptions server_options;
  server_options.listen = options.listen;
  server_options.max_message_bytes = options.max_message_bytes;
  ASSIGN_OR_RETURN(std::unique_ptr<IngestionServer> s, Open(std::move(options)));
  s->checkpointer_ = std::make_unique<admin::Checkpointer>(
      std::vector<admin::Checkpointer::Store>{{"ingestion", s->store_.get()}});
  s->admin_ = std::make_unique<admin::AdminServiceImpl>(s->checkpointer_.get());
  ASSIGN_OR_RETURN(s->server_,
                   GrpcServer::Start(server_options, {s->service_.get(), s->admin_.get()}));
  s->server_->SetServing("", true);
  s->server_->SetServing(v1::IngestionService::service_full_name(), true);
  s->StartBackground();
  return s;
}

void IngestionServer::StartBackground() {
  // Pending work left by an earlier run is picked up at once.
  if (dispatcher_ != nullptr) {
    dispatcher_->Start();
    dispatcher_->Notify();
  }
}

void IngestionServer::StopBackground() {
  if (dispatcher_ != nullptr) dispatcher_->Stop();
}

IngestionServer::~IngestionServer() { Shutdown(std::chrono::milliseconds(0)); }

void IngestionServer::Shutdown(std::chrono::milliseconds grace) {
  if (shut_down_) return;
  shut_down_ = true;
  // Calls in flight finish on the work queue, which must still run.
  if (server_ != nullptr) server_->Shutdown(grace);
  if (dispatcher_ != nullptr) dispatcher_->Stop();
}

}  // namespace ingestion
}  // namespace budgetperf
