#include "tools/budgetctl/admin_commands.h"

#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "budgetperf/v1/admin.grpc.pb.h"
#include "budgetperf/v1/auth.grpc.pb.h"
#include "common/auth/principal.h"
#include "common/text/text_table.h"

namespace budgetperf {
namespace budgetctl {
namespace {

struct AdminArgs {
  std::string auth;  // the AuthService; empty: --server
  // issue
  std::string kind;
  std::string uscc;
  std::string node;
  std::string division;
  std::string name;
  std::string ttl;
  std::string description;
  // list
  bool all = false;
  // revoke
  std::string token_id;
  // checkpoint
  std::string dir;
};

std::string When(int64_t unix_ms) {
  if (unix_ms == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixMillis(unix_ms), absl::LocalTimeZone());
}

std::string Status(const v1::TokenRecord& record, int64_t now_ms) {
  if (record.revoked_unix_ms() != 0) return "revoked " + When(record.revoked_unix_ms());
  if (record.expires_unix_ms() <= now_ms) return "expired";
  return "active";
}

int RunIssue(const GlobalOptions& options, const AdminArgs& args, const std::string& address) {
  v1::IssueTokenRequest request;
  v1::Principal* principal = request.mutable_principal();
  v1::PrincipalKind kind;
  if (absl::Status s = auth::ParseKindName(args.kind, &kind); !s.ok()) {
    std::cerr << "budgetctl: --kind: " << s.message() << "\n";
    return kExitFailure;
  }
  principal->set_kind(kind);
  principal->set_uscc(args.uscc);
  principal->set_node_code(args.node);
  principal->set_division_code(args.division);
  principal->set_name(args.name);
  if (!args.ttl.empty()) {
    absl::StatusOr<int64_t> ttl = ParseTtlSeconds(args.ttl);
    if (!ttl.ok()) {
      std::cerr << "budgetctl: --ttl: " << ttl.status().message() << "\n";
      return kExitFailure;
    }
    request.set_ttl_seconds(*ttl);
  }
  request.set_description(args.description);

  auto stub = v1::AuthService::NewStub(MakeChannel(address));
  auto context = MakeContext(options);
  v1::IssueTokenResponse response;
  grpc::Status status = stub->IssueToken(context.get(), request, &response);
  if (!status.ok()) return ReportRpcError(address, status);
  if (options.json) {
    std::cout << ToJson(response);
    return kExitOk;
  }
  std::cout << response.token() << "\n";
  std::cerr << "token " << response.record().token_id() << " for "
            << auth::Describe(response.record().principal()) << ", valid until "
            << When(response.record().expires_unix_ms())
            << ".\nThis is its only showing: keep it in a file only its holder can read, and "
               "pass it with --token-file.\n";
  return kExitOk;
}

int RunList(const GlobalOptions& options, const AdminArgs& args, const std::string& address) {
  v1::ListTokensRequest request;
  request.set_include_inactive(args.all);
  auto stub = v1::AuthService::NewStub(MakeChannel(address));
  auto context = MakeContext(options);
  v1::ListTokensResponse response;
  grpc::Status status = stub->ListTokens(context.get(), request, &response);
  if (!status.ok()) return ReportRpcError(address, status);
  if (options.json) {
    std::cout << ToJson(response);
    return kExitOk;
  }
  const int64_t now = absl::ToUnixMillis(absl::Now());
  TextTable table({"id", "principal", "expires", "status", "issued by", "description"});
  for (const v1::TokenRecord& record : response.tokens()) {
    table.AddRow({record.token_id(), auth::Describe(record.principal()),
                  When(record.expires_unix_ms()), Status(record, now), record.issued_by(),
                  record.description()});
  }
  std::cout << table.Render();
  return kExitOk;
}

int RunRevoke(const GlobalOptions& options, const AdminArgs& args, const std::string& address) {
  v1::RevokeTokenRequest request;
  request.set_token_id(args.token_id);
  auto stub = v1::AuthService::NewStub(MakeChannel(address));
  auto context = MakeContext(options);
  v1::RevokeTokenResponse response;
  grpc::Status status = stub->RevokeToken(context.get(), request, &response);
  if (!status.ok()) return ReportRpcError(address, status);
  if (options.json) {
    std::cout << ToJson(response);
    return kExitOk;
  }
  std::cout << "revoked " << response.record().token_id() << " ("
            << auth::Describe(response.record().principal()) << ") at "
            << When(response.record().revoked_unix_ms())
            << "; servers that check tokens remotely refuse it within 10 s\n";
  return kExitOk;
}

// 1536 → "1.5 KiB".
std::string Bytes(int64_t bytes) {
  if (bytes < 1024) return absl::StrCat(bytes, " B");
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = -1;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  return absl::StrFormat("%.1f %s", value, units[unit]);
}

int RunCheckpoint(const GlobalOptions& options, const AdminArgs& args) {
  v1::CheckpointRequest request;
  request.set_dir(args.dir);
  auto stub = v1::AdminService::NewStub(MakeChannel(options.server));
  auto context = MakeContext(options);
  v1::CheckpointResponse response;
  grpc::Status status = stub->Checkpoint(context.get(), request, &response);
  if (!status.ok()) return ReportRpcError(options.server, status);
  if (options.json) {
    std::cout << ToJson(response);
    return kExitOk;
  }
  TextTable table({"store", "folder (on the server)", "sequence", "size", "files"});
  table.AlignRight(2);
  table.AlignRight(3);
  table.AlignRight(4);
  for (const v1::StoreCheckpoint& store : response.stores()) {
    table.AddRow({store.store(), store.path(), absl::StrCat(store.sequence_number()),
                  Bytes(store.size_bytes()), absl::StrCat(store.files())});
  }
  std::cout << table.Render();
  return kExitOk;
}

}  // namespace

absl::StatusOr<int64_t> ParseTtlSeconds(absl::string_view text) {
  int64_t unit = 1;
  absl::string_view number = text;
  if (!text.empty()) {
    switch (text.back()) {
      case 's':
        unit = 1;
        break;
      case 'm':
        unit = 60;
        break;
      case 'h':
        unit = 3600;
        break;
      case 'd':
        unit = 24 * 3600;
        break;
      default:
        break;
    }
    if (unit != 1 || text.back() == 's') number.remove_suffix(1);
  }
  int64_t value = 0;
  if (!absl::SimpleAtoi(number, &value) || value <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\": expected seconds, or a number with s, m, h or d (90d)"));
  }
  return value * unit;
}

void AddAdminCommands(CLI::App& app, const GlobalOptions& options, int* exit_code) {
  auto args = std::make_shared<AdminArgs>();
  CLI::App* admin =
      app.add_subcommand("admin", "administration: tokens and backups (an admin token is needed)");
  admin->require_subcommand(1);
  admin->add_option("--auth", args->auth,
                    "HOST:PORT of the AuthService (default: --server, budget-ingestion or "
                    "budgetd)");
  CLI::App* token = admin->add_subcommand("token", "issue, list and revoke bearer tokens");
  token->require_subcommand(1);
  auto address = [&options, args] { return args->auth.empty() ? options.server : args->auth; };

  CLI::App* issue = token->add_subcommand(
      "issue", "issue a token and print it (once) on stdout; what it is for goes to stderr");
  issue->add_option("--kind", args->kind, "unit, bureau, admin or service")->required();
  issue->add_option("--uscc", args->uscc, "unit: its 统一社会信用代码");
  issue->add_option("--node", args->node, "bureau: the org node it is bound to, e.g. 430602");
  issue->add_option("--division", args->division,
                    "bureau: its 行政区划代码, for ingestion's listings, e.g. 430602");
  issue->add_option("--name", args->name, "who it is for (required for admin and service)");
  issue->add_option("--ttl", args->ttl, "lifetime: seconds, or 90d, 12h, 30m (default 90d)");
  issue->add_option("--description", args->description, "what the token is for");
  issue->callback(
      [&options, exit_code, args, address] { *exit_code = RunIssue(options, *args, address()); });

  CLI::App* list = token->add_subcommand("list", "list the tokens (active ones by default)");
  list->add_flag("--all", args->all, "also revoked and expired tokens");
  list->callback(
      [&options, exit_code, args, address] { *exit_code = RunList(options, *args, address()); });

  CLI::App* revoke = token->add_subcommand("revoke", "revoke a token by its id");
  revoke->add_option("TOKEN_ID", args->token_id, "the id (16 hex characters; see list)")
      ->required();
  revoke->callback(
      [&options, exit_code, args, address] { *exit_code = RunRevoke(options, *args, address()); });

  CLI::App* checkpoint = admin->add_subcommand(
      "checkpoint",
      "back up the stores of the server at --server (budgetd, budget-ingestion or "
      "budget-aggregation) while it runs: a RocksDB checkpoint of each into DIR/<store> on the "
      "server's machine; restore by starting the server with --data on it");
  checkpoint
      ->add_option("--dir", args->dir,
                   "an absolute path on the server's machine, new or empty (a folder holding "
                   "anything is refused)")
      ->required();
  checkpoint->callback([&options, exit_code, args] { *exit_code = RunCheckpoint(options, *args); });
}

}  // namespace budgetctl
}  // namespace budgetperf
