#ifndef BUDGETPERF_TOOLS_BUDGETCTL_AGGREGATION_COMMANDS_H_
#define BUDGETPERF_TOOLS_BUDGETCTL_AGGREGATION_COMMANDS_H_

// The bureau's commands against AggregationService: `org import|list`,
// `rollup`, `drilldown`, `coverage`, `compare`. Each prints a readable table
// with amounts in 万元, or --csv, or (global) --json.
//
//   budgetctl org import sample/org.csv
//   budgetctl rollup 430602 2023
//   budgetctl drilldown 430602 2023 --sort funds.executed_fen --desc
//   budgetctl coverage 430602 2023
//   budgetctl compare 430602 2022 2023 --csv

#include "CLI/CLI.hpp"
#include "tools/budgetctl/cli.h"

namespace budgetperf {
namespace budgetctl {

void AddAggregationCommands(CLI::App& app, const GlobalOptions& options, int* exit_code);

}  // namespace budgetctl
}  // namespace budgetperf

#endif  // BUDGETPERF_TOOLS_BUDGETCTL_AGGREGATION_COMMANDS_H_
