#ifndef BUDGETPERF_COMMON_SERVER_SERVER_SECURITY_H_
#define BUDGETPERF_COMMON_SERVER_SERVER_SECURITY_H_

// Transport security (TLS) and access control for the servers GrpcServer
// starts. The policy itself lives in common/auth (budgetperf::auth), which
// implements ServiceGuard; this header only says what a server needs from it,
// so that every server can be secured without depending on the auth library.
//
// A binary sets its security once, before it starts its servers:
//
//   ServerSecurity security;
//   security.tls_cert_file = "/etc/budgetperf/server.pem";
//   security.tls_key_file = "/etc/budgetperf/server.key";
//   security.guard = auth_layer;  // a budgetperf::auth::AccessGuard
//   SetDefaultServerSecurity(std::move(security));
//   ... XxxServer::Start(...) ...  // every GrpcServer picks it up
//
// Tests pass GrpcServerOptions::security instead, per server.

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/service_type.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace budgetperf {

// Stands in front of every service a secured server registers: authenticates
// each call, decides whether the caller may make it, and only then hands it to
// the service. Implemented by budgetperf::auth::AccessGuard.
class ServiceGuard {
 public:
  virtual ~ServiceGuard() = default;

  // The service to register in place of `service` (not owned; it must outlive
  // the returned one): a wrapper that admits or refuses each call before
  // `service` sees it. FAILED_PRECONDITION for a service the guard has no
  // access policy for, so that no server runs an unguarded service by
  // mistake.
  virtual absl::StatusOr<std::unique_ptr<grpc::Service>> Guard(grpc::Service* service) = 0;
};

// How a server protects its port.
struct ServerSecurity {
  // PEM files. With a certificate and its key the server speaks TLS only.
  // With a CA as well, clients must present a certificate signed by it
  // (mutual TLS).
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_ca_file;
  // Serve plaintext on a non-loopback address. Without TLS a server refuses
  // to listen beyond loopback unless this is set (--insecure): tokens would
  // cross the network in clear text.
  bool insecure = false;
  // Checks every call; null: every call is let through (the behaviour of a
  // server started without access control).
  std::shared_ptr<ServiceGuard> guard;
  // Services every server of the process also serves, e.g. the AuthService
  // of the process that keeps the token store. Guarded like the others.
  std::vector<std::shared_ptr<grpc::Service>> extra_services;
};

// Sets the security used by every GrpcServer started afterwards without
// GrpcServerOptions::security. Call it from main() before starting servers;
// not thread-safe against concurrent GrpcServer::Start calls.
void SetDefaultServerSecurity(ServerSecurity security);

// The security set by SetDefaultServerSecurity; by default none (plaintext,
// no access control, loopback only).
ServerSecurity DefaultServerSecurity();

// Sets the channel credentials the process's own clients (ingestion →
// scoring and aggregation, aggregation → ingestion) use to reach their peers:
// TLS when the binary runs with --tls-ca (see auth::ServerAuthFlags). Call it
// from main() before any channel is made.
void SetDefaultChannelCredentials(std::shared_ptr<grpc::ChannelCredentials> credentials);

// The credentials set by SetDefaultChannelCredentials; plaintext by default.
// Service clients call it where they would call
// grpc::InsecureChannelCredentials().
std::shared_ptr<grpc::ChannelCredentials> DefaultChannelCredentials();

// True for hosts only this machine can reach: "localhost", 127.0.0.0/8,
// "::1" (with or without brackets). False for wildcard addresses ("0.0.0.0",
// "[::]", "") and every other name.
bool IsLoopbackHost(absl::string_view host);

// The server credentials for `security`: TLS when a certificate is given,
// plaintext otherwise. INVALID_ARGUMENT naming the flag for a missing or
// unreadable file, a certificate without its key (or the reverse), or a CA
// without a certificate; FAILED_PRECONDITION for plaintext on a non-loopback
// `host` without `insecure`.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerSecurity& security, absl::string_view host);

// The whole of a (PEM) file. INVALID_ARGUMENT naming `flag` (e.g.
// "--tls-cert") when it cannot be read or is empty.
absl::StatusOr<std::string> ReadPemFile(const std::string& path, absl::string_view flag);

}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_SERVER_SERVER_SECURITY_H_
