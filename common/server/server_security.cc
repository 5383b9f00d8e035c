#include "common/server/server_security.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace budgetperf {
namespace {

absl::Mutex& DefaultMutex() {
  static absl::Mutex* mu = new absl::Mutex;
  return *mu;
}

ServerSecurity& DefaultSecurity() {
  static ServerSecurity* security = new ServerSecurity;
  return *security;
}

}  // namespace

void SetDefaultServerSecurity(ServerSecurity security) {
  absl::MutexLock lock(&DefaultMutex());
  DefaultSecurity() = std::move(security);
}

ServerSecurity DefaultServerSecurity() {
  absl::MutexLock lock(&DefaultMutex());
  return DefaultSecurity();
}

namespace {

std::shared_ptr<grpc::ChannelCredentials>& DefaultCredentials() {
  static auto* credentials = new std::shared_ptr<grpc::ChannelCredentials>;
  return *credentials;
}

}  // namespace

void SetDefaultChannelCredentials(std::shared_ptr<grpc::ChannelCredentials> credentials) {
  absl::MutexLock lock(&DefaultMutex());
  DefaultCredentials() = std::move(credentials);
}

std::shared_ptr<grpc::ChannelCredentials> DefaultChannelCredentials() {
  absl::MutexLock lock(&DefaultMutex());
  if (DefaultCredentials() == nullptr) return grpc::InsecureChannelCredentials();
  return DefaultCredentials();
}

bool IsLoopbackHost(absl::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") return true;
  const std::string text(host);
  in_addr v4;
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6) != 0;
  }
  return false;
}

absl::StatusOr<std::string> ReadPemFile(const std::string& path, absl::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat(flag, " ", path, ": cannot be read"));
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  if (contents.str().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(flag, " ", path, ": the file is empty"));
  }
  return contents.str();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerSecurity& security, absl::string_view host) {
  const bool has_cert = !security.tls_cert_file.empty();
  const bool has_key = !security.tls_key_file.empty();
  if (has_cert != has_key) {
    return absl::InvalidArgumentError(
        "--tls-cert and --tls-key go together: give the certificate and its private key");
  }
  if (!has_cert) {
    if (!security.tls_ca_file.empty()) {
      return absl::InvalidArgumentError(
          "--tls-ca needs --tls-cert and --tls-key: mutual TLS is TLS first");
    }
    if (!security.insecure && !IsLoopbackHost(host)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "refusing to serve plaintext on \"", host,
          "\", which is not a loopback address: give --tls-cert and --tls-key (and --tls-ca "
          "to require client certificates), or --insecure to serve without TLS anyway"));
    }
    return grpc::InsecureServerCredentials();
  }
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  auto cert = ReadPemFile(security.tls_cert_file, "--tls-cert");
  if (!cert.ok()) return cert.status();
  auto key = ReadPemFile(security.tls_key_file, "--tls-key");
  if (!key.ok()) return key.status();
  pair.cert_chain = *std::move(cert);
  pair.private_key = *std::move(key);

  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back(std::move(pair));
  if (!security.tls_ca_file.empty()) {
    auto ca = ReadPemFile(security.tls_ca_file, "--tls-ca");
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *std::move(ca);
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  } else {
    options.client_certificate_request = GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE;
  }
  return grpc::SslServerCredentials(options);
}

}  // namespace budgetperf
