#ifndef BUDGETPERF_TOOLS_BUDGETCTL_SUBMIT_COMMANDS_H_
#define BUDGETPERF_TOOLS_BUDGETCTL_SUBMIT_COMMANDS_H_

// budgetctl's ingestion commands: submit, get, history (IngestionService at
// --server).

#include "CLI/CLI.hpp"
#include "tools/budgetctl/cli.h"

namespace budgetperf {
namespace budgetctl {

// Adds the commands to `app`. A command that runs stores its exit code in
// *exit_code; `options` and `exit_code` must outlive app.parse().
void AddSubmitCommands(CLI::App& app, const GlobalOptions& options, int* exit_code);

}  // namespace budgetctl
}  // namespace budgetperf

#endif  // BUDGETPERF_TOOLS_BUDGETCTL_SUBMIT_COMMANDS_H_
