#include "services/consistency/audit_context.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/numeric/checked_math.h"

namespace budgetperf {
namespace audit_internal {

using consistency_internal::FindingText;
using consistency_internal::Wan;

std::string Elsewhere(const std::string& uscc, int32_t year,
                      absl::string_view path) {
  return absl::StrCat(uscc, "@", year, ":", path);
}

std::string UnitLabel(const Unit& unit) {
  return absl::StrCat("「", unit.name, "」(", unit.uscc, ")");
}

void FindingSink::Add(const RuleSettings& rule, const Unit& unit,
                      std::string field_path, FindingText text,
                      std::vector<std::string> related) {
  v1::Finding finding;
  finding.set_rule_id(rule.descriptor->id());
  finding.set_severity(rule.severity);
  finding.set_scope(rule.descriptor->scope());
  finding.set_unit_uscc(unit.uscc);
  finding.set_unit_name(unit.name);
  finding.set_year(year_);
  finding.set_field_path(std::move(field_path));
  finding.set_value_found(std::move(text.found));
  finding.set_value_expected(std::move(text.expected));
  finding.set_difference(std::move(text.difference));
  finding.set_message(std::move(text.message));
  for (std::string& path : related) {
    finding.add_related_field_paths(std::move(path));
  }
  finding.set_division_code(unit.division);
  findings_.push_back(std::move(finding));
}

std::vector<v1::Finding> FindingSink::Take(const RuleCatalogue& catalogue) {
  std::stable_sort(findings_.begin(), findings_.end(),
                   [&catalogue](const v1::Finding& a, const v1::Finding& b) {
                     const size_t ia = catalogue.IndexOf(a.rule_id());
                     const size_t ib = catalogue.IndexOf(b.rule_id());
                     return std::tie(ia, a.unit_uscc(), a.field_path()) <
                            std::tie(ib, b.unit_uscc(), b.field_path());
                   });
  return std::move(findings_);
}

std::string SignedWan(int64_t fen) {
  return fen > 0 ? absl::StrCat("+", Wan(fen)) : Wan(fen);
}

std::optional<int64_t> MulDiv(int64_t a, int64_t b, int64_t c) {
  if (c <= 0) return std::nullopt;
  const absl::StatusOr<int64_t> q = MulDivRoundHalfUp(a, b, c);
  if (!q.ok()) return std::nullopt;
  return *q;
}

int64_t CodePoints(absl::string_view text) {
  int64_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string WithoutSpaces(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
        c == '\v') {
      continue;
    }
    if (c == 0xC2 && i + 1 < text.size() &&
        static_cast<unsigned char>(text[i + 1]) == 0xA0) {
      ++i;
      continue;
    }
    if (c == 0xE3 && i + 2 < text.size() &&
        static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        static_cast<unsigned char>(text[i + 2]) == 0x80) {
      i += 2;
      continue;
    }
    out.push_back(static_cast<char>(c));
  }
  return out;
}

namespace {

// The characters an administrative division's name ends in.
constexpr absl::string_view kRegionSuffixes[] = {"省", "市", "区", "县",
                                                 "州", "盟", "旗"};

}  // namespace

bool SameUnitName(absl::string_view a, absl::string_view b) {
  if (a == b) return true;
  if (a.size() < b.size()) std::swap(a, b);
  if (b.empty() || !absl::EndsWith(a, b)) return false;
  const absl::string_view qualifier = a.substr(0, a.size() - b.size());
  for (absl::string_view suffix : kRegionSuffixes) {
    if (absl::EndsWith(qualifier, suffix)) return true;
  }
  return false;
}

std::vector<v1::Finding> Audit::Run() {
  IndexTree();
  BuildUnits();
  CheckSameCode();            // U-01
  CheckSameName();            // U-06
  CheckDepartmentProjects();  // U-05 (before U-02, which skips its pairs)
  CheckDuplicateProjects();   // U-02
  CheckOutliers();            // U-03, U-07, U-08
  CheckCopiedSections();      // U-04
  for (const Unit& unit : units_) {
    if (unit.identity_doubt || unit.prior == nullptr) continue;
    CheckPriorYearColumns(unit);    // Y-01
    CheckIncomeChange(unit);        // Y-02
    CheckExpenditureChanges(unit);  // Y-03
    CheckTargetsKept(unit);         // Y-04
  }
  return sink_.Take(book_.catalogue());
}

void Audit::IndexTree() {
  for (const v1::OrgNode& node : input_.nodes) {
    node_by_code_.emplace(node.code(), &node);
    if (node.kind() == v1::NODE_KIND_UNIT ||
        node.kind() == v1::NODE_KIND_DEPARTMENT) {
      node_by_uscc_.emplace(node.uscc().empty() ? node.code() : node.uscc(),
                            &node);
    }
  }
}

void Audit::BuildUnits() {
  std::multimap<std::string, const AuditPackage*> prior_by_uscc;
  for (const AuditPackage& p : input_.prior) {
    prior_by_uscc.emplace(p.package.unit().uscc(), &p);
  }
  for (const AuditPackage& p : input_.current) {
    Unit unit;
    unit.current = &p;
    const v1::UnitIdentity& id = p.package.unit();
    unit.uscc = id.uscc();
    unit.name = id.name();
    unit.name_norm = NormalizeUnitName(id.name());
    unit.division = id.division_code();
    auto node = node_by_uscc_.find(unit.uscc);
    if (node != node_by_uscc_.end()) unit.node = node->second;
    // Last year's package of the same code; of two, the one of the same
    // name.
    auto [lo, hi] = prior_by_uscc.equal_range(unit.uscc);
    for (auto it = lo; it != hi; ++it) {
      if (unit.prior == nullptr ||
          NormalizeUnitName(it->second->package.unit().name()) ==
              unit.name_norm) {
        unit.prior = it->second;
      }
    }
    unit.is_department =
        (unit.node != nullptr &&
         unit.node->kind() == v1::NODE_KIND_DEPARTMENT) ||
        (!unit.uscc.empty() && id.supervising_department_uscc() == unit.uscc);
    if (unit.node != nullptr) unit.parent_code = unit.node->parent_code();
    unit.department_uscc = id.supervising_department_uscc();
    if (unit.is_department) {
      unit.group = "departments";
      unit.group_label = "各主管部门本级";
    } else if (!unit.parent_code.empty()) {
      unit.group = absl::StrCat("d:", unit.parent_code);
      auto parent = node_by_code_.find(unit.parent_code);
      unit.group_label =
          absl::StrCat("「",
                       parent != node_by_code_.end() ? parent->second->name()
                                                     : unit.parent_code,
                       "」所属单位");
    } else if (!unit.department_uscc.empty()) {
      unit.group = absl::StrCat("d:", unit.department_uscc);
      unit.group_label =
          absl::StrCat("「", id.supervising_department(), "」所属单位");
    } else if (!id.supervising_department().empty()) {
      unit.group =
          absl::StrCat("n:", NormalizeUnitName(id.supervising_department()));
      unit.group_label =
          absl::StrCat("「", id.supervising_department(), "」所属单位");
    }
    units_.push_back(std::move(unit));
  }
  std::stable_sort(units_.begin(), units_.end(),
                   [](const Unit& a, const Unit& b) {
                     return std::tie(a.uscc, a.name) < std::tie(b.uscc, b.name);
                   });
}

}  // namespace audit_internal
}  // namespace budgetperf
