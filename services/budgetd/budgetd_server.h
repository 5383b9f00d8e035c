#ifndef BUDGETPERF_SERVICES_BUDGETD_BUDGETD_SERVER_H_
#define BUDGETPERF_SERVICES_BUDGETD_BUDGETD_SERVER_H_

// budgetd: ingestion, scoring and aggregation in one process, on one port,
// with one data folder (a RocksDB per service under it: DATA/ingestion,
// DATA/aggregation). The services call each other in process through the
// same interfaces the separate binaries use over gRPC (in_process.h).
//
//   BudgetdServer::Options options;
//   options.listen = "127.0.0.1:7100";
//   options.data_dir = "./data";
//   ASSIGN_OR_RETURN(auto server, BudgetdServer::Start(std::move(options)));
//   std::cout << "listening on " << server->address() << std::endl;
//   WaitForShutdownSignal();
//   server->Shutdown();

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/admin/admin_service.h"
#include "common/admin/checkpointer.h"
#include "common/server/grpc_server.h"
#include "services/aggregation/aggregation_server.h"
#include "services/budgetd/in_process.h"
#include "services/consistency/consistency_config.h"
#include "services/ingestion/ingestion_server.h"
#include "services/scoring/profile_registry.h"
#include "services/scoring/scoring_service.h"

namespace budgetperf {

class BudgetdServer {
 public:
  struct Options {
    // HOST:PORT; port 0 picks a free one (see port()).
    std::string listen = "127.0.0.1:0";
    // The data folder; ingestion/ and aggregation/ are created under it.
    std::string data_dir = "./data";
    bool durable = true;
    int max_message_bytes = ingestion::kIngestionMaxMessageBytes;
    // Scoring profiles (--profiles); national-2020 alone by default.
    ProfileRegistry profiles;
    // The package rules' config (--consistency-config).
    ConsistencyConfig consistency;
    int worker_threads = 8;
  };

  // Opens both stores and serves the three services. Errors as the separate
  // servers' Start.
  static absl::StatusOr<std::unique_ptr<BudgetdServer>> Start(Options options);

  // Start in two steps: Open opens both stores and builds the services;
  // Serve serves them. main() opens first so that its access guard's
  // lookups (the tree, the filings' divisions) work from the first call.
  static absl::StatusOr<std::unique_ptr<BudgetdServer>> Open(Options options);
  absl::Status Serve();

  // The logic and the store behind the services (for the guard's lookups:
  // NodePathOf, ingestion::LatestDivisionOf).
  Aggregator* aggregator() { return aggregation_->aggregator(); }
  const ingestion::IngestionStore& ingestion_store() const { return ingestion_->store(); }

  ~BudgetdServer();
  BudgetdServer(const BudgetdServer&) = delete;
  BudgetdServer& operator=(const BudgetdServer&) = delete;

  int port() const { return server_->port(); }
  const std::string& address() const { return server_->address(); }

  // Stops taking calls, waits up to `grace` for those in flight, then stops
  // the background delivery. Idempotent.
  void Shutdown(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  BudgetdServer() = default;

  std::string listen_;
  int max_message_bytes_ = ingestion::kIngestionMaxMessageBytes;
  // Declared in dependency order: each member outlives those after it.
  std::shared_ptr<const ProfileRegistry> profiles_;
  std::unique_ptr<ScoringServiceImpl> scoring_;
  InProcessEvaluationSource* source_ = nullptr;  // owned by aggregation_
  std::unique_ptr<AggregationServer> aggregation_;
  std::unique_ptr<ingestion::IngestionServer> ingestion_;
  // Backups of both stores (AdminService): DIR/aggregation, DIR/ingestion.
  std::unique_ptr<admin::Checkpointer> checkpointer_;
  std::unique_ptr<admin::AdminServiceImpl> admin_;
  std::unique_ptr<GrpcServer> server_;
  bool shut_down_ = false;
};

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_BUDGETD_BUDGETD_SERVER_H_
