#ifndef BUDGETPERF_COMMON_SERVER_GRPC_SERVER_H_
#define BUDGETPERF_COMMON_SERVER_GRPC_SERVER_H_

// Start-up shared by every budgetperf server: listen address, message-size
// limit, the gRPC health service, server reflection, and shutdown on SIGTERM
// or SIGINT.
//
//   BlockShutdownSignals();                       // first thing in main()
//   ASSIGN_OR_RETURN(auto server, GrpcServer::Start(options, {&service}));
//   std::cout << "listening on " << server->address() << std::endl;
//   WaitForShutdownSignal();
//   server->Shutdown();

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "common/server/server_security.h"

namespace budgetperf {

// Requests and replies larger than this are refused by default: a whole
// package is well under 1 MiB, a bulk stream message is one package.
inline constexpr int kDefaultMaxMessageBytes = 16 * 1024 * 1024;

struct GrpcServerOptions {
  // HOST:PORT; port 0 picks a free port (see GrpcServer::port()).
  std::string listen = "127.0.0.1:0";
  int max_message_bytes = kDefaultMaxMessageBytes;
  // TLS and access control (see server_security.h); unset: the process's
  // DefaultServerSecurity().
  std::optional<ServerSecurity> security;
};

// A started gRPC server with health checking and reflection.
class GrpcServer {
 public:
  // Builds and starts a server for `services` (not owned; they must outlive
  // the server), each behind the security's guard if it has one.
  // INVALID_ARGUMENT for a malformed address or unusable TLS files,
  // FAILED_PRECONDITION for plaintext on a non-loopback address without
  // `insecure` or a service the guard has no policy for, UNAVAILABLE when the
  // address cannot be bound.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(
      const GrpcServerOptions& options, const std::vector<grpc::Service*>& services);

  ~GrpcServer();

  // The port actually bound (the chosen one when the options asked for 0).
  int port() const { return port_; }
  // HOST:PORT with the bound port, as printed in "listening on HOST:PORT".
  const std::string& address() const { return address_; }

  // Marks the server serving (or not) in the health service, for `service`
  // ("" is the whole server).
  void SetServing(const std::string& service, bool serving);

  // Stops taking calls and waits for those in flight, up to `grace`.
  void Shutdown(std::chrono::milliseconds grace = std::chrono::seconds(5));

  grpc::Server* server() { return server_.get(); }

 private:
  GrpcServer(std::unique_ptr<grpc::Server> server, int port, std::string address);

  // What the registered services need kept alive: the guarded wrappers and
  // the security's extra services. Destroyed after server_.
  ServerSecurity security_;
  std::vector<std::unique_ptr<grpc::Service>> guarded_;
  std::unique_ptr<grpc::Server> server_;
  int port_;
  std::string address_;
  bool shut_down_ = false;
};

// Splits HOST:PORT ("127.0.0.1:0", "[::1]:8080", "0.0.0.0:7000").
absl::Status ParseListenAddress(const std::string& listen, std::string* host, int* port);

// Blocks SIGTERM and SIGINT in the calling thread and the threads it starts
// afterwards, so that WaitForShutdownSignal can take them. Call it first in main().
void BlockShutdownSignals();

// Waits until SIGTERM or SIGINT arrives and returns its number.
int WaitForShutdownSignal();

}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_SERVER_GRPC_SERVER_H_
