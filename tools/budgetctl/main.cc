// budgetctl: the command-line client of the budgetperf services.
//
//   budgetctl submit tests/data/seed-2023.json        # budgetd at 127.0.0.1:7100
//   budgetctl get 12430602MB1C04587D 2023
//   budgetctl history 12430602MB1C04587D 2023
//   budgetctl score tests/data/seed-2023.json
//   budgetctl findings --node 430602 --year 2023 --csv
//   budgetctl --server=127.0.0.1:7101 --scoring=127.0.0.1:7102
//       --aggregation=127.0.0.1:7103 rollup 430602 2023   # the split binaries
//   budgetctl rules --csv
//   budgetctl --token-file=admin.token admin token issue --kind unit --uscc 12430602MB1C04587D
//
// Each command group lives in its own file and registers itself here.
// Exit codes: 0 done, 1 the server refused (invalid package, not found),
// 2 bad usage, unreadable input, or the server unreachable or failing.

#include <iostream>

#include "CLI/CLI.hpp"
#include "tools/budgetctl/admin_commands.h"
#include "tools/budgetctl/aggregation_commands.h"
#include "tools/budgetctl/cli.h"
#include "tools/budgetctl/findings_commands.h"
#include "tools/budgetctl/rules_commands.h"
#include "tools/budgetctl/score_commands.h"
#include "tools/budgetctl/submit_commands.h"

int main(int argc, char** argv) {
  using budgetperf::budgetctl::GlobalOptions;
  CLI::App app{"budgetctl: file, read and score budget-performance self-evaluation packages, and list the "
      "consistency rules"};
  app.footer(
      "Exit codes: 0 done; 1 the server refused (invalid package, not found, key reused);\n"
      "2 bad usage, unreadable input, or the server unreachable or failing.");
  app.require_subcommand(1);
  app.fallthrough();  // global flags may also follow the command

  GlobalOptions options;
  app.add_option("--server", options.server,
                 "HOST:PORT of budgetd (every service on one port), or of budget-ingestion")
      ->capture_default_str();
  app.add_option("--scoring", options.scoring,
                 "HOST:PORT of budget-scoring (default: --server, as budgetd serves it)");
  app.add_option("--aggregation", options.aggregation,
                 "HOST:PORT of budget-aggregation (default: --server, as budgetd serves it)");
  app.add_flag("--json", options.json, "print the response as protobuf JSON");
  app.add_option("--timeout", options.timeout_seconds, "seconds to wait for each call")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  budgetperf::budgetctl::AddSecurityOptions(app, &options);

  int exit_code = budgetperf::budgetctl::kExitOk;
  budgetperf::budgetctl::AddSubmitCommands(app, options, &exit_code);
  budgetperf::budgetctl::AddScoreCommands(app, options, &exit_code);
  budgetperf::budgetctl::AddFindingsCommands(app, options, &exit_code);
  budgetperf::budgetctl::AddRulesCommands(app, options, &exit_code);
  budgetperf::budgetctl::AddAggregationCommands(app, options, &exit_code);
  budgetperf::budgetctl::AddAdminCommands(app, options, &exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" that exit 0.
    const int code = app.exit(e);
    return code == 0 ? budgetperf::budgetctl::kExitOk : budgetperf::budgetctl::kExitFailure;
  }
  return exit_code;
}
