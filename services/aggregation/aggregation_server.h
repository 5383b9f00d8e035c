#ifndef BUDGETPERF_SERVICES_AGGREGATION_AGGREGATION_SERVER_H_
#define BUDGETPERF_SERVICES_AGGREGATION_AGGREGATION_SERVER_H_

// A running budget-aggregation server: the Aggregator on its RocksDB folder
// and AggregationServiceImpl on its own port, with AdminService (checkpoints
// of the store under DIR/aggregation), the gRPC health service
// (the server and "budgetperf.v1.AggregationService" report SERVING) and
// server reflection.
//
//   AggregationServer::Options options;
//   options.listen = "127.0.0.1:0";
//   options.data_dir = "/var/lib/budgetperf/aggregation";
//   ASSIGN_OR_RETURN(auto server, AggregationServer::Start(std::move(options)));
//   std::cout << "listening on " << server->address() << std::endl;
//   WaitForShutdownSignal();
//   server->Shutdown();

#include <chrono>
#include <memory>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/admin/admin_service.h"
#include "common/admin/checkpointer.h"
#include "common/server/grpc_server.h"
#include "services/aggregation/aggregation_service.h"
#include "services/aggregation/aggregator.h"
#include "services/aggregation/evaluation_source.h"

namespace budgetperf {

class AggregationServer {
 public:
  struct Options {
    // HOST:PORT; port 0 picks a free one (see port()).
    std::string listen = "127.0.0.1:0";
    // The RocksDB folder (created with its parents if missing).
    std::string data_dir = "data/aggregation";
    // Ingestion's HOST:PORT, read by Recompute; empty: Recompute re-sums the
    // applied contributions.
    std::string ingestion_address;
    // fsync every write batch.
    bool durable = true;
    // Largest request or reply accepted.
    int max_message_bytes = kDefaultMaxMessageBytes;
    // Where Recompute reads from, overriding ingestion_address: budgetd
    // passes an in-process source.
    std::unique_ptr<EvaluationSource> source;
  };

  // Opens the store and builds the service without serving it: for budgetd,
  // which serves several services on one port. INTERNAL when the data folder
  // cannot be opened (e.g. another server holds it).
  static absl::StatusOr<std::unique_ptr<AggregationServer>> Open(Options options);

  // Serves a server made by Open on Options::listen, with AdminService
  // beside it: Start is Open then Serve. A main() opens first when its
  // access guard needs the tree (NodePathOf) before the first call. Errors
  // as Start's; call once.
  absl::Status Serve();

  // Opens the store and starts serving. INVALID_ARGUMENT for a malformed
  // address, UNAVAILABLE when it cannot be bound, INTERNAL when the data
  // folder cannot be opened (e.g. another server holds it).
  static absl::StatusOr<std::unique_ptr<AggregationServer>> Start(Options options);

  // Stops the server if still running, then closes the store.
  ~AggregationServer();

  AggregationServer(const AggregationServer&) = delete;
  AggregationServer& operator=(const AggregationServer&) = delete;

  // The service to register on a server (Open) and the logic behind it.
  grpc::Service* service() { return service_.get(); }
  Aggregator* aggregator() { return aggregator_.get(); }

  // The bound port (Start only).
  int port() const { return server_->port(); }
  // HOST:PORT with the bound port, as printed in "listening on HOST:PORT".
  const std::string& address() const { return server_->address(); }

  // Reports NOT_SERVING, stops taking calls and waits for those in flight,
  // up to `grace`. Idempotent.
  void Shutdown(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  AggregationServer() = default;

  std::string listen_;
  int max_message_bytes_ = kDefaultMaxMessageBytes;
  // Declared in dependency order, so that each outlives its users.
  std::unique_ptr<Aggregator> aggregator_;
  std::unique_ptr<EvaluationSource> source_;
  std::unique_ptr<AggregationServiceImpl> service_;
  // Backups of the store (AdminService; Start only: budgetd serves its own).
  std::unique_ptr<admin::Checkpointer> checkpointer_;
  std::unique_ptr<admin::AdminServiceImpl> admin_;
  std::unique_ptr<GrpcServer> server_;
  bool shut_down_ = false;
};

// [code, parent, ..., root] as of `year` (0: latest) in `aggregator`'s org
// tree; NOT_FOUND for a code not in the tree that year. What the access
// guard of a server serving the tree places bureaus' codes by
// (auth::NodePathLookup). Thread-safe.
absl::StatusOr<std::vector<std::string>> NodePathOf(Aggregator* aggregator,
                                                    absl::string_view code, int32_t year);

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_AGGREGATION_AGGREGATION_SERVER_H_
