#ifndef BUDGETPERF_SERVICES_CONSISTENCY_AUDIT_CONTEXT_H_
#define BUDGETPERF_SERVICES_CONSISTENCY_AUDIT_CONTEXT_H_

// What the audit rules share, private to them (the API is audit_rules.h):
// the config's settings per rule and division, the units of the audit, the
// findings so far, and the Audit that runs the rules over them. Each rule is
// a member of Audit defined in the file of its family:
//
//   audit_context.cc           the setup (tree index, units) and Run
//   audit_identity_rules.cc    U-01, U-06
//   audit_cross_unit_rules.cc  U-02, U-04, U-05
//   audit_peer_rules.cc        U-03, U-07, U-08 (robust_stats.h)
//   audit_cross_year_rules.cc  Y-01, Y-02, Y-03, Y-04

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "budgetperf/v1/aggregation.pb.h"
#include "budgetperf/v1/consistency.pb.h"
#include "budgetperf/v1/evaluation_package.pb.h"
#include "services/consistency/audit_rules.h"
#include "services/consistency/check_context.h"
#include "services/consistency/consistency_config.h"
#include "services/consistency/rule_catalogue.h"

namespace budgetperf {
namespace audit_internal {

using int128 = __int128;

// The config's settings per (rule, division), resolved once each.
class RuleBook {
 public:
  explicit RuleBook(const ConsistencyConfig& config) : config_(config) {}

  // The rule as it applies to `division`; nullptr when it is disabled or the
  // catalogue has no such rule.
  const RuleSettings* Get(const std::string& rule_id,
                          const std::string& division) {
    auto [it, inserted] = cache_.try_emplace({rule_id, division}, std::nullopt);
    if (inserted) {
      absl::StatusOr<RuleSettings> settings =
          config_.EffectiveRule(rule_id, division);
      if (settings.ok() && settings->enabled) it->second = *settings;
    }
    return it->second.has_value() ? &*it->second : nullptr;
  }

  const RuleCatalogue& catalogue() const { return config_.catalogue(); }

 private:
  const ConsistencyConfig& config_;
  std::map<std::pair<std::string, std::string>, std::optional<RuleSettings>>
      cache_;
};

// One unit of the audit: its package this year, and what the rules need to
// know about it.
struct Unit {
  const AuditPackage* current = nullptr;
  const AuditPackage* prior = nullptr;  // last year's, when it filed
  std::string uscc;
  std::string name;                   // as filed
  std::string name_norm;              // NormalizeUnitName(name)
  std::string division;               // its division code, for the config
  const v1::OrgNode* node = nullptr;  // the tree's node for its USCC
  bool is_department = false;
  // The ids that name its department: the tree parent's code and the
  // package's 主管部门 USCC (either may be empty).
  std::string parent_code;
  std::string department_uscc;
  // Peer group of U-03/U-07/U-08, and its name for messages.
  std::string group;
  std::string group_label;
  // Flagged by U-01 or U-06: left out of the other rules.
  bool identity_doubt = false;

  const v1::EvaluationPackage& package() const { return current->package; }
};

// "USCC@2022:path": a cell of another package, for related_field_paths.
std::string Elsewhere(const std::string& uscc, int32_t year,
                      absl::string_view path);

// 「name」(USCC): a unit as messages name it.
std::string UnitLabel(const Unit& unit);

// The findings of one audit, for the year audited.
class FindingSink {
 public:
  explicit FindingSink(int32_t year) : year_(year) {}

  // Adds a finding of `rule` about `unit`'s cell `field_path`.
  void Add(const RuleSettings& rule, const Unit& unit, std::string field_path,
           consistency_internal::FindingText text,
           std::vector<std::string> related = {});

  // The findings, ordered by rule (catalogue order), unit USCC, field path.
  std::vector<v1::Finding> Take(const RuleCatalogue& catalogue);

 private:
  int32_t year_;
  std::vector<v1::Finding> findings_;
};

// Signed 万元 with an explicit "+" for increases, as the reports state
// changes: "+12.00万元", "-3.72万元".
std::string SignedWan(int64_t fen);

// round_half_up(a × b ÷ c) for c > 0 (MulDivRoundHalfUp of
// common/numeric), or nullopt for c ≤ 0 or past int64. (Sums use
// CheckedAdd.)
std::optional<int64_t> MulDiv(int64_t a, int64_t b, int64_t c);

// The number of code points of a UTF-8 text.
int64_t CodePoints(absl::string_view text);

// Removes white space (ASCII, U+00A0, U+3000) from a text.
std::string WithoutSpaces(absl::string_view text);

// Whether two normalised unit names name the same unit: equal, or equal but
// for a leading region qualifier that one of them adds ("岳阳市" +
// "岳阳楼区第一中学"). A longer name that adds anything else ("城东" +
// "第一中学", "第一中学" + "附属小学") is another unit.
bool SameUnitName(absl::string_view a, absl::string_view b);

// One run of the audit rules over one input (RunAuditRules).
class Audit {
 public:
  Audit(const AuditInput& input, const ConsistencyConfig& config,
        const AuditOptions& options)
      : input_(input), options_(options), book_(config), sink_(input.year) {}

  std::vector<v1::Finding> Run();

 private:
  const RuleSettings* Rule(const char* id, const Unit& unit) {
    return book_.Get(id, unit.division);
  }

  // Setup (audit_context.cc).
  void IndexTree();
  void BuildUnits();

  // Identity (audit_identity_rules.cc).
  void CheckSameCode();  // U-01
  void CheckSameName();  // U-06

  // Cross-unit (audit_cross_unit_rules.cc).
  void CheckDepartmentProjects();  // U-05 (before U-02, which skips its pairs)
  void CheckDuplicateProjects();   // U-02
  bool Linked(const Unit& a, int ia, const Unit& b, int ib) const;
  void CheckCopiedSections();  // U-04

  // Peers (audit_peer_rules.cc).
  void CheckOutliers();  // U-03, U-07, U-08

  // Cross-year (audit_cross_year_rules.cc).
  void CheckPriorYearColumns(const Unit& unit);  // Y-01
  void CheckChange(const RuleSettings& rule, const Unit& unit,
                   const std::string& path, const char* what,
                   std::optional<int64_t> stated, std::optional<int64_t> now,
                   std::optional<int64_t> last, const std::string& now_path,
                   const std::string& last_path);
  void CheckIncomeChange(const Unit& unit);        // Y-02
  void CheckExpenditureChanges(const Unit& unit);  // Y-03
  void CheckTargetsKept(const Unit& unit);         // Y-04

  const AuditInput& input_;
  const AuditOptions& options_;
  RuleBook book_;
  FindingSink sink_;
  std::vector<Unit> units_;
  std::map<std::string, const v1::OrgNode*> node_by_code_;
  std::map<std::string, const v1::OrgNode*> node_by_uscc_;
  // (department USCC, table, unit USCC, table) pairs that U-05 compared.
  std::set<std::tuple<std::string, int, std::string, int>> linked_;
  // (unit USCC, table) → the department projects it is a part of.
  std::map<std::pair<std::string, int>, std::set<std::pair<std::string, int>>>
      part_of_;
};

}  // namespace audit_internal
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_CONSISTENCY_AUDIT_CONTEXT_H_
