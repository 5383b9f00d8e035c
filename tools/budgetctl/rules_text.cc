#include "tools/budgetctl/rules_text.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "services/consistency/rule_catalogue.h"
#include "common/text/text_table.h"

namespace budgetperf {
namespace budgetctl {
namespace {

std::string ToleranceText(const v1::RuleDescriptor& rule) {
  if (rule.has_tolerance_fen()) return absl::StrCat(rule.tolerance_fen(), " fen");
  if (rule.has_tolerance_bp()) return absl::StrCat(rule.tolerance_bp(), " bp");
  return "";
}

}  // namespace

std::string FormatRulesTable(const v1::RuleList& rules) {
  TextTable table({"规则 rule", "范围 scope", "级别 severity", "阻断 blocking",
                   "容差 tolerance", "名称 title", "说明 description"});
  table.AlignRight(4);
  for (const v1::RuleDescriptor& rule : rules.rules()) {
    table.AddRow({rule.id(), std::string(ScopeName(rule.scope())),
                  std::string(SeverityName(rule.default_severity())),
                  rule.blocking() ? "yes" : "no", ToleranceText(rule), rule.title(),
                  rule.description()});
  }
  return absl::StrCat(table.Render(), "\n", rules.rules_size(),
                      " rules. Defaults shown; a region's consistency config (ingestion's "
                      "--consistency-config) may change severity, tolerance, enabling and "
                      "blocking.\n");
}

std::string CsvField(absl::string_view field) {
  if (field.find_first_of(",\"\r\n") == absl::string_view::npos) return std::string(field);
  return absl::StrCat("\"", absl::StrReplaceAll(field, {{"\"", "\"\""}}), "\"");
}

std::string FormatRulesCsv(const v1::RuleList& rules) {
  std::string out = "id,scope,severity,blocking,tolerance_fen,tolerance_bp,title,description\r\n";
  for (const v1::RuleDescriptor& rule : rules.rules()) {
    const std::vector<std::string> fields = {
        rule.id(),
        std::string(ScopeName(rule.scope())),
        v1::Severity_Name(rule.default_severity()),
        rule.blocking() ? "true" : "false",
        rule.has_tolerance_fen() ? absl::StrCat(rule.tolerance_fen()) : "",
        rule.has_tolerance_bp() ? absl::StrCat(rule.tolerance_bp()) : "",
        rule.title(),
        rule.description(),
    };
    std::vector<std::string> quoted;
    for (const std::string& f : fields) quoted.push_back(CsvField(f));
    absl::StrAppend(&out, absl::StrJoin(quoted, ","), "\r\n");
  }
  return out;
}

}  // namespace budgetctl
}  // namespace budgetperf
