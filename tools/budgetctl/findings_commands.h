#ifndef BUDGETPERF_TOOLS_BUDGETCTL_FINDINGS_COMMANDS_H_
#define BUDGETPERF_TOOLS_BUDGETCTL_FINDINGS_COMMANDS_H_

// budgetctl findings: the consistency findings recorded in aggregation (by
// the audit job, or any other source) for every unit and node of a subtree
// and year, as a table, CSV or JSON.
//
//   budgetctl findings --node 430602 --year 2023                  # budgetd
//   budgetctl findings --aggregation=127.0.0.1:7103 --node 430602 --year 2023
//   budgetctl findings --node 430602 --year 2023 --csv > findings.csv
//   budgetctl --json findings --node 430602 --year 2023

#include "CLI/CLI.hpp"
#include "tools/budgetctl/cli.h"

namespace budgetperf {
namespace budgetctl {

// Adds the command to `app`. A command that runs stores its exit code in
// *exit_code (0 listed, whatever was found; 1 the node is not in the tree
// that year; 2 aggregation unreachable or failing); `options` and
// `exit_code` must outlive app.parse().
void AddFindingsCommands(CLI::App& app, const GlobalOptions& options, int* exit_code);

}  // namespace budgetctl
}  // namespace budgetperf

#endif  // BUDGETPERF_TOOLS_BUDGETCTL_FINDINGS_COMMANDS_H_
