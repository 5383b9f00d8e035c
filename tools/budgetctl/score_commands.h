#ifndef BUDGETPERF_TOOLS_BUDGETCTL_SCORE_COMMANDS_H_
#define BUDGETPERF_TOOLS_BUDGETCTL_SCORE_COMMANDS_H_

// budgetctl's scoring command: score (ScoringService at --scoring).

#include "CLI/CLI.hpp"
#include "tools/budgetctl/cli.h"

namespace budgetperf {
namespace budgetctl {

// Adds the commands to `app`, as AddSubmitCommands does.
void AddScoreCommands(CLI::App& app, const GlobalOptions& options, int* exit_code);

}  // namespace budgetctl
}  // namespace budgetperf

#endif  // BUDGETPERF_TOOLS_BUDGETCTL_SCORE_COMMANDS_H_
