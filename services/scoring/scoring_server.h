#ifndef BUDGETPERF_SERVICES_SCORING_SCORING_SERVER_H_
#define BUDGETPERF_SERVICES_SCORING_SCORING_SERVER_H_

// A running budget-scoring server: ScoringServiceImpl on its own port, with
// the gRPC health service (the server and "budgetperf.v1.ScoringService"
// report SERVING) and server reflection.
//
//   ScoringServer::Options options;
//   options.listen = "127.0.0.1:0";
//   ASSIGN_OR_RETURN(auto server, ScoringServer::Start(std::move(options)));
//   std::cout << "listening on " << server->address() << std::endl;
//   WaitForShutdownSignal();
//   server->Shutdown();

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/server/grpc_server.h"
#include "services/scoring/profile_registry.h"
#include "services/scoring/scoring_service.h"

namespace budgetperf {

class ScoringServer {
 public:
  struct Options {
    // HOST:PORT; port 0 picks a free one (see port()).
    std::string listen = "127.0.0.1:0";
    // Largest request or reply accepted.
    int max_message_bytes = kDefaultMaxMessageBytes;
    // The profiles served; national-2020 alone unless loaded from a file
    // (ProfileRegistry::FromFile).
    ProfileRegistry profiles;
  };

  // Starts serving. INVALID_ARGUMENT for a malformed address, UNAVAILABLE
  // when it cannot be bound.
  static absl::StatusOr<std::unique_ptr<ScoringServer>> Start(Options options);

  // Stops the server if still running.
  ~ScoringServer();

  ScoringServer(const ScoringServer&) = delete;
  ScoringServer& operator=(const ScoringServer&) = delete;

  // The bound port.
  int port() const { return server_->port(); }
  // HOST:PORT with the bound port, as printed in "listening on HOST:PORT".
  const std::string& address() const { return server_->address(); }

  // Reports NOT_SERVING, stops taking calls and waits for those in flight,
  // up to `grace`. Idempotent.
  void Shutdown(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  ScoringServer(std::unique_ptr<ScoringServiceImpl> service,
                std::unique_ptr<GrpcServer> server);

  // Declared before server_ so that it outlives the server using it.
  std::unique_ptr<ScoringServiceImpl> service_;
  std::unique_ptr<GrpcServer> server_;
  bool shut_down_ = false;
};

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_SCORING_SCORING_SERVER_H_
