#ifndef BUDGETPERF_COMMON_AUTH_CLIENT_H_
#define BUDGETPERF_COMMON_AUTH_CLIENT_H_

// The client side of access control: channel credentials for TLS (and
// mutual TLS), a bearer token on every call, and where a token comes from.
//
//   ClientSecurity security;
//   security.tls_ca_file = "/etc/budgetperf/ca.pem";  // empty: plaintext
//   ASSIGN_OR_RETURN(security.token, ResolveToken("", token_file, "BUDGETPERF_TOKEN"));
//   ASSIGN_OR_RETURN(auto channel, MakeClientChannel("ingestion:7101", security));
//   auto stub = v1::IngestionService::NewStub(channel);  // every call carries the token

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/server/peer_channel.h"

namespace budgetperf {
namespace auth {

// How a client reaches a server.
struct ClientSecurity {
  // PEM files. With a CA the channel speaks TLS and checks the server's
  // certificate against it; with a certificate and key as well it presents
  // them (mutual TLS). All empty: plaintext.
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;
  // The name the server's certificate must carry when it is not the host of
  // the target (e.g. the target is an IP address); empty: the target's host.
  std::string tls_server_name;
  // "bp1...." sent as "authorization: Bearer <token>" on every call; empty:
  // none.
  std::string token;
};

// TLS channel credentials (TLS when `tls_ca` is given, presenting
// `tls_cert`/`tls_key` when given too), or plaintext ones when all are
// empty. INVALID_ARGUMENT naming the flag for an unreadable file, a
// certificate without its key, or a client certificate without a CA.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const std::string& tls_ca, const std::string& tls_cert, const std::string& tls_key);

// A channel to `target` secured as `security` says, attaching its token to
// every call that does not carry an authorization already. `args` default
// to MakePeerChannel's (round robin, 16 MiB messages).
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeClientChannel(
    const std::string& target, const ClientSecurity& security,
    grpc::ChannelArguments args = PeerChannelArguments());

// The token in `path` (its first line, trimmed). INVALID_ARGUMENT when the
// file cannot be read or holds no well-formed token.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path);

// The token a client should send: `token` if given, else the contents of
// `token_file` if given, else the environment variable `env_var` if set, else
// "" (no token). INVALID_ARGUMENT for an unreadable file or a malformed
// token.
absl::StatusOr<std::string> ResolveToken(const std::string& token, const std::string& token_file,
                                         const char* env_var);

// Makes every gRPC call this process makes from now on carry `token` (the
// process's service credential) unless the call carries an authorization
// already: the way a server's own clients (ingestion → scoring, aggregation →
// ingestion, ...) present its service token without each of them knowing
// about tokens. Call once, from main(), before any channel exists; later
// calls are ignored. Uses gRPC's global client interceptor.
void InstallProcessToken(const std::string& token);

}  // namespace auth
}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_AUTH_CLIENT_H_
