#include "tools/budgetctl/rules_commands.h"

#include <iostream>
#include <memory>

#include "services/consistency/rule_catalogue.h"
#include "tools/budgetctl/rules_text.h"

namespace budgetperf {
namespace budgetctl {
namespace {

struct RulesArgs {
  bool json = false;
  bool csv = false;
};

int RunRules(const GlobalOptions& options, const RulesArgs& args) {
  const v1::RuleList rules = RuleCatalogue::Default().ToProto();
  if (args.json || options.json) {
    std::cout << ToJson(rules);
  } else if (args.csv) {
    std::cout << FormatRulesCsv(rules);
  } else {
    std::cout << FormatRulesTable(rules);
  }
  return kExitOk;
}

}  // namespace

void AddRulesCommands(CLI::App& app, const GlobalOptions& options, int* exit_code) {
  auto args = std::make_shared<RulesArgs>();
  CLI::App* rules = app.add_subcommand(
      "rules",
      "list the consistency rule catalogue (id, scope, default severity, tolerance, title, "
      "description), built in; needs no server");
  // Its own --json (the global one works too), so that `rules --help` shows it.
  CLI::Option* json =
      rules->add_flag("--json", args->json, "print the catalogue as protobuf JSON (RuleList)");
  rules->add_flag("--csv", args->csv, "print the catalogue as CSV with a header line")
      ->excludes(json);
  rules->callback([&options, exit_code, args] { *exit_code = RunRules(options, *args); });
}

}  // namespace budgetctl
}  // namespace budgetperf
