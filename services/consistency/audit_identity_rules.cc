// The identity rules of the audit: whose package is it? A package whose
// identity is in doubt is left out of every other rule (audit_rules.h).
//
//   U-01  a package's USCC against the tree: the unit name (and division
//         code) the tree gives that USCC. Names are compared after removing
//         white space and folding full-width brackets, so "（2）" and "(2)"
//         agree, and a leading region qualifier on one side ("岳阳市" +
//         "岳阳楼区第一中学") is not a difference. Also two packages of the
//         input with one USCC and different names.
//   U-06  two packages of the same year with the same (normalised) unit name
//         and different USCCs. The package the tree knows by that name is the
//         reference; the other one gets the finding.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/codes/division_code.h"
#include "services/consistency/audit_context.h"

namespace budgetperf {
namespace audit_internal {

// --- U-01: one code, two units ----------------------------------------------

// A unit whose identity is in doubt is left out of the other rules whether
// or not the config reports U-01: its other findings would repeat the
// mistake either way.
void Audit::CheckSameCode() {
  for (size_t i = 0; i < units_.size(); ++i) {
    Unit& unit = units_[i];
    if (unit.uscc.empty()) continue;
    const RuleSettings* rule = Rule("U-01", unit);
    if (unit.node != nullptr) {
      if (!SameUnitName(NormalizeUnitName(unit.node->name()), unit.name_norm)) {
        unit.identity_doubt = true;
        if (rule == nullptr) continue;
        sink_.Add(*rule, unit, "unit.name",
                  {unit.name, unit.node->name(), "",
                   absl::StrCat("统一社会信用代码 ", unit.uscc, " 的",
                                input_.year, "年度包以「", unit.name,
                                "」填报，组织树中该代码是「", unit.node->name(),
                                "」：同一代码用于两个单位，或单位名称填错")});
        continue;
      }
      // A tree that files a unit under a wider division (the city's code
      // for a district unit) does not contradict the package.
      const std::string& tree_division = unit.node->division_code();
      if (!tree_division.empty() && !unit.division.empty() &&
          !DivisionContains(tree_division, unit.division) &&
          !DivisionContains(unit.division, tree_division)) {
        unit.identity_doubt = true;
        if (rule == nullptr) continue;
        sink_.Add(
            *rule, unit, "unit.division_code",
            {unit.division, tree_division, "",
             absl::StrCat("「", unit.name, "」(", unit.uscc, ") ", input_.year,
                          "年度包的行政区划代码 ", unit.division,
                          " 不在组织树中该代码的 ", tree_division, " 之内")});
        continue;
      }
    }
    // Two packages of one code in the input, under different names: the
    // first (by name) is taken as the code's own, unless the tree says
    // otherwise (then the check above has already spoken).
    if (i > 0 && units_[i - 1].uscc == unit.uscc &&
        units_[i - 1].name_norm != unit.name_norm && unit.node == nullptr) {
      const Unit& first = units_[i - 1];
      unit.identity_doubt = true;
      if (rule == nullptr) continue;
      sink_.Add(*rule, unit, "unit.name",
                {unit.name, first.name, "",
                 absl::StrCat("统一社会信用代码 ", unit.uscc, " 的",
                              input_.year, "年度有两份包：「", first.name,
                              "」与「", unit.name, "」")});
    }
  }
}

// --- U-06: one name, two codes ----------------------------------------------

void Audit::CheckSameName() {
  std::map<std::string, std::vector<Unit*>> by_name;
  for (Unit& unit : units_) {
    if (unit.identity_doubt || unit.name_norm.empty()) continue;
    by_name[unit.name_norm].push_back(&unit);
  }
  for (auto& [name, group] : by_name) {
    std::set<std::string> codes;
    for (const Unit* u : group) codes.insert(u->uscc);
    if (codes.size() < 2) continue;
    // The reference: the code the tree knows by this name, else the
    // smallest code (units_ is ordered by code).
    const Unit* reference = group.front();
    for (const Unit* u : group) {
      if (u->node != nullptr) {
        reference = u;
        break;
      }
    }
    for (Unit* u : group) {
      if (u->uscc == reference->uscc) continue;
      u->identity_doubt = true;
      const RuleSettings* rule = Rule("U-06", *u);
      if (rule == nullptr) continue;
      sink_.Add(
          *rule, *u, "unit.uscc",
          {u->uscc, reference->uscc, "",
           absl::StrCat("「", u->name, "」", input_.year,
                        "年度以两个统一社会信用代码填报：", u->uscc, " 与 ",
                        reference->uscc,
                        reference->node != nullptr ? " (组织树中的代码)" : "",
                        "：同一单位重复填报，或两个单位同名")},
          {Elsewhere(reference->uscc, input_.year, "unit.uscc")});
    }
  }
}

}  // namespace audit_internal
}  // namespace budgetperf
