#include "services/ingestion/ingestion_server.h"

#include <utility>

#include "common/status/status_macros.h"

namespace budgetperf {
namespace ingestion {

absl::StatusOr<std::unique_ptr<IngestionServer>> IngestionServer::Open(Options options) {
  std::unique_ptr<IngestionServer> s(new IngestionServer());
  s->listen_ = options.listen;
  s->max_message_bytes_ = options.max_message_bytes;

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
  ASSIGN_OR_RETURN(std::unique_ptr<IngestionServer> s, Open(std::move(options)));
  RETURN_IF_ERROR(s->Serve());
  return s;
}

absl::Status IngestionServer::Serve() {
  GrpcServerOptions server_options;
  server_options.listen = listen_;
  server_options.max_message_bytes = max_message_bytes_;
  checkpointer_ = std::make_unique<admin::Checkpointer>(
      std::vector<admin::Checkpointer::Store>{{"ingestion", store_.get()}});
  admin_ = std::make_unique<admin::AdminServiceImpl>(checkpointer_.get());
  ASSIGN_OR_RETURN(server_, GrpcServer::Start(server_options, {service_.get(), admin_.get()}));
  server_->SetServing("", true);
  server_->SetServing(v1::IngestionService::service_full_name(), true);
  StartBackground();
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> LatestDivisionOf(const IngestionStore& store,
                                                            absl::string_view uscc,
                                                            int32_t year) {
  absl::StatusOr<std::optional<LatestVersionRecord>> latest = store.GetLatest(uscc, year);
  // A malformed code or year names nothing stored.
  if (absl::IsInvalidArgument(latest.status()) || absl::IsNotFound(latest.status())) {
    return std::optional<std::string>();
  }
  if (!latest.ok()) return latest.status();
  if (!latest->has_value()) return std::optional<std::string>();
  return std::optional<std::string>((*latest)->division_code());
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
