// The cross-unit rules of the audit that compare packages' figures and texts
// one to one: a project filed twice, a department's project against its
// implementing units', a report section copied.
//
//   U-02  an attachment 3 table with the same name and the same three
//         amounts (年初预算数, 全年预算数, 全年执行数; executed > 0) in two
//         units' packages. A department's table and the table of the unit it
//         names as 实施单位 are not duplicates (U-05 compares them), nor are
//         two parts of one department's project.
//   U-05  a department's own figures against the sum of its units'. A
//         department files its own package (本级), so no figure of its
//         attachments 1 and 2 is a sum of its units' (adding them up would
//         flag every department). The forms do make one figure additive: an
//         attachment 3 table is one per first-level project, and when the
//         department's table names some of its units as 实施单位, those
//         units' tables of the same project are parts of it. Each of the
//         three funds columns of the department's table must then be at
//         least the sum of the parts, and equal to it when every unit named
//         filed the project and the department does not name itself (with
//         one unit named: "reported by both with different amounts").
//   U-04  a report section (绩效自评报告) of at least
//         AuditOptions::min_copied_chars characters (white space aside) whose
//         text is the same as another unit's.

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/numeric/checked_math.h"
#include "services/consistency/audit_context.h"
#include "services/consistency/check_context.h"

namespace budgetperf {
namespace audit_internal {
namespace {

using consistency_internal::Difference;
using consistency_internal::Wan;
using consistency_internal::WithinTolerance;

// Splits a 实施单位 cell into names: "甲中学、乙中学" → {甲中学, 乙中学}.
std::vector<std::string> ImplementingNames(const std::string& text) {
  std::vector<std::string> names;
  std::string current;
  auto flush = [&] {
    std::string n = NormalizeUnitName(current);
    if (!n.empty()) names.push_back(std::move(n));
    current.clear();
  };
  static const char* const kSeparators[] = {"、", "，", "；", "／",
                                            ",",  ";",  "/",  "\n"};
  for (size_t i = 0; i < text.size();) {
    bool separator = false;
    for (const char* s : kSeparators) {
      const absl::string_view sv(s);
      if (absl::string_view(text).substr(i, sv.size()) == sv) {
        flush();
        i += sv.size();
        separator = true;
        break;
      }
    }
    if (!separator) current.push_back(text[i++]);
  }
  flush();
  return names;
}

}  // namespace

// --- U-05: a department's project against its implementing units -----------

void Audit::CheckDepartmentProjects() {
  std::map<std::string, std::vector<const Unit*>> by_name;
  for (const Unit& unit : units_) {
    if (!unit.identity_doubt) by_name[unit.name_norm].push_back(&unit);
  }
  for (const Unit& department : units_) {
    if (department.identity_doubt) continue;
    const RuleSettings* rule = Rule("U-05", department);
    if (rule == nullptr) continue;
    const v1::EvaluationPackage& dp = department.package();
    for (int i = 0; i < dp.projects_size(); ++i) {
      const v1::ProjectSelfEvaluation& table = dp.projects(i);
      const std::string project = NormalizeUnitName(table.name());
      if (project.empty()) continue;
      bool self_named = false;
      bool unresolved = false;
      std::vector<const Unit*> named;
      for (const std::string& name :
           ImplementingNames(table.implementing_unit())) {
        if (name == department.name_norm) {
          self_named = true;
          continue;
        }
        auto it = by_name.find(name);
        if (it == by_name.end() || it->second.size() != 1) {
          unresolved = true;  // unknown, or a name two codes share
          continue;
        }
        if (std::find(named.begin(), named.end(), it->second.front()) ==
            named.end()) {
          named.push_back(it->second.front());
        }
      }
      if (named.empty()) continue;
      struct PartTable {
        const Unit* unit;
        int index;
      };
      std::vector<PartTable> parts;
      bool every_unit_filed = true;
      for (const Unit* u : named) {
        bool filed = false;
        for (int j = 0; j < u->package().projects_size(); ++j) {
          if (NormalizeUnitName(u->package().projects(j).name()) == project) {
            parts.push_back({u, j});
            linked_.insert({department.uscc, i, u->uscc, j});
            part_of_[{u->uscc, j}].insert({department.uscc, i});
            filed = true;
          }
        }
        every_unit_filed = every_unit_filed && filed;
      }
      if (parts.empty()) continue;
      const bool exact = every_unit_filed && !self_named && !unresolved;
      struct Column {
        const char* field;
        const char* name;
        bool (v1::FundsColumns::*has)() const;
        int64_t (v1::FundsColumns::*get)() const;
      };
      static const Column kColumns[] = {
          {"initial_budget_fen", "年初预算数",
           &v1::FundsColumns::has_initial_budget_fen,
           &v1::FundsColumns::initial_budget_fen},
          {"full_year_budget_fen", "全年预算数",
           &v1::FundsColumns::has_full_year_budget_fen,
           &v1::FundsColumns::full_year_budget_fen},
          {"executed_fen", "全年执行数", &v1::FundsColumns::has_executed_fen,
           &v1::FundsColumns::executed_fen},
      };
      for (const Column& column : kColumns) {
        const v1::FundsColumns& own = table.funds().amounts();
        if (!(own.*column.has)()) continue;
        std::optional<int64_t> sum = 0;
        std::vector<std::string> related;
        std::vector<std::string> part_names;
        for (const PartTable& part : parts) {
          const v1::FundsColumns& a =
              part.unit->package().projects(part.index).funds().amounts();
          if (!(a.*column.has)() || !sum.has_value()) {
            sum.reset();
            break;
          }
          sum = CheckedAdd(*sum, (a.*column.get)());
          related.push_back(
              Elsewhere(part.unit->uscc, input_.year,
                        absl::StrCat("projects[", part.index,
                                     "].funds.amounts.", column.field)));
          const std::string label = absl::StrCat("「", part.unit->name, "」");
          if (part_names.empty() || part_names.back() != label) {
            part_names.push_back(label);
          }
        }
        if (!sum.has_value()) continue;
        const int64_t value = (own.*column.get)();
        const std::optional<int64_t> difference = Difference(value, *sum);
        if (!difference.has_value()) continue;
        const bool finding =
            exact ? !WithinTolerance(value, *sum, rule->tolerance_fen)
                  : *difference < -rule->tolerance_fen;
        if (!finding) continue;
        const std::string what =
            absl::StrCat("附件3「", table.name(), "」", column.name);
        const std::string parts_text = absl::StrCat(
            "实施单位", absl::StrJoin(part_names, ""),
            part_names.size() == 1 && parts.size() == 1 ? "填报的" : "填报之和",
            " ");
        std::string message;
        if (exact && named.size() == 1) {
          message =
              absl::StrCat(what, " ", Wan(value), " ≠ ", parts_text, Wan(*sum),
                           " (差 ", Wan(*difference),
                           ")：同一项目主管部门与实施单位填报的金额不一致");
        } else if (exact) {
          message = absl::StrCat(what, " ", Wan(value), " ≠ ", parts_text,
                                 Wan(*sum), " (差 ", Wan(*difference), ")");
        } else {
          message = absl::StrCat(what, " ", Wan(value), " < 所列", parts_text,
                                 Wan(*sum), " (差 ", Wan(*difference),
                                 ")：部分大于整个项目");
        }
        sink_.Add(
            *rule, department,
            absl::StrCat("projects[", i, "].funds.amounts.", column.field),
            {Wan(value), Wan(*sum), Wan(*difference), message},
            std::move(related));
      }
    }
  }
}

// --- U-02: one project in two packages --------------------------------------

void Audit::CheckDuplicateProjects() {
  using Key = std::tuple<std::string, int64_t, int64_t, int64_t>;
  struct Member {
    const Unit* unit;
    int index;
  };
  std::map<Key, std::vector<Member>> groups;
  for (const Unit& unit : units_) {
    if (unit.identity_doubt) continue;
    const v1::EvaluationPackage& p = unit.package();
    for (int i = 0; i < p.projects_size(); ++i) {
      const v1::FundsColumns& a = p.projects(i).funds().amounts();
      const std::string name = NormalizeUnitName(p.projects(i).name());
      if (name.empty() || !a.has_initial_budget_fen() ||
          !a.has_full_year_budget_fen() || !a.has_executed_fen() ||
          a.executed_fen() <= 0) {
        continue;
      }
      groups[{name, a.initial_budget_fen(), a.full_year_budget_fen(),
              a.executed_fen()}]
          .push_back({&unit, i});
    }
  }
  for (const auto& [key, members] : groups) {
    if (members.size() < 2) continue;
    for (size_t m = 1; m < members.size(); ++m) {
      const Member& member = members[m];
      const Member* earlier = nullptr;
      for (size_t e = 0; e < m && earlier == nullptr; ++e) {
        const Member& other = members[e];
        if (other.unit->uscc == member.unit->uscc) continue;
        if (Linked(*other.unit, other.index, *member.unit, member.index)) {
          continue;
        }
        earlier = &other;
      }
      if (earlier == nullptr) continue;
      const RuleSettings* rule = Rule("U-02", *member.unit);
      if (rule == nullptr) continue;
      const v1::ProjectSelfEvaluation& table =
          member.unit->package().projects(member.index);
      const v1::FundsColumns& a = table.funds().amounts();
      const std::string path = absl::StrCat("projects[", member.index,
                                            "].funds.amounts.executed_fen");
      sink_.Add(*rule, *member.unit, path,
                {Wan(a.executed_fen()), "", "",
                 absl::StrCat(
                     "附件3「", table.name(), "」(年初预算数 ",
                     Wan(a.initial_budget_fen()), "，全年预算数 ",
                     Wan(a.full_year_budget_fen()), "，全年执行数 ",
                     Wan(a.executed_fen()), ") 与 ", UnitLabel(*earlier->unit),
                     " 的附件3「",
                     earlier->unit->package().projects(earlier->index).name(),
                     "」完全相同：同一项目被两个单位填报，汇总时重复计算")},
                {Elsewhere(earlier->unit->uscc, input_.year,
                           absl::StrCat("projects[", earlier->index,
                                        "].funds.amounts.executed_fen"))});
    }
  }
}

// True when one table is a department's project and the other a part of
// it, or both are parts of one department's project (units sharing a
// project evenly file the same amounts).
bool Audit::Linked(const Unit& a, int ia, const Unit& b, int ib) const {
  if (linked_.count({a.uscc, ia, b.uscc, ib}) > 0 ||
      linked_.count({b.uscc, ib, a.uscc, ia}) > 0) {
    return true;
  }
  auto pa = part_of_.find({a.uscc, ia});
  auto pb = part_of_.find({b.uscc, ib});
  if (pa == part_of_.end() || pb == part_of_.end()) return false;
  for (const auto& parent : pa->second) {
    if (pb->second.count(parent) > 0) return true;
  }
  return false;
}

// --- U-04: copied report sections -------------------------------------------

void Audit::CheckCopiedSections() {
  struct Member {
    const Unit* unit;
    int index;
  };
  std::map<std::string, std::vector<Member>> by_text;
  for (const Unit& unit : units_) {
    if (unit.identity_doubt) continue;
    const auto& sections = unit.package().report().sections();
    for (int i = 0; i < sections.size(); ++i) {
      std::string text = WithoutSpaces(sections[i].text());
      if (CodePoints(text) < options_.min_copied_chars) continue;
      by_text[std::move(text)].push_back({&unit, i});
    }
  }
  for (const auto& [text, members] : by_text) {
    for (size_t m = 1; m < members.size(); ++m) {
      const Member& member = members[m];
      const Member* earlier = nullptr;
      for (size_t e = 0; e < m && earlier == nullptr; ++e) {
        if (members[e].unit->uscc != member.unit->uscc) earlier = &members[e];
      }
      if (earlier == nullptr) continue;
      const RuleSettings* rule = Rule("U-04", *member.unit);
      if (rule == nullptr) continue;
      const v1::NarrativeSection& section =
          member.unit->package().report().sections(member.index);
      const v1::NarrativeSection& source =
          earlier->unit->package().report().sections(earlier->index);
      sink_.Add(
          *rule, *member.unit,
          absl::StrCat("report.sections[", member.index, "].text"),
          {absl::StrCat(CodePoints(text), "字"), "", "",
           absl::StrCat("报告「", section.heading(), "」", CodePoints(text),
                        "字与 ", UnitLabel(*earlier->unit), " 报告「",
                        source.heading(), "」的文字完全相同")},
          {Elsewhere(
              earlier->unit->uscc, input_.year,
              absl::StrCat("report.sections[", earlier->index, "].text"))});
    }
  }
}

}  // namespace audit_internal
}  // namespace budgetperf
