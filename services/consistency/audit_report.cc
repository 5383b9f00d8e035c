#include "services/consistency/audit_report.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/text/text_table.h"

namespace budgetperf {
namespace {

// A CSV field, quoted when it must be.
std::string CsvField(absl::string_view text) {
  if (text.find_first_of(",\"\r\n") == absl::string_view::npos) {
    return std::string(text);
  }
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

int SeverityRank(v1::Severity severity) {
  switch (severity) {
    case v1::SEVERITY_ERROR:
      return 0;
    case v1::SEVERITY_WARNING:
      return 1;
    case v1::SEVERITY_NEEDS_EXPLANATION:
      return 2;
    default:
      return 3;
  }
}

}  // namespace

absl::string_view FindingsCsvHeader() {
  return "unit,rule_id,severity,field,value_found,expected,difference,message";
}

std::string FindingsCsv(const std::vector<v1::Finding>& findings) {
  std::string out = absl::StrCat(FindingsCsvHeader(), "\r\n");
  for (const v1::Finding& f : findings) {
    absl::StrAppend(
        &out, CsvField(f.unit_uscc()), ",", CsvField(f.rule_id()), ",",
        CsvField(SeverityName(f.severity())), ",", CsvField(f.field_path()),
        ",", CsvField(f.value_found()), ",", CsvField(f.value_expected()), ",",
        CsvField(f.difference()), ",", CsvField(f.message()), "\r\n");
  }
  return out;
}

void SortForReading(std::vector<v1::Finding>* findings,
                    const RuleCatalogue& catalogue) {
  std::stable_sort(findings->begin(), findings->end(),
                   [&catalogue](const v1::Finding& a, const v1::Finding& b) {
                     const int sa = SeverityRank(a.severity());
                     const int sb = SeverityRank(b.severity());
                     const size_t ia = catalogue.IndexOf(a.rule_id());
                     const size_t ib = catalogue.IndexOf(b.rule_id());
                     return std::tie(sa, ia, a.unit_uscc(), a.field_path()) <
                            std::tie(sb, ib, b.unit_uscc(), b.field_path());
                   });
}

std::string FindingsSummary(const std::vector<v1::Finding>& findings,
                            const RuleCatalogue& catalogue, size_t top) {
  struct Counts {
    int64_t error = 0, warning = 0, explain = 0, total = 0;
  };
  std::map<std::string, Counts> by_rule;
  Counts all;
  for (const v1::Finding& f : findings) {
    Counts& c = by_rule[f.rule_id()];
    for (Counts* counts : {&c, &all}) {
      ++counts->total;
      if (f.severity() == v1::SEVERITY_ERROR) ++counts->error;
      if (f.severity() == v1::SEVERITY_WARNING) ++counts->warning;
      if (f.severity() == v1::SEVERITY_NEEDS_EXPLANATION) ++counts->explain;
    }
  }
  TextTable rows({"规则 rule", "错误", "警告", "需说明", "合计", "名称 title"});
  for (size_t count = 1; count <= 4; ++count) rows.AlignRight(count);
  auto add = [&rows](const std::string& id, const Counts& c,
                     const std::string& title) {
    rows.AddRow({id, absl::StrCat(c.error), absl::StrCat(c.warning),
                    absl::StrCat(c.explain), absl::StrCat(c.total), title});
  };
  for (const v1::RuleDescriptor& rule : catalogue.rules()) {
    const bool cross = rule.scope() == v1::RULE_SCOPE_CROSS_UNIT ||
                       rule.scope() == v1::RULE_SCOPE_CROSS_YEAR;
    auto it = by_rule.find(rule.id());
    if (!cross && it == by_rule.end()) continue;
    add(rule.id(), it == by_rule.end() ? Counts{} : it->second, rule.title());
  }
  for (const auto& [id, counts] : by_rule) {
    if (catalogue.Find(id) == nullptr) add(id, counts, "");
  }
  add("合计 total", all, "");
  std::string out = rows.Render();

  if (top > 0 && !findings.empty()) {
    std::vector<v1::Finding> sorted = findings;
    SortForReading(&sorted, catalogue);
    absl::StrAppend(&out, "\n", std::min(top, sorted.size()), " of ",
                    sorted.size(), " findings, errors first:\n");
    TextTable lines({});
    for (size_t i = 0; i < sorted.size() && i < top; ++i) {
      const v1::Finding& f = sorted[i];
      lines.AddRow({f.unit_uscc(), f.unit_name(), f.rule_id(),
                       std::string(SeverityName(f.severity())), f.message()});
    }
    absl::StrAppend(&out, lines.Render());
  }
  return out;
}

}  // namespace budgetperf
