#ifndef BUDGETPERF_SERVICES_INGESTION_INGESTION_SERVER_H_
#define BUDGETPERF_SERVICES_INGESTION_INGESTION_SERVER_H_

// A running budget-ingestion server: the store, the scoring client, the
// aggregation sink, the outbox dispatcher, the Ingestor and
// IngestionServiceImpl on one port, with AdminService (checkpoints of the
// store under DIR/ingestion), the gRPC health service (the server and
// "budgetperf.v1.IngestionService" report SERVING) and server reflection.
//
//   IngestionServer::Options options;
//   options.listen = "127.0.0.1:0";
//   options.data_dir = "/var/lib/budgetperf/ingestion";
//   options.scoring_address = "127.0.0.1:7102";
//   options.aggregation_address = "127.0.0.1:7103";
//   ASSIGN_OR_RETURN(auto server, IngestionServer::Start(std::move(options)));
//   std::cout << "listening on " << server->address() << std::endl;
//   WaitForShutdownSignal();
//   server->Shutdown();

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/admin/admin_service.h"
#include "common/admin/checkpointer.h"
#include "common/server/grpc_server.h"
#include "services/consistency/consistency_config.h"
#include "services/ingestion/evaluation_sink.h"
#include "services/ingestion/grpc_evaluation_sink.h"
#include "services/ingestion/grpc_scorer.h"
#include "services/ingestion/ingestion_service.h"
#include "services/ingestion/ingestion_store.h"
#include "services/ingestion/ingestor.h"
#include "services/ingestion/outbox_dispatcher.h"
#include "services/ingestion/scorer.h"
#include "services/ingestion/work_queue.h"

namespace budgetperf {
namespace ingestion {

// Requests and replies larger than this are refused by the transport. A
// package is capped at kMaxPackageBytes (4 MiB) by validation, which then
// reports an oversize package as a violation rather than a transport error;
// 16 MiB leaves room for a stored evaluation with its scorecard.
inline constexpr int kIngestionMaxMessageBytes = 16 * 1024 * 1024;

class IngestionServer {
 public:
  struct Options {
    // HOST:PORT; port 0 picks a free one (see port()).
    std::string listen = "127.0.0.1:0";
    // The RocksDB folder; created if absent.
    std::string data_dir;
    // HOST:PORT of budget-scoring; empty: no scoring (every version stays
    // SCORING_PENDING until a server started with one scores them).
    std::string scoring_address;
    // HOST:PORT of budget-aggregation; empty: versions are not delivered
    // (no delivery records are written).
    std::string aggregation_address;
    // Sync each acknowledged write to disk (see IngestionStore::Options).
    bool durable = true;
    int max_message_bytes = kIngestionMaxMessageBytes;
    // Threads running the handlers' work (Submits block on disk syncs and
    // scoring calls).
    int worker_threads = 8;
    // Each Score call gives up after this long.
    std::chrono::milliseconds scoring_deadline{5000};
    // Each ApplyEvaluation call gives up after this long.
    std::chrono::milliseconds aggregation_deadline{5000};
    // Retrying pending scoring and delivery.
    OutboxDispatcher::Options outbox;
    // The package rules' severities, tolerances and blocking per region
    // (--consistency-config); default: the catalogue's defaults.
    ConsistencyConfig consistency;
    // In-process implementations (budgetd), overriding scoring_address and
    // aggregation_address.
    std::unique_ptr<Scorer> scorer;
    std::unique_ptr<EvaluationSink> sink;
  };

  // Opens the store and builds the service without serving it: for budgetd,
  // which serves several services on one port and then calls
  // StartBackground. Errors as Start's, but for the address ones.
  static absl::StatusOr<std::unique_ptr<IngestionServer>> Open(Options options);

  // The service to register on a server (Open) and the logic behind it.
  grpc::Service* service() { return service_.get(); }
  Ingestor* ingestor() { return ingestor_.get(); }
  // The store, for backups (budgetd's AdminService).
  storage::Checkpointable* checkpointable() { return store_.get(); }

  // Starts (StopBackground stops) the outbox dispatcher: scoring and
  // delivery retries. Start calls it once serving.
  void StartBackground();
  void StopBackground();

  // Serves a server made by Open on Options::listen, with AdminService
  // beside it, and starts the background work: Start is Open then Serve. A
  // main() opens first when its access guard needs the store
  // (LatestDivisionOf) before the first call. Errors as Start's; call once.
  absl::Status Serve();

  // The store (for LatestDivisionOf).
  const IngestionStore& store() const { return *store_; }

  // Opens the store and starts serving. INVALID_ARGUMENT for a malformed
  // address, UNAVAILABLE when it cannot be bound, INTERNAL/DATA_LOSS when the
  // store cannot be opened (e.g. another server holds the folder).
  static absl::StatusOr<std::unique_ptr<IngestionServer>> Start(Options options);

  // Shuts down if still running.
  ~IngestionServer();

  IngestionServer(const IngestionServer&) = delete;
  IngestionServer& operator=(const IngestionServer&) = delete;

  // The bound port.
  int port() const { return server_->port(); }
  // HOST:PORT with the bound port, as printed in "listening on HOST:PORT".
  const std::string& address() const { return server_->address(); }

  // Reports NOT_SERVING, stops taking calls, waits up to `grace` for those in
  // flight, then stops the outbox dispatcher. The store closes with the
  // object. Idempotent.
  void Shutdown(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  IngestionServer() = default;

  std::string listen_;
  int max_message_bytes_ = kIngestionMaxMessageBytes;
  // Declared in dependency order: each member outlives those after it.
  std::unique_ptr<IngestionStore> store_;
  std::unique_ptr<Scorer> scorer_;
  std::unique_ptr<EvaluationSink> sink_;
  std::unique_ptr<OutboxDispatcher> dispatcher_;
  std::unique_ptr<Ingestor> ingestor_;
  std::unique_ptr<WorkQueue> work_;
  std::unique_ptr<IngestionServiceImpl> service_;
  // Backups of the store (AdminService; Start only: budgetd serves its own).
  std::unique_ptr<admin::Checkpointer> checkpointer_;
  std::unique_ptr<admin::AdminServiceImpl> admin_;
  std::unique_ptr<GrpcServer> server_;
  bool shut_down_ = false;
};

// The division code (行政区划代码) the latest version of `uscc` for `year`
// was filed under; nullopt when nothing is stored (or the code or year is
// malformed). What the access guard of a server keeping the filings places
// bureaus' units by (auth::UnitDivisionLookup). Thread-safe.
absl::StatusOr<std::optional<std::string>> LatestDivisionOf(const IngestionStore& store,
                                                            absl::string_view uscc,
                                                            int32_t year);

}  // namespace ingestion
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_INGESTION_INGESTION_SERVER_H_
