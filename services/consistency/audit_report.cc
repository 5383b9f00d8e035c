#include "services/consistency/audit_report.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"

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

// Decodes one UTF-8 code point at text[*i], advancing *i; invalid bytes
// count as one code point each.
char32_t NextCodePoint(absl::string_view text, size_t* i) {
  const unsigned char c = static_cast<unsigned char>(text[*i]);
  int length = 1;
  char32_t cp = c;
  if (c >= 0xF0) {
    length = 4;
    cp = c & 0x07;
  } else if (c >= 0xE0) {
    length = 3;
    cp = c & 0x0F;
  } else if (c >= 0xC0) {
    length = 2;
    cp = c & 0x1F;
  }
  if (*i + length > text.size()) {
    ++*i;
    return c;
  }
  for (int k = 1; k < length; ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(text[*i + k]) & 0x3F);
  }
  *i += length;
  return cp;
}

bool IsWide(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

// Pads `text` with spaces to `width` terminal cells.
std::string Pad(absl::string_view text, size_t width, bool right) {
  const size_t w = DisplayWidth(text);
  const std::string spaces(w < width ? width - w : 0, ' ');
  return right ? absl::StrCat(spaces, text) : absl::StrCat(text, spaces);
}

std::string Render(const std::vector<std::vector<std::string>>& rows,
                   const std::vector<bool>& right) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) line += "  ";
      const bool last = c + 1 == row.size();
      const bool r = c < right.size() && right[c];
      line += last && !r ? row[c] : Pad(row[c], widths[c], r);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    absl::StrAppend(&out, line, "\n");
  }
  return out;
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

size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    width += IsWide(NextCodePoint(text, &i)) ? 2 : 1;
  }
  return width;
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
  std::vector<std::vector<std::string>> rows = {
      {"规则 rule", "错误", "警告", "需说明", "合计", "名称 title"}};
  auto add = [&rows](const std::string& id, const Counts& c,
                     const std::string& title) {
    rows.push_back({id, absl::StrCat(c.error), absl::StrCat(c.warning),
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
  std::string out = Render(rows, {false, true, true, true, true, false});

  if (top > 0 && !findings.empty()) {
    std::vector<v1::Finding> sorted = findings;
    SortForReading(&sorted, catalogue);
    absl::StrAppend(&out, "\n", std::min(top, sorted.size()), " of ",
                    sorted.size(), " findings, errors first:\n");
    std::vector<std::vector<std::string>> lines;
    for (size_t i = 0; i < sorted.size() && i < top; ++i) {
      const v1::Finding& f = sorted[i];
      lines.push_back({f.unit_uscc(), f.unit_name(), f.rule_id(),
                       std::string(SeverityName(f.severity())), f.message()});
    }
    absl::StrAppend(&out, Render(lines, {}));
  }
  return out;
}

}  // namespace budgetperf
