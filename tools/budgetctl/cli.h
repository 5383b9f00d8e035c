#ifndef BUDGETPERF_TOOLS_BUDGETCTL_CLI_H_
#define BUDGETPERF_TOOLS_BUDGETCTL_CLI_H_

// What every budgetctl command shares: the global flags, exit codes, the
// channels to the servers, printing protobuf JSON, and reporting RPC errors.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "google/protobuf/message.h"

namespace budgetperf {
namespace budgetctl {

// Exit codes: the server's "no" is told apart from not reaching it.
inline constexpr int kExitOk = 0;
// The server refused (invalid package, not found, key reused).
inline constexpr int kExitRefused = 1;
// Bad usage, unreadable input, the server unreachable or failing.
inline constexpr int kExitFailure = 2;

// Flags given before (or after) the command.
struct GlobalOptions {
  // --server: budgetd, which serves every service on one port (its default
  // address, so that budgetctl works with it out of the box), or
  // budget-ingestion in a split deployment.
  std::string server = "127.0.0.1:7100";
  // --scoring, --aggregation: budget-scoring and budget-aggregation in a
  // split deployment; empty means --server (budgetd).
  std::string scoring;
  std::string aggregation;
  const std::string& scoring_address() const { return scoring.empty() ? server : scoring; }
  const std::string& aggregation_address() const {
    return aggregation.empty() ? server : aggregation;
  }
  bool json = false;                       // --json: print protobuf JSON
  int timeout_seconds = 30;                // --timeout: per call
  // Access control (see AddSecurityOptions).
  std::string token;       // --token, else BUDGETPERF_TOKEN: "bp1...."
  std::string token_file;  // --token-file: a file holding the token
  std::string tls_ca;      // --tls-ca: speak TLS, trusting this CA
  std::string tls_cert;    // --tls-cert, --tls-key: the client certificate
  std::string tls_key;     //   (servers running mutual TLS ask for one)
};

// Adds --token, --token-file, --tls-ca, --tls-cert and --tls-key to `app`,
// bound to `options`, which MakeChannel and MakeContext then follow.
// `options` must outlive every call.
void AddSecurityOptions(CLI::App& app, GlobalOptions* options);

// A channel to `address` that accepts replies as large as a server sends,
// over TLS when --tls-ca is given.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address);

// A client context with the --timeout deadline, carrying the token
// ("authorization: Bearer <token>") from --token, --token-file or
// BUDGETPERF_TOKEN when there is one. Exits with kExitFailure, saying why,
// when the token file cannot be read or the token is malformed.
std::unique_ptr<grpc::ClientContext> MakeContext(const GlobalOptions& options);

// `message` as protobuf JSON (indented, field names as in the proto's JSON
// mapping), with a trailing newline.
std::string ToJson(const google::protobuf::Message& message);

// Prints a failed call on stderr ("budgetctl: ADDRESS: CODE: message") and
// returns the exit code for it: kExitRefused for the server's refusals
// (INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION,
// PERMISSION_DENIED, OUT_OF_RANGE), kExitFailure otherwise.
int ReportRpcError(const std::string& address, const grpc::Status& status);

}  // namespace budgetctl
}  // namespace budgetperf

#endif  // BUDGETPERF_TOOLS_BUDGETCTL_CLI_H_
