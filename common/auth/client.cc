#include "common/auth/client.h"

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <utility>
#include <vector>

#include <grpcpp/support/client_interceptor.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/auth/token.h"
#include "common/server/peer_channel.h"
#include "common/server/server_security.h"

namespace budgetperf {
namespace auth {
namespace {

// Adds "authorization: Bearer <token>" to calls that have none.
class TokenInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit TokenInterceptor(const std::string* value) : value_(value) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      std::multimap<std::string, std::string>* metadata = methods->GetSendInitialMetadata();
      if (metadata->find(std::string(kAuthorizationMetadataKey)) == metadata->end()) {
        metadata->emplace(std::string(kAuthorizationMetadataKey), *value_);
      }
    }
    methods->Proceed();
  }

 private:
  const std::string* const value_;
};

class TokenInterceptorFactory final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit TokenInterceptorFactory(absl::string_view token)
      : value_(absl::StrCat(kBearerPrefix, token)) {}

  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* /*info*/) override {
    return new TokenInterceptor(&value_);
  }

 private:
  const std::string value_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const std::string& tls_ca, const std::string& tls_cert, const std::string& tls_key) {
  if (tls_cert.empty() != tls_key.empty()) {
    return absl::InvalidArgumentError(
        "--tls-cert and --tls-key go together: give the client certificate and its key");
  }
  if (tls_ca.empty()) {
    if (!tls_cert.empty()) {
      return absl::InvalidArgumentError(
          "a client certificate (--tls-cert) needs --tls-ca to check the server with");
    }
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions options;
  absl::StatusOr<std::string> ca = ReadPemFile(tls_ca, "--tls-ca");
  if (!ca.ok()) return ca.status();
  options.pem_root_certs = *std::move(ca);
  if (!tls_cert.empty()) {
    absl::StatusOr<std::string> cert = ReadPemFile(tls_cert, "--tls-cert");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadPemFile(tls_key, "--tls-key");
    if (!key.ok()) return key.status();
    options.pem_cert_chain = *std::move(cert);
    options.pem_private_key = *std::move(key);
  }
  return grpc::SslCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeClientChannel(const std::string& target,
                                                                 const ClientSecurity& security,
                                                                 grpc::ChannelArguments args) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      MakeChannelCredentials(security.tls_ca_file, security.tls_cert_file, security.tls_key_file);
  if (!credentials.ok()) return credentials.status();
  if (!security.tls_server_name.empty()) {
    args.SetSslTargetNameOverride(security.tls_server_name);
  }
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> creators;
  if (!security.token.empty()) {
    creators.push_back(std::make_unique<TokenInterceptorFactory>(security.token));
  }
  return grpc::experimental::CreateCustomChannelWithInterceptors(target, *credentials, args,
                                                                 std::move(creators));
}

absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return absl::InvalidArgumentError(absl::StrCat("token file ", path, ": cannot be read"));
  }
  std::string token(absl::StripAsciiWhitespace(line));
  if (absl::Status s = ParseToken(token).status(); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("token file ", path, ": ", s.message()));
  }
  return token;
}

absl::StatusOr<std::string> ResolveToken(const std::string& token, const std::string& token_file,
                                         const char* env_var) {
  std::string chosen = token;
  if (chosen.empty() && !token_file.empty()) return ReadTokenFile(token_file);
  if (chosen.empty() && env_var != nullptr) {
    const char* value = std::getenv(env_var);
    if (value != nullptr) chosen = std::string(absl::StripAsciiWhitespace(value));
  }
  if (chosen.empty()) return std::string();
  if (absl::Status s = ParseToken(chosen).status(); !s.ok()) {
    return absl::InvalidArgumentError(s.message());
  }
  return chosen;
}

void InstallProcessToken(const std::string& token) {
  static std::once_flag once;
  std::call_once(once, [&token] {
    // Lives as long as the process: gRPC keeps using it.
    grpc::experimental::RegisterGlobalClientInterceptorFactory(new TokenInterceptorFactory(token));
  });
}

}  // namespace auth
}  // namespace budgetperf
