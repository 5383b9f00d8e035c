#include "services/aggregation/org_csv.h"

#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/money/money.h"

namespace budgetperf {

namespace {

constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::optional<v1::NodeKind> ParseKind(absl::string_view text) {
  const std::string k = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  static const auto* const kinds = new absl::flat_hash_map<std::string, v1::NodeKind>{
      {"province", v1::NODE_KIND_PROVINCE}, {"省", v1::NODE_KIND_PROVINCE},
      {"city", v1::NODE_KIND_CITY},         {"市", v1::NODE_KIND_CITY},
      {"district", v1::NODE_KIND_DISTRICT}, {"区", v1::NODE_KIND_DISTRICT},
      {"县", v1::NODE_KIND_DISTRICT},       {"department", v1::NODE_KIND_DEPARTMENT},
      {"部门", v1::NODE_KIND_DEPARTMENT},   {"unit", v1::NODE_KIND_UNIT},
      {"单位", v1::NODE_KIND_UNIT},         {"预算单位", v1::NODE_KIND_UNIT},
  };
  auto it = kinds->find(k);
  if (it == kinds->end()) return std::nullopt;
  return it->second;
}

enum Column { kCode, kName, kKind, kParent, kDivision, kValidFrom, kExpectedBudget, kUscc };

}  // namespace

CsvParse ParseCsv(absl::string_view text) {
  CsvParse out;
  if (absl::StartsWith(text, kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  size_t i = 0;
  int line = 1;
  while (i < text.size()) {
    CsvRecord record;
    record.line = line;
    bool record_bad = false;
    std::string field;
    bool end_of_record = false;
    while (!end_of_record) {
      field.clear();
      if (i < text.size() && text[i] == '"') {
        // Quoted: runs to the next quote not doubled; may span lines.
        ++i;
        bool closed = false;
        while (i < text.size()) {
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (c == '\n') ++line;
          field.push_back(c);
          ++i;
        }
        if (!closed) {
          out.errors.push_back({record.line, "a quoted field is never closed"});
          return out;
        }
        // After the closing quote: a separator, a line end, or the end.
        if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          if (!record_bad) {
            out.errors.push_back({record.line, "text after a closing quote"});
          }
          record_bad = true;
          while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') ++i;
        }
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          field.push_back(text[i]);
          ++i;
        }
      }
      record.fields.push_back(field);
      if (i >= text.size()) {
        end_of_record = true;
      } else if (text[i] == ',') {
        ++i;
      } else {
        // \r\n, \n or a lone \r ends the record.
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        ++i;
        ++line;
        end_of_record = true;
      }
    }
    bool blank = true;
    for (const std::string& f : record.fields) {
      if (!absl::StripAsciiWhitespace(f).empty()) blank = false;
    }
    if (!blank && !record_bad) out.records.push_back(std::move(record));
  }
  return out;
}

OrgCsvParse ParseOrgCsv(absl::string_view csv) {
  OrgCsvParse out;
  CsvParse parsed = ParseCsv(csv);
  out.errors = std::move(parsed.errors);
  if (parsed.records.empty()) {
    out.errors.push_back({1, "no header row: expected code,name,kind,parent_code,division_code"});
    return out;
  }

  // The header names the columns.
  const CsvRecord& header = parsed.records.front();
  static const auto* const names = new absl::flat_hash_map<std::string, Column>{
      {"code", kCode},
      {"name", kName},
      {"kind", kKind},
      {"parent_code", kParent},
      {"parent", kParent},
      {"division_code", kDivision},
      {"valid_from_year", kValidFrom},
      {"expected_budget", kExpectedBudget},
      {"uscc", kUscc},
  };
  absl::flat_hash_map<Column, size_t> index;
  bool header_ok = true;
  for (size_t c = 0; c < header.fields.size(); ++c) {
    const std::string name =
        absl::AsciiStrToLower(absl::StripAsciiWhitespace(header.fields[c]));
    auto it = names->find(name);
    if (it == names->end()) {
      out.errors.push_back({header.line, absl::StrCat("unknown column \"", name,
                                                      "\" (known: code, name, kind, "
                                                      "parent_code, division_code, "
                                                      "valid_from_year, expected_budget, uscc)")});
      header_ok = false;
    } else if (!index.emplace(it->second, c).second) {
      out.errors.push_back({header.line, absl::StrCat("column \"", name, "\" appears twice")});
      header_ok = false;
    }
  }
  for (auto [column, name] : {std::pair<Column, const char*>{kCode, "code"},
                              {kName, "name"},
                              {kKind, "kind"}}) {
    if (!index.contains(column)) {
      out.errors.push_back({header.line, absl::StrCat("the header has no \"", name, "\" column")});
      header_ok = false;
    }
  }
  if (!header_ok) return out;

  for (size_t r = 1; r < parsed.records.size(); ++r) {
    const CsvRecord& record = parsed.records[r];
    std::vector<std::string> problems;
    auto get = [&](Column column) -> std::string {
      auto it = index.find(column);
      if (it == index.end() || it->second >= record.fields.size()) return "";
      return std::string(absl::StripAsciiWhitespace(record.fields[it->second]));
    };
    if (record.fields.size() != header.fields.size()) {
      problems.push_back(absl::StrCat(record.fields.size(), " fields where the header has ",
                                      header.fields.size()));
    }
    v1::OrgNode node;
    node.set_code(get(kCode));
    node.set_name(get(kName));
    node.set_parent_code(get(kParent));
    node.set_division_code(get(kDivision));
    node.set_uscc(get(kUscc));
    if (node.code().empty()) problems.push_back("code is empty");
    const std::string kind_text = get(kKind);
    if (std::optional<v1::NodeKind> kind = ParseKind(kind_text)) {
      node.set_kind(*kind);
    } else {
      problems.push_back(absl::StrCat("kind \"", kind_text,
                                      "\" is not province, city, district, department or unit"));
    }
    if (const std::string year = get(kValidFrom); !year.empty()) {
      int32_t y = 0;
      if (!absl::SimpleAtoi(year, &y)) {
        problems.push_back(absl::StrCat("valid_from_year \"", year, "\" is not a year"));
      } else {
        node.set_valid_from_year(y);
      }
    }
    if (const std::string budget = get(kExpectedBudget); !budget.empty()) {
      absl::StatusOr<int64_t> fen = ParseWanYuan(budget);
      if (!fen.ok()) {
        problems.push_back(absl::StrCat("expected_budget: ", fen.status().message()));
      } else {
        node.set_expected_budget_fen(*fen);
      }
    }
    if (!problems.empty()) {
      out.errors.push_back({record.line, absl::StrJoin(problems, "; ")});
      if (!node.code().empty()) out.codes_of_bad_rows.insert(node.code());
      continue;
    }
    out.rows.push_back({record.line, std::move(node)});
  }
  return out;
}

}  // namespace budgetperf
