#include "common/auth/server_auth_flags.h"

#include <algorithm>
#include <iostream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/auth/access_guard.h"
#include "common/auth/client.h"
#include "common/auth/rate_limiter.h"
#include "common/auth/remote_token_verifier.h"
#include "common/auth/scope.h"
#include "common/server/server_security.h"

namespace budgetperf {
namespace auth {

absl::StatusOr<std::string> IssueOwnServiceToken(TokenManager* tokens, const std::string& name) {
  absl::StatusOr<std::vector<v1::TokenRecord>> active = tokens->List(false);
  if (!active.ok()) return active.status();
  for (const v1::TokenRecord& record : *active) {
    if (record.issued_by() == kSelfIssuer && record.principal().name() == name) {
      if (absl::Status s = tokens->Revoke(record.token_id()).status(); !s.ok()) return s;
    }
  }
  v1::Principal self;
  self.set_kind(v1::PRINCIPAL_SERVICE);
  self.set_name(name);
  absl::StatusOr<TokenManager::Issued> issued =
      tokens->Issue(self, kMaxTokenTtlSeconds, "the token store's own server, issued at its start",
                    std::string(kSelfIssuer));
  if (!issued.ok()) return issued.status();
  return std::move(issued->token);
}

ServerAuthFlags::ServerAuthFlags(std::string program) : program_(std::move(program)) {}

void ServerAuthFlags::Register(CLI::App& app, bool can_keep_tokens) {
  app.add_option("--tls-cert", tls_cert_, "PEM certificate chain: serve TLS only (with --tls-key)");
  app.add_option("--tls-key", tls_key_, "PEM private key of --tls-cert");
  app.add_option("--tls-ca", tls_ca_,
                 "PEM CA: require client certificates signed by it (mutual TLS); also trusted "
                 "for this server's own calls to --auth and --org-tree");
  app.add_flag("--insecure", insecure_,
               "serve plaintext on a non-loopback address (refused otherwise)");
  if (can_keep_tokens) {
    app.add_option("--auth-store", auth_store_,
                   "folder of the token store: check tokens here and serve AuthService "
                   "(access control on)");
    app.add_option("--bootstrap-admin-token-file", bootstrap_admin_token_file_,
                   "with --auth-store: when no admin token is active, issue one and write it "
                   "to this file (mode 0600)");
  }
  app.add_option("--auth", auth_address_,
                 "HOST:PORT of the AuthService to check tokens with (access control on); "
                 "answers are cached 10 s, so a revocation reaches this server within 10 s");
  app.add_option("--service-token-file", service_token_file_,
                 "this server's own (service) token, sent on every call it makes");
  app.add_option("--org-tree", org_tree_,
                 "HOST:PORT of the AggregationService whose org tree places units under "
                 "bureaus (servers that do not serve the tree themselves)");
  app.add_option("--submit-rate", submit_rate_,
                 "Submit calls per unit: N, N/s or N/min (0: no limit)")
      ->capture_default_str();
}

absl::Status ServerAuthFlags::Apply(ScopeLookups lookups) {
  ServerSecurity security;
  security.tls_cert_file = tls_cert_;
  security.tls_key_file = tls_key_;
  security.tls_ca_file = tls_ca_;
  security.insecure = insecure_;

  if (!auth_store_.empty() && !auth_address_.empty()) {
    return absl::InvalidArgumentError(
        "--auth-store and --auth exclude each other: keep the tokens here, or check them there");
  }
  enabled_ = !auth_store_.empty() || !auth_address_.empty();
  if (!bootstrap_admin_token_file_.empty() && auth_store_.empty()) {
    return absl::InvalidArgumentError("--bootstrap-admin-token-file needs --auth-store");
  }
  if (!enabled_ && !org_tree_.empty()) {
    return absl::InvalidArgumentError("--org-tree needs --auth-store or --auth");
  }

  std::string service_token;
  if (!service_token_file_.empty()) {
    absl::StatusOr<std::string> token = ReadTokenFile(service_token_file_);
    if (!token.ok()) return token.status();
    service_token = *std::move(token);
    // The server's own clients (scoring, aggregation, ingestion, the checks
    // below) present it without knowing about tokens.
    InstallProcessToken(service_token);
  }
  ClientSecurity outgoing;
  outgoing.tls_ca_file = tls_ca_;
  outgoing.tls_cert_file = tls_ca_.empty() ? "" : tls_cert_;
  outgoing.tls_key_file = tls_ca_.empty() ? "" : tls_key_;
  outgoing.token = service_token;
  if (!tls_ca_.empty()) {
    // Peers are reached over TLS too, presenting this server's certificate.
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
        MakeChannelCredentials(outgoing.tls_ca_file, outgoing.tls_cert_file, outgoing.tls_key_file);
    if (!credentials.ok()) return credentials.status();
    SetDefaultChannelCredentials(*std::move(credentials));
  }

  if (!enabled_) {
    std::cerr << program_
              << ": access control is off (no --auth-store or --auth): every caller may call "
                 "everything\n";
    SetDefaultServerSecurity(std::move(security));
    return absl::OkStatus();
  }

  AccessGuard::Options guard;
  if (!auth_store_.empty()) {
    absl::StatusOr<std::unique_ptr<AuthStore>> store = AuthStore::Open(auth_store_);
    if (!store.ok()) return store.status();
    store_ = *std::move(store);
    tokens_ = std::make_unique<TokenManager>(store_.get(), TokenManager::Options{});
    if (!bootstrap_admin_token_file_.empty()) {
      absl::StatusOr<std::optional<std::string>> issued =
          tokens_->BootstrapAdmin(bootstrap_admin_token_file_);
      if (!issued.ok()) return issued.status();
      if (issued->has_value()) {
        std::cerr << program_ << ": no admin token was active; issued " << **issued << " into "
                  << bootstrap_admin_token_file_ << "\n";
      }
    }
    if (service_token.empty()) {
      // The process keeping the tokens needs no token file for its own calls
      // (to scoring, to aggregation): it issues itself one at each start.
      absl::StatusOr<std::string> own = IssueOwnServiceToken(tokens_.get(), program_);
      if (!own.ok()) return own.status();
      service_token = *std::move(own);
      InstallProcessToken(service_token);
      outgoing.token = service_token;
    }
    // Owned here; the security's copies only borrow them.
    guard.verifier = std::shared_ptr<TokenVerifier>(tokens_.get(), [](TokenVerifier*) {});
    security.extra_services.push_back(std::make_shared<AuthServiceImpl>(tokens_.get()));
  } else {
    if (service_token.empty()) {
      return absl::InvalidArgumentError(
          "--auth needs --service-token-file: the auth server answers services only");
    }
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        MakeClientChannel(auth_address_, outgoing);
    if (!channel.ok()) return channel.status();
    guard.verifier =
        std::make_shared<RemoteTokenVerifier>(*std::move(channel), RemoteTokenVerifier::Options{});
  }
  if (!org_tree_.empty()) {
    if (service_token.empty()) {
      return absl::InvalidArgumentError(
          "--org-tree needs --service-token-file: the tree is read with this server's token");
    }
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = MakeClientChannel(org_tree_, outgoing);
    if (!channel.ok()) return channel.status();
    auto lookup =
        std::make_shared<GrpcNodePathLookup>(*std::move(channel), GrpcNodePathLookup::Options{});
    guard.scope = std::make_shared<TreeScopeResolver>(
        [lookup](absl::string_view code, int32_t year) { return (*lookup)(code, year); });
  }
  guard.node_path = std::move(lookups.node_path);
  guard.unit_division = std::move(lookups.unit_division);
  absl::StatusOr<double> rate = ParseRate(submit_rate_);
  if (!rate.ok()) return rate.status();
  guard.submit_rate.per_second = *rate;
  guard.submit_rate.burst = std::max(*rate, 1.0);
  security.guard = std::make_shared<AccessGuard>(std::move(guard));
  SetDefaultServerSecurity(std::move(security));
  return absl::OkStatus();
}

}  // namespace auth
}  // namespace budgetperf
