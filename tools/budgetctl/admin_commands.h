#ifndef BUDGETPERF_TOOLS_BUDGETCTL_ADMIN_COMMANDS_H_
#define BUDGETPERF_TOOLS_BUDGETCTL_ADMIN_COMMANDS_H_

// budgetctl's token administration (AuthService at --server, or at
// `admin --auth=ADDR`), for admin tokens:
//
//   budgetctl --token-file=admin.token admin token issue --kind unit
//       --uscc 12430602MB1C04587D --name 岳阳楼区某单位 --ttl 365d > unit.token
//   budgetctl --token-file=admin.token admin token issue --kind bureau
//       --node 430602 --division 430602 --name 岳阳楼区财政局
//   budgetctl --token-file=admin.token admin token issue --kind service --name budget-aggregation
//   budgetctl --token-file=admin.token admin token list [--all]
//   budgetctl --token-file=admin.token admin token revoke 0123456789abcdef
//
// `issue` prints the token alone on stdout (its only showing: redirect it to
// a file) and what it is for on stderr.
//
// and backups of the stores of the server at --server (AdminService):
//
//   budgetctl --server=127.0.0.1:7100 --token-file=admin.token admin checkpoint
//       --dir=/var/backups/budgetperf/2026-11-28
//
// which prints each store's folder, sequence number, size and file count.

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/budgetctl/cli.h"

namespace budgetperf {
namespace budgetctl {

// Adds the commands to `app`, as AddSubmitCommands does.
void AddAdminCommands(CLI::App& app, const GlobalOptions& options, int* exit_code);

// A token lifetime as given to --ttl: seconds, or a number with s, m, h or d
// ("3600", "90d", "12h"). INVALID_ARGUMENT otherwise.
absl::StatusOr<int64_t> ParseTtlSeconds(absl::string_view text);

}  // namespace budgetctl
}  // namespace budgetperf

#endif  // BUDGETPERF_TOOLS_BUDGETCTL_ADMIN_COMMANDS_H_
