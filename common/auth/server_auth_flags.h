#ifndef BUDGETPERF_COMMON_AUTH_SERVER_AUTH_FLAGS_H_
#define BUDGETPERF_COMMON_AUTH_SERVER_AUTH_FLAGS_H_

// The TLS and access-control flags every budgetperf server binary takes, and
// the process security they make (SetDefaultServerSecurity), so that each
// main() adds three lines and every GrpcServer it starts is secured:
//
//   budgetperf::auth::ServerAuthFlags auth_flags("budget-aggregation");
//   auth_flags.Register(app, /*can_keep_tokens=*/false);
//   CLI11_PARSE(app, argc, argv);
//   if (absl::Status s = auth_flags.Apply(); !s.ok()) { print; return EXIT_FAILURE; }
//
// The flags:
//   --tls-cert, --tls-key   serve TLS only; also presented to the servers this
//                           one calls when they ask for client certificates
//   --tls-ca                require client certificates signed by this CA
//                           (mutual TLS); also the CA this server's own
//                           calls trust (DefaultChannelCredentials: token and
//                           tree lookups, and the service clients that use
//                           it), presenting --tls-cert
//   --insecure              serve plaintext beyond loopback anyway
//   --auth-store=DIR        keep the token store here and serve AuthService
//                           (budget-ingestion, budgetd)
//   --bootstrap-admin-token-file=FILE
//                           with --auth-store: when no admin token is active,
//                           issue one and write it to FILE (mode 0600)
//   --auth=ADDR             check tokens at this AuthService (other servers)
//   --service-token-file=FILE
//                           this server's own token (a SERVICE principal),
//                           sent on every call it makes (to --auth, to its
//                           peers); required with --auth. With --auth-store
//                           the server issues itself one when not given
//   --org-tree=ADDR         the AggregationService whose org tree places
//                           units under bureaus (for servers that do not
//                           serve the tree themselves)
//   --submit-rate=RATE      Submit calls per second per unit (default 20/s;
//                           0: no limit)
//
// Without --auth-store or --auth, access control is off, as before: every
// caller may call everything. TLS works either way.

#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth/auth_service.h"
#include "common/auth/auth_store.h"
#include "common/auth/scope.h"
#include "common/auth/token_manager.h"

namespace budgetperf {
namespace auth {

// ListTokens' issued_by of the token a store's own server issues itself.
inline constexpr absl::string_view kSelfIssuer = "self";

// The SERVICE token `name`'s server (the one keeping the token store) sends
// on its own calls: issued at each start for the longest life, revoking the
// one an earlier start issued, so that one stays active.
absl::StatusOr<std::string> IssueOwnServiceToken(TokenManager* tokens, const std::string& name);

class ServerAuthFlags {
 public:
  // `program` names the binary in messages.
  explicit ServerAuthFlags(std::string program);

  // Adds the flags to `app`; --auth-store and --bootstrap-admin-token-file
  // only with `can_keep_tokens` (the binaries that may host AuthService).
  void Register(CLI::App& app, bool can_keep_tokens);

  // After parsing: checks the flags go together, opens the token store (and
  // bootstraps the admin token) or reaches for --auth, installs the service
  // token for outgoing calls, and sets the process's default server
  // security. `lookups` are the server's own sources of bureau scope (its
  // org tree, its filings' divisions; see AccessGuard::Options), used with
  // access control on; they must work by the time a server serves.
  // INVALID_ARGUMENT for flags that do not go together, or the store's or
  // files' errors. Call once; this object must live as long as the servers
  // (it owns the token store).
  absl::Status Apply(ScopeLookups lookups = {});

  // Whether access control is on (after Apply).
  bool enabled() const { return enabled_; }

 private:
  const std::string program_;
  std::string tls_cert_;
  std::string tls_key_;
  std::string tls_ca_;
  bool insecure_ = false;
  std::string auth_store_;
  std::string bootstrap_admin_token_file_;
  std::string auth_address_;
  std::string service_token_file_;
  std::string org_tree_;
  std::string submit_rate_ = "20/s";
  bool enabled_ = false;

  std::unique_ptr<AuthStore> store_;
  std::unique_ptr<TokenManager> tokens_;
};

}  // namespace auth
}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_AUTH_SERVER_AUTH_FLAGS_H_
