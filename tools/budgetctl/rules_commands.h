#ifndef BUDGETPERF_TOOLS_BUDGETCTL_RULES_COMMANDS_H_
#define BUDGETPERF_TOOLS_BUDGETCTL_RULES_COMMANDS_H_

// budgetctl rules: the consistency rule catalogue, read from the built-in
// RuleCatalogue (no server needed).

#include "CLI/CLI.hpp"
#include "tools/budgetctl/cli.h"

namespace budgetperf {
namespace budgetctl {

// Adds the command to `app`. A command that runs stores its exit code in
// *exit_code; `options` and `exit_code` must outlive app.parse().
void AddRulesCommands(CLI::App& app, const GlobalOptions& options, int* exit_code);

}  // namespace budgetctl
}  // namespace budgetperf

#endif  // BUDGETPERF_TOOLS_BUDGETCTL_RULES_COMMANDS_H_
