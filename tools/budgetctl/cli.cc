#include "tools/budgetctl/cli.h"

#include <cstdlib>
#include <iostream>

#include "common/auth/client.h"
#include "common/server/peer_channel.h"
#include "google/protobuf/util/json_util.h"

namespace budgetperf {
namespace budgetctl {

namespace {

// The options AddSecurityOptions bound, for MakeChannel (whose callers pass
// only an address).
const GlobalOptions* security_options = nullptr;

[[noreturn]] void Fail(const absl::Status& status) {
  std::cerr << "budgetctl: " << status.message() << "\n";
  std::exit(kExitFailure);
}

}  // namespace

void AddSecurityOptions(CLI::App& app, GlobalOptions* options) {
  security_options = options;
  app.add_option("--token", options->token,
                 "bearer token for servers with access control (default: $BUDGETPERF_TOKEN)");
  app.add_option("--token-file", options->token_file, "a file holding the bearer token");
  app.add_option("--tls-ca", options->tls_ca, "PEM CA: speak TLS and check servers against it");
  app.add_option("--tls-cert", options->tls_cert,
                 "PEM client certificate, for servers that require one (with --tls-key)");
  app.add_option("--tls-key", options->tls_key, "PEM private key of --tls-cert");
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address) {
  PeerChannelOptions channel;
  channel.max_receive_bytes = 64 * 1024 * 1024;
  channel.max_send_bytes = 64 * 1024 * 1024;
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (security_options != nullptr) {
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> tls = auth::MakeChannelCredentials(
        security_options->tls_ca, security_options->tls_cert, security_options->tls_key);
    if (!tls.ok()) Fail(tls.status());
    credentials = *std::move(tls);
  }
  return MakePeerChannel(address, credentials, channel);
}

std::unique_ptr<grpc::ClientContext> MakeContext(const GlobalOptions& options) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(options.timeout_seconds));
  absl::StatusOr<std::string> token =
      auth::ResolveToken(options.token, options.token_file, "BUDGETPERF_TOKEN");
  if (!token.ok()) Fail(token.status());
  if (!token->empty()) context->AddMetadata("authorization", "Bearer " + *token);
  return context;
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  if (out.empty() || out.back() != '\n') out.push_back('\n');
  return out;
}

int ReportRpcError(const std::string& address, const grpc::Status& status) {
  std::cerr << "budgetctl: " << address << ": ";
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      std::cerr << "cannot reach the server: ";
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      std::cerr << "no answer in time: ";
      break;
    default:
      break;
  }
  std::cerr << status.error_message() << "\n";
  switch (status.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::OUT_OF_RANGE:
      return kExitRefused;
    default:
      return kExitFailure;
  }
}

}  // namespace budgetctl
}  // namespace budgetperf
