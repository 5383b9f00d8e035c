#include "services/consistency/audit_rules.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/codes/division_code.h"
#include "common/indicator/decimal.h"
#include "common/indicator/indicator_value.h"
#include "common/money/rate.h"
#include "services/consistency/check_context.h"

namespace budgetperf {
namespace {

using consistency_internal::Difference;
using consistency_internal::FindingText;
using consistency_internal::PercentagePoints;
using consistency_internal::Points;
using consistency_internal::Wan;
using consistency_internal::WithinTolerance;
using int128 = __int128;

// The consistency factor that makes the MAD estimate a standard deviation of
// normal data, 1.4826, in ten-thousandths.
constexpr int64_t kMadFactor = 14826;

// ---------------------------------------------------------------------------
// Settings and findings
// ---------------------------------------------------------------------------

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
                      absl::string_view path) {
  return absl::StrCat(uscc, "@", year, ":", path);
}

// 「name」(USCC): a unit as messages name it.
std::string UnitLabel(const Unit& unit) {
  return absl::StrCat("「", unit.name, "」(", unit.uscc, ")");
}

class FindingSink {
 public:
  explicit FindingSink(int32_t year) : year_(year) {}

  void Add(const RuleSettings& rule, const Unit& unit, std::string field_path,
           FindingText text, std::vector<std::string> related = {}) {
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

  std::vector<v1::Finding> Take(const RuleCatalogue& catalogue) {
    std::stable_sort(findings_.begin(), findings_.end(),
                     [&catalogue](const v1::Finding& a, const v1::Finding& b) {
                       const size_t ia = catalogue.IndexOf(a.rule_id());
                       const size_t ib = catalogue.IndexOf(b.rule_id());
                       return std::tie(ia, a.unit_uscc(), a.field_path()) <
                              std::tie(ib, b.unit_uscc(), b.field_path());
                     });
    return std::move(findings_);
  }

 private:
  int32_t year_;
  std::vector<v1::Finding> findings_;
};

// Signed 万元 with an explicit "+" for increases, as the reports state
// changes: "+12.00万元", "-3.72万元".
std::string SignedWan(int64_t fen) {
  return fen > 0 ? absl::StrCat("+", Wan(fen)) : Wan(fen);
}

// a + b, or nullopt past int64.
std::optional<int64_t> Add(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return sum;
}

// round_half_up(a × b ÷ c) for c > 0, or nullopt past int64.
std::optional<int64_t> MulDiv(int64_t a, int64_t b, int64_t c) {
  if (c <= 0) return std::nullopt;
  const int128 num = static_cast<int128>(a) * b;
  const int128 q = num >= 0 ? (2 * num + c) / (2 * static_cast<int128>(c))
                            : -((-2 * num + c) / (2 * static_cast<int128>(c)));
  if (q > INT64_MAX || q < INT64_MIN) return std::nullopt;
  return static_cast<int64_t>(q);
}

int64_t CodePoints(absl::string_view text) {
  int64_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

// Removes white space (ASCII, U+00A0, U+3000) from a text.
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

// The characters an administrative division's name ends in.
constexpr absl::string_view kRegionSuffixes[] = {"省", "市", "区", "县",
                                                 "州", "盟", "旗"};

// Whether two normalised unit names name the same unit: equal, or equal but
// for a leading region qualifier that one of them adds ("岳阳市" +
// "岳阳楼区第一中学"). A longer name that adds anything else ("城东" +
// "第一中学", "第一中学" + "附属小学") is another unit.
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

// ---------------------------------------------------------------------------
// Robust statistics on integers
// ---------------------------------------------------------------------------

// Twice the median of `sorted` (non-empty): an integer for any count.
int128 Median2(const std::vector<int128>& sorted) {
  const size_t n = sorted.size();
  return n % 2 == 1 ? 2 * sorted[n / 2] : sorted[n / 2 - 1] + sorted[n / 2];
}

struct Spread {
  int128 median2 = 0;  // 2 × median
  int128 mad4 = 0;     // 4 × MAD
};

Spread SpreadOf(const std::vector<int64_t>& values) {
  std::vector<int128> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  Spread spread;
  spread.median2 = Median2(sorted);
  std::vector<int128> deviations2;  // |2x − 2m| = 2 |x − m|
  deviations2.reserve(sorted.size());
  for (int128 v : sorted) {
    const int128 d = 2 * v - spread.median2;
    deviations2.push_back(d < 0 ? -d : d);
  }
  std::sort(deviations2.begin(), deviations2.end());
  spread.mad4 = Median2(deviations2);  // 2 × median(2|x − m|) = 4 MAD
  return spread;
}

// |x − median| > k × 1.4826 × MAD with k = tolerance_bp / 10⁴, i.e.
// 2|2x − 2m| × 10⁸ > tolerance_bp × 14826 × 4 MAD, all in integers.
bool IsOutlier(int64_t value, const Spread& spread, int32_t tolerance_bp) {
  if (spread.mad4 <= 0) return false;
  int128 d2 = 2 * static_cast<int128>(value) - spread.median2;
  if (d2 < 0) d2 = -d2;
  return 2 * d2 * 100'000'000 > static_cast<int128>(std::max(tolerance_bp, 0)) *
                                    kMadFactor * spread.mad4;
}

// k × 1.4826 × MAD in the values' own unit, rounded down: the distance
// beyond which a value is an outlier, for messages.
int64_t Threshold(const Spread& spread, int32_t tolerance_bp) {
  const int128 t = static_cast<int128>(std::max(tolerance_bp, 0)) * kMadFactor *
                   spread.mad4 / (4 * static_cast<int128>(100'000'000));
  return t > INT64_MAX ? INT64_MAX : static_cast<int64_t>(t);
}

// The median, rounded half up (the median of an even count may end in .5).
int64_t Median(const Spread& spread) {
  const int128 m = spread.median2 >= 0 ? (spread.median2 + 1) / 2
                                       : -((-spread.median2 + 1) / 2);
  return static_cast<int64_t>(m);
}

int64_t Mad(const Spread& spread) {
  return static_cast<int64_t>((spread.mad4 + 2) / 4);
}

// ---------------------------------------------------------------------------
// The audit
// ---------------------------------------------------------------------------

class Audit {
 public:
  Audit(const AuditInput& input, const ConsistencyConfig& config,
        const AuditOptions& options)
      : input_(input), options_(options), book_(config), sink_(input.year) {}

  std::vector<v1::Finding> Run() {
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

 private:
  const RuleSettings* Rule(const char* id, const Unit& unit) {
    return book_.Get(id, unit.division);
  }

  // --- Setup ---------------------------------------------------------------

  void IndexTree() {
    for (const v1::OrgNode& node : input_.nodes) {
      node_by_code_.emplace(node.code(), &node);
      if (node.kind() == v1::NODE_KIND_UNIT ||
          node.kind() == v1::NODE_KIND_DEPARTMENT) {
        node_by_uscc_.emplace(node.uscc().empty() ? node.code() : node.uscc(),
                              &node);
      }
    }
  }

  void BuildUnits() {
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
    std::stable_sort(
        units_.begin(), units_.end(), [](const Unit& a, const Unit& b) {
          return std::tie(a.uscc, a.name) < std::tie(b.uscc, b.name);
        });
  }

  // --- U-01: one code, two units --------------------------------------------

  // A unit whose identity is in doubt is left out of the other rules whether
  // or not the config reports U-01: its other findings would repeat the
  // mistake either way.
  void CheckSameCode() {
    for (size_t i = 0; i < units_.size(); ++i) {
      Unit& unit = units_[i];
      if (unit.uscc.empty()) continue;
      const RuleSettings* rule = Rule("U-01", unit);
      if (unit.node != nullptr) {
        if (!SameUnitName(NormalizeUnitName(unit.node->name()),
                          unit.name_norm)) {
          unit.identity_doubt = true;
          if (rule == nullptr) continue;
          sink_.Add(
              *rule, unit, "unit.name",
              {unit.name, unit.node->name(), "",
               absl::StrCat("统一社会信用代码 ", unit.uscc, " 的", input_.year,
                            "年度包以「", unit.name,
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
               absl::StrCat("「", unit.name, "」(", unit.uscc, ") ",
                            input_.year, "年度包的行政区划代码 ", unit.division,
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

  // --- U-06: one name, two codes --------------------------------------------

  void CheckSameName() {
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

  // --- U-05: a department's project against its implementing units ---------

  // Splits a 实施单位 cell into names: "甲中学、乙中学" → {甲中学, 乙中学}.
  static std::vector<std::string> ImplementingNames(const std::string& text) {
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

  void CheckDepartmentProjects() {
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
            sum = Add(*sum, (a.*column.get)());
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
              part_names.size() == 1 && parts.size() == 1 ? "填报的"
                                                          : "填报之和",
              " ");
          std::string message;
          if (exact && named.size() == 1) {
            message =
                absl::StrCat(what, " ", Wan(value), " ≠ ", parts_text,
                             Wan(*sum), " (差 ", Wan(*difference),
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

  // --- U-02: one project in two packages -------------------------------------

  void CheckDuplicateProjects() {
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
                       Wan(a.executed_fen()), ") 与 ",
                       UnitLabel(*earlier->unit), " 的附件3「",
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
  bool Linked(const Unit& a, int ia, const Unit& b, int ib) const {
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

  // --- U-03, U-07, U-08: outliers among peers --------------------------------

  struct Metric {
    const char* rule_id;
    // The unit's value, or nullopt when it has none.
    std::optional<int64_t> (*value)(const Unit&);
    // The value as messages show it.
    std::string (*format)(int64_t);
    // A difference of two values as messages show it.
    std::string (*format_difference)(int64_t);
    // The least material distance from the median `median`, in the values'
    // unit, given the options.
    int64_t (*materiality)(int64_t median, const AuditOptions& options);
    // Only values above the median are findings.
    bool above_only;
    // The value's own figures, e.g. "公用经费 57.00万元 ÷ 实际在职人数 10人".
    std::string (*explain)(const Unit&);
    const char* what;
    const char* field_path;
  };

  static int64_t PublicFundsMateriality(int64_t median,
                                        const AuditOptions& options) {
    const std::optional<int64_t> share =
        MulDiv(median < 0 ? -median : median,
               options.public_funds_min_excess_bp, 10'000);
    return share.value_or(INT64_MAX);
  }
  static int64_t RateMateriality(int64_t, const AuditOptions& options) {
    return int64_t{options.execution_rate_min_deviation_bp} * 100;  // → ppm
  }
  static int64_t ScoreMateriality(int64_t, const AuditOptions& options) {
    return options.score_min_deviation_centipoints;
  }

  static std::optional<int64_t> PublicFundsPerStaff(const Unit& unit) {
    const v1::BasicDataTable& b = unit.package().basic_data();
    if (!b.staffing().has_actual_staff() || b.staffing().actual_staff() <= 0 ||
        !b.public_funds().total().has_final_fen()) {
      return std::nullopt;
    }
    return MulDiv(b.public_funds().total().final_fen(), 1,
                  b.staffing().actual_staff());
  }
  // Per-person fen shown as 万元 to two decimals.
  static std::string PerStaff(int64_t fen) {
    const std::optional<int64_t> rounded = MulDiv(fen, 1, 10'000);
    return absl::StrCat(Wan(rounded.has_value() ? *rounded * 10'000 : fen),
                        "/人");
  }
  static std::string ExplainPerStaff(const Unit& unit) {
    const v1::BasicDataTable& b = unit.package().basic_data();
    return absl::StrCat("附件1 公用经费 ",
                        Wan(b.public_funds().total().final_fen()),
                        " ÷ 实际在职人数 ", b.staffing().actual_staff(), "人");
  }

  // The execution rate in millionths (1% = 10,000), computed exactly.
  static std::optional<int64_t> ExecutionRate(const Unit& unit) {
    const v1::FundsColumns& a = unit.package().overall().funds().amounts();
    if (!a.has_executed_fen() || !a.has_full_year_budget_fen() ||
        a.full_year_budget_fen() <= 0 || a.executed_fen() < 0) {
      return std::nullopt;
    }
    return MulDiv(a.executed_fen(), 1'000'000, a.full_year_budget_fen());
  }
  static std::string RateText(int64_t millionths) {
    const std::optional<int64_t> bp = MulDiv(millionths, 1, 100);
    return FormatBasisPoints(bp.value_or(0));
  }
  static std::string RateDifference(int64_t millionths) {
    const std::optional<int64_t> bp = MulDiv(millionths, 1, 100);
    return PercentagePoints(bp.value_or(0));
  }
  static std::string ExplainRate(const Unit& unit) {
    const v1::FundsColumns& a = unit.package().overall().funds().amounts();
    return absl::StrCat("附件2 全年执行数 ", Wan(a.executed_fen()),
                        " ÷ 全年预算数 ", Wan(a.full_year_budget_fen()));
  }

  static std::optional<int64_t> SelfMinusComputed(const Unit& unit) {
    if (!unit.current->score.has_value()) return std::nullopt;
    const v1::ScoreCardSummary& s = *unit.current->score;
    return static_cast<int64_t>(s.self_graded_centipoints()) -
           s.graded_centipoints();
  }
  static std::string PointsText(int64_t centipoints) {
    return Points(centipoints);
  }
  static std::string ExplainScore(const Unit& unit) {
    const v1::ScoreCardSummary& s = *unit.current->score;
    return absl::StrCat("自评得分 ", Points(s.self_graded_centipoints()),
                        " − 复核得分 ", Points(s.graded_centipoints()));
  }

  void CheckOutliers() {
    static const Metric kMetrics[] = {
        {"U-03", &PublicFundsPerStaff, &PerStaff, &PerStaff,
         &PublicFundsMateriality, true, &ExplainPerStaff, "人均公用经费",
         "basic_data.public_funds.total.final_fen"},
        {"U-07", &ExecutionRate, &RateText, &RateDifference, &RateMateriality,
         false, &ExplainRate, "执行率", "overall.funds.execution_rate"},
        {"U-08", &SelfMinusComputed, &PointsText, &PointsText,
         &ScoreMateriality, true, &ExplainScore, "自评得分与复核得分之差",
         "overall.totals.self_score_centipoints"},
    };
    std::map<std::string, std::vector<const Unit*>> groups;
    for (const Unit& unit : units_) {
      if (!unit.identity_doubt && !unit.group.empty()) {
        groups[unit.group].push_back(&unit);
      }
    }
    for (const Metric& metric : kMetrics) {
      for (const auto& [group, members] : groups) {
        std::vector<const Unit*> judged;
        std::vector<int64_t> values;
        for (const Unit* u : members) {
          if (std::optional<int64_t> v = metric.value(*u)) {
            judged.push_back(u);
            values.push_back(*v);
          }
        }
        if (static_cast<int>(values.size()) < options_.min_peer_group ||
            values.empty()) {
          continue;
        }
        const Spread spread = SpreadOf(values);
        if (spread.mad4 <= 0) continue;
        for (size_t i = 0; i < judged.size(); ++i) {
          const Unit& unit = *judged[i];
          const RuleSettings* rule = Rule(metric.rule_id, unit);
          if (rule == nullptr ||
              !IsOutlier(values[i], spread, rule->tolerance_bp)) {
            continue;
          }
          const int64_t median = Median(spread);
          const std::optional<int64_t> difference =
              Difference(values[i], median);
          if (!difference.has_value()) continue;
          if (metric.above_only && *difference <= 0) continue;
          const int64_t distance = *difference < 0 ? -*difference : *difference;
          const int64_t material = metric.materiality(median, options_);
          if (distance < material) continue;
          const std::string k = FormatDecimal([&] {
            v1::Decimal d;
            d.set_units(rule->tolerance_bp);
            d.set_scale(4);
            return d;
          }());
          sink_.Add(
              *rule, unit, metric.field_path,
              {metric.format(values[i]),
               absl::StrCat("同级中位数 ", metric.format(median)),
               metric.format_difference(*difference),
               absl::StrCat(
                   metric.what, " ", metric.format(values[i]), " (",
                   metric.explain(unit), ") ",
                   *difference > 0 ? "高于" : "低于", unit.group_label, " ",
                   values.size(), " 家的中位数 ", metric.format(median), " 达 ",
                   metric.format_difference(distance), "，超过 ", StripZeros(k),
                   " × 1.4826 × MAD (MAD ",
                   metric.format_difference(Mad(spread)), ") = ",
                   metric.format_difference(
                       Threshold(spread, rule->tolerance_bp)),
                   "，也超过重要性界限 ", metric.format_difference(material))});
        }
      }
    }
  }

  // "3.5000" → "3.5", "4.0000" → "4".
  static std::string StripZeros(std::string decimal) {
    if (decimal.find('.') == std::string::npos) return decimal;
    while (!decimal.empty() && decimal.back() == '0') decimal.pop_back();
    if (!decimal.empty() && decimal.back() == '.') decimal.pop_back();
    return decimal;
  }

  // --- U-04: copied report sections -----------------------------------------

  void CheckCopiedSections() {
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

  // --- Y-01: the prior-year column against last year's filing ---------------

  struct RowCheck {
    std::string path;       // this year's row
    std::string last_path;  // last year's row
    std::string label;
    const v1::CostControlRow* now = nullptr;
    const v1::CostControlRow* last = nullptr;  // nullptr: no such row then
    std::vector<size_t> parts;                 // rows that add up to it
    std::optional<int64_t> difference;         // prior − last year's final
  };

  // The rows of `label`-matched repeated fields: last year's row of the same
  // label, when exactly one row has it in each year.
  static void AddRepeated(
      const google::protobuf::RepeatedPtrField<v1::CostControlRow>& now,
      const google::protobuf::RepeatedPtrField<v1::CostControlRow>& last,
      const std::string& path, std::vector<RowCheck>* rows,
      std::vector<size_t>* parts) {
    std::map<std::string, int> now_count, last_count;
    std::map<std::string, int> last_index;
    for (const auto& r : now) ++now_count[NormalizeUnitName(r.label())];
    for (int i = 0; i < last.size(); ++i) {
      const std::string label = NormalizeUnitName(last[i].label());
      ++last_count[label];
      last_index[label] = i;
    }
    for (int i = 0; i < now.size(); ++i) {
      const std::string label = NormalizeUnitName(now[i].label());
      RowCheck row;
      row.path = absl::StrCat(path, "[", i, "]");
      row.label = now[i].label();
      row.now = &now[i];
      if (now_count[label] == 1 && last_count[label] == 1) {
        row.last = &last[last_index[label]];
        row.last_path = absl::StrCat(path, "[", last_index[label], "]");
      } else if (now_count[label] > 1 || last_count[label] > 1) {
        row.label.clear();  // ambiguous: not compared
      }
      parts->push_back(rows->size());
      rows->push_back(std::move(row));
    }
  }

  void CheckPriorYearColumns(const Unit& unit) {
    const RuleSettings* rule = Rule("Y-01", unit);
    if (rule == nullptr) return;
    const v1::BasicDataTable& now = unit.package().basic_data();
    const v1::BasicDataTable& last = unit.prior->package.basic_data();
    std::vector<RowCheck> rows;
    auto fixed = [&](const std::string& path, const char* label,
                     const v1::CostControlRow& a, const v1::CostControlRow& b) {
      RowCheck row;
      row.path = path;
      row.last_path = path;
      row.label = label;
      row.now = &a;
      row.last = &b;
      rows.push_back(std::move(row));
      return rows.size() - 1;
    };
    const auto& t = now.three_public_expenses();
    const auto& lt = last.three_public_expenses();
    const std::string tp = "basic_data.three_public_expenses";
    const size_t three =
        fixed(tp + ".total", "三公经费", t.total(), lt.total());
    const size_t vehicles =
        fixed(tp + ".official_vehicles", "公务用车购置和维护经费",
              t.official_vehicles(), lt.official_vehicles());
    const size_t purchase = fixed(tp + ".vehicle_purchase", "公车购置",
                                  t.vehicle_purchase(), lt.vehicle_purchase());
    const size_t operation =
        fixed(tp + ".vehicle_operation", "公车运行维护", t.vehicle_operation(),
              lt.vehicle_operation());
    const size_t overseas = fixed(tp + ".overseas_travel", "出国经费",
                                  t.overseas_travel(), lt.overseas_travel());
    const size_t reception =
        fixed(tp + ".official_reception", "公务接待", t.official_reception(),
              lt.official_reception());
    rows[three].parts = {vehicles, overseas, reception};
    rows[vehicles].parts = {purchase, operation};

    const auto& ps = now.project_spending();
    const auto& lps = last.project_spending();
    const std::string pp = "basic_data.project_spending";
    const size_t project =
        fixed(pp + ".total", "项目支出", ps.total(), lps.total());
    std::vector<size_t> project_parts;
    project_parts.push_back(fixed(pp + ".operating_work_funds", "业务工作经费",
                                  ps.operating_work_funds(),
                                  lps.operating_work_funds()));
    project_parts.push_back(fixed(pp + ".operations_maintenance",
                                  "运行维护经费", ps.operations_maintenance(),
                                  lps.operations_maintenance()));
    AddRepeated(ps.other_lines(), lps.other_lines(), pp + ".other_lines", &rows,
                &project_parts);
    const size_t district = fixed(
        pp + ".district_special_funds_total", "区级专项资金",
        ps.district_special_funds_total(), lps.district_special_funds_total());
    project_parts.push_back(district);
    std::vector<size_t> district_parts;
    AddRepeated(ps.district_special_funds(), lps.district_special_funds(),
                pp + ".district_special_funds", &rows, &district_parts);
    const size_t transfers =
        fixed(pp + ".higher_transfers_total", "上级转移支付",
              ps.higher_transfers_total(), lps.higher_transfers_total());
    project_parts.push_back(transfers);
    std::vector<size_t> transfer_parts;
    AddRepeated(ps.higher_transfers(), lps.higher_transfers(),
                pp + ".higher_transfers", &rows, &transfer_parts);
    rows[project].parts = project_parts;
    rows[district].parts = district_parts;
    rows[transfers].parts = transfer_parts;

    const auto& pf = now.public_funds();
    const auto& lpf = last.public_funds();
    const std::string fp = "basic_data.public_funds";
    const size_t funds =
        fixed(fp + ".total", "公用经费", pf.total(), lpf.total());
    rows[funds].parts = {
        fixed(fp + ".office", "办公经费", pf.office(), lpf.office()),
        fixed(fp + ".utilities_travel", "水费、电费、差旅费",
              pf.utilities_travel(), lpf.utilities_travel()),
        fixed(fp + ".meetings_training", "会议费、培训费",
              pf.meetings_training(), lpf.meetings_training())};
    fixed("basic_data.government_procurement", "政府采购金额",
          now.government_procurement(), last.government_procurement());

    for (RowCheck& row : rows) {
      if (row.label.empty()) continue;
      const bool last_filed = row.last != nullptr && row.last->has_final_fen();
      if (!row.now->has_prior_year_final_fen()) {
        // Blank in both years agrees (a row the unit never fills); blank
        // against a figure cannot be told.
        if (!last_filed) row.difference = 0;
        continue;
      }
      const int64_t prior = row.now->prior_year_final_fen();
      if (row.last == nullptr) {
        // No such line last year: a prior-year figure of 0 agrees with that;
        // any other may be a renamed line, which cannot be told.
        if (prior == 0) row.difference = 0;
        continue;
      }
      if (!row.last->has_final_fen()) continue;
      row.difference = Difference(prior, row.last->final_fen());
    }
    const int32_t last_year = input_.year - 1;
    for (const RowCheck& row : rows) {
      if (!row.difference.has_value() || !row.now->has_prior_year_final_fen() ||
          WithinTolerance(*row.difference, 0, rule->tolerance_fen)) {
        continue;
      }
      // A total off by exactly its parts' differences: the parts say it.
      if (!row.parts.empty()) {
        std::optional<int64_t> parts_sum = 0;
        for (size_t part : row.parts) {
          if (!rows[part].difference.has_value() || !parts_sum.has_value()) {
            parts_sum.reset();
            break;
          }
          parts_sum = Add(*parts_sum, *rows[part].difference);
        }
        if (parts_sum.has_value() && *parts_sum == *row.difference) continue;
      }
      const int64_t prior = row.now->prior_year_final_fen();
      const int64_t filed = row.last->final_fen();
      const std::string column = absl::StrCat(last_year, "年决算数");
      sink_.Add(
          *rule, unit, row.path + ".prior_year_final_fen",
          {Wan(prior), Wan(filed), Wan(*row.difference),
           absl::StrCat("附件1 ", row.label, " ", column, " ", Wan(prior),
                        " ≠ ", last_year, "年度包所填", column, " ", Wan(filed),
                        " (差 ", Wan(*row.difference), ")")},
          {Elsewhere(unit.uscc, last_year, row.last_path + ".final_fen")});
    }
  }

  // --- Y-02, Y-03: stated changes against the two years --------------------

  // Checks one stated change: `stated` against `now` − `last`.
  void CheckChange(const RuleSettings& rule, const Unit& unit,
                   const std::string& path, const char* what,
                   std::optional<int64_t> stated, std::optional<int64_t> now,
                   std::optional<int64_t> last, const std::string& now_path,
                   const std::string& last_path) {
    if (!stated.has_value() || !now.has_value() || !last.has_value()) return;
    const std::optional<int64_t> expected = Difference(*now, *last);
    if (!expected.has_value()) return;
    const std::optional<int64_t> difference = Difference(*stated, *expected);
    if (!difference.has_value() ||
        WithinTolerance(*stated, *expected, rule.tolerance_fen)) {
      return;
    }
    const int32_t year = input_.year;
    std::vector<std::string> related;
    if (!now_path.empty()) related.push_back(now_path);
    if (!last_path.empty()) {
      related.push_back(Elsewhere(unit.uscc, year - 1, last_path));
    }
    sink_.Add(rule, unit, path,
              {SignedWan(*stated), SignedWan(*expected), Wan(*difference),
               absl::StrCat("报告 ", what, "较去年增减 ", SignedWan(*stated),
                            " ≠ ", year, "年 ", Wan(*now), " − ", year - 1,
                            "年 ", Wan(*last), " = ", SignedWan(*expected),
                            " (差 ", Wan(*difference), ")")},
              std::move(related));
  }

  void CheckIncomeChange(const Unit& unit) {
    const RuleSettings* rule = Rule("Y-02", unit);
    if (rule == nullptr) return;
    const v1::IncomeReport& now = unit.package().report().income();
    const v1::IncomeReport& last = unit.prior->package.report().income();
    using consistency_internal::Opt;
    CheckChange(*rule, unit, "report.income.change_from_prior_year_fen", "收入",
                Opt(now, &v1::IncomeReport::has_change_from_prior_year_fen,
                    &v1::IncomeReport::change_from_prior_year_fen),
                Opt(now, &v1::IncomeReport::has_total_fen,
                    &v1::IncomeReport::total_fen),
                Opt(last, &v1::IncomeReport::has_total_fen,
                    &v1::IncomeReport::total_fen),
                "report.income.total_fen", "report.income.total_fen");
  }

  // The amounts of a report's functions by code (or name, without a code);
  // blank amounts count 0. Empty when the report lists no function.
  static std::map<std::string, int64_t> ByFunction(
      const v1::ExpenditureReport& report, bool* overflow) {
    std::map<std::string, int64_t> amounts;
    for (const v1::FunctionalSpending& f : report.by_function()) {
      const std::string key = FunctionKey(f);
      std::optional<int64_t> sum = Add(amounts[key], f.amount_fen());
      if (!sum.has_value()) {
        *overflow = true;
        return {};
      }
      amounts[key] = *sum;
    }
    return amounts;
  }

  static std::string FunctionKey(const v1::FunctionalSpending& f) {
    return f.code().empty() ? absl::StrCat("name:", NormalizeUnitName(f.name()))
                            : f.code();
  }

  void CheckExpenditureChanges(const Unit& unit) {
    const RuleSettings* rule = Rule("Y-03", unit);
    if (rule == nullptr) return;
    using consistency_internal::Opt;
    using R = v1::ExpenditureReport;
    const v1::SelfEvaluationReport& now = unit.package().report();
    const v1::SelfEvaluationReport& last = unit.prior->package.report();
    struct Section {
      const R& now;
      const R& last;
      const char* path;
      const char* what;
      bool with_parts;  // basic and project changes are stated here
    };
    const Section sections[] = {
        {now.expenditure(), last.expenditure(), "report.expenditure", "支出",
         true},
        {now.general_public_budget_expenditure(),
         last.general_public_budget_expenditure(),
         "report.general_public_budget_expenditure", "一般公共预算拨款支出",
         false},
    };
    for (const Section& s : sections) {
      const std::string path = s.path;
      CheckChange(*rule, unit, path + ".change_from_prior_year_fen", s.what,
                  Opt(s.now, &R::has_change_from_prior_year_fen,
                      &R::change_from_prior_year_fen),
                  Opt(s.now, &R::has_total_fen, &R::total_fen),
                  Opt(s.last, &R::has_total_fen, &R::total_fen),
                  path + ".total_fen", path + ".total_fen");
      if (s.with_parts) {
        using B = v1::BasicSpendingReport;
        using P = v1::ProjectSpendingReport;
        CheckChange(
            *rule, unit, path + ".basic_change_from_prior_year_fen", "基本支出",
            Opt(s.now, &R::has_basic_change_from_prior_year_fen,
                &R::basic_change_from_prior_year_fen),
            Opt(now.basic_spending(), &B::has_total_fen, &B::total_fen),
            Opt(last.basic_spending(), &B::has_total_fen, &B::total_fen),
            "report.basic_spending.total_fen",
            "report.basic_spending.total_fen");
        CheckChange(
            *rule, unit, path + ".project_change_from_prior_year_fen",
            "项目支出",
            Opt(s.now, &R::has_project_change_from_prior_year_fen,
                &R::project_change_from_prior_year_fen),
            Opt(now.project_spending(), &P::has_total_fen, &P::total_fen),
            Opt(last.project_spending(), &P::has_total_fen, &P::total_fen),
            "report.project_spending.total_fen",
            "report.project_spending.total_fen");
      }
      if (s.last.by_function_size() == 0) continue;
      bool overflow = false;
      const std::map<std::string, int64_t> now_amounts =
          ByFunction(s.now, &overflow);
      const std::map<std::string, int64_t> last_amounts =
          ByFunction(s.last, &overflow);
      if (overflow) continue;
      for (int i = 0; i < s.now.by_function_size(); ++i) {
        const v1::FunctionalSpending& f = s.now.by_function(i);
        if (!f.has_change_from_prior_year_fen()) continue;
        const std::string key = FunctionKey(f);
        auto last_it = last_amounts.find(key);
        const std::string name = absl::StrCat(
            s.what, " ", f.code().empty() ? "" : f.code(),
            f.code().empty() || f.name().empty() ? "" : " ", f.name(), " ");
        CheckChange(*rule, unit,
                    absl::StrCat(path, ".by_function[", i,
                                 "].change_from_prior_year_fen"),
                    name.c_str(), f.change_from_prior_year_fen(),
                    now_amounts.at(key),
                    last_it == last_amounts.end() ? 0 : last_it->second,
                    absl::StrCat(path, ".by_function[", i, "].amount_fen"), "");
      }
    }
  }

  // --- Y-04: targets kept after over-achievement
  // ------------------------------

  // As the scorer reads a cell: its text, else a parsed value sent alone.
  static v1::ParsedIndicatorValue Read(const v1::IndicatorValue& value) {
    if (value.text().empty() &&
        value.parsed().kind() != v1::ParsedIndicatorValue::KIND_UNSPECIFIED) {
      return value.parsed();
    }
    return ParseIndicatorValue(value.text());
  }

  // Higher-is-better as the package rules read it (indicator_rules.cc): the
  // form's direction, else the comparator, else all but cost indicators.
  static bool HigherIsBetter(const v1::Level3Indicator& l3,
                             v1::Level2Category category,
                             v1::Comparator comparator) {
    switch (l3.direction()) {
      case v1::HIGHER_IS_BETTER:
        return true;
      case v1::LOWER_IS_BETTER:
      case v1::QUALITATIVE:
        return false;
      default:
        break;
    }
    switch (comparator) {
      case v1::COMPARATOR_GE:
      case v1::COMPARATOR_GT:
        return true;
      case v1::COMPARATOR_LE:
      case v1::COMPARATOR_LT:
      case v1::COMPARATOR_EQ:
        return false;
      default:
        break;
    }
    return category != v1::LEVEL2_COST;
  }

  struct IndicatorRef {
    const v1::Level3Indicator* l3;
    v1::Level2Category category;
    std::string path;
  };

  // The level-3 indicators of a table keyed by (category, name); names that
  // occur twice are left out (they cannot be matched).
  static std::map<std::pair<int, std::string>, IndicatorRef> Indicators(
      const google::protobuf::RepeatedPtrField<v1::Level1Indicator>& tree,
      const std::string& path) {
    std::map<std::pair<int, std::string>, IndicatorRef> out;
    std::set<std::pair<int, std::string>> twice;
    for (int i = 0; i < tree.size(); ++i) {
      for (int j = 0; j < tree[i].level2_size(); ++j) {
        const v1::Level2Indicator& l2 = tree[i].level2(j);
        for (int k = 0; k < l2.indicators_size(); ++k) {
          std::pair<int, std::string> key{
              l2.category(), NormalizeUnitName(l2.indicators(k).name())};
          if (key.second.empty()) continue;
          if (!out.emplace(key,
                           IndicatorRef{&l2.indicators(k), l2.category(),
                                        absl::StrCat(path, ".indicators[", i,
                                                     "].level2[", j,
                                                     "].indicators[", k, "]")})
                   .second) {
            twice.insert(key);
          }
        }
      }
    }
    for (const auto& key : twice) out.erase(key);
    return out;
  }

  void CheckTargetsKept(const Unit& unit) {
    const RuleSettings* rule = Rule("Y-04", unit);
    if (rule == nullptr || rule->tolerance_bp <= 0) return;
    const v1::EvaluationPackage& now = unit.package();
    const v1::EvaluationPackage& last = unit.prior->package;
    struct TablePair {
      const google::protobuf::RepeatedPtrField<v1::Level1Indicator>* now;
      const google::protobuf::RepeatedPtrField<v1::Level1Indicator>* last;
      std::string path;
      std::string label;
    };
    std::vector<TablePair> tables = {{&now.overall().indicators(),
                                      &last.overall().indicators(), "overall",
                                      "附件2"}};
    std::map<std::string, int> last_projects;
    std::set<std::string> twice;
    for (int i = 0; i < last.projects_size(); ++i) {
      const std::string name = NormalizeUnitName(last.projects(i).name());
      if (!last_projects.emplace(name, i).second) twice.insert(name);
    }
    std::map<std::string, int> now_count;
    for (const auto& p : now.projects())
      ++now_count[NormalizeUnitName(p.name())];
    for (int i = 0; i < now.projects_size(); ++i) {
      const std::string name = NormalizeUnitName(now.projects(i).name());
      auto it = last_projects.find(name);
      if (name.empty() || it == last_projects.end() || twice.count(name) > 0 ||
          now_count[name] > 1) {
        continue;
      }
      tables.push_back({&now.projects(i).indicators(),
                        &last.projects(it->second).indicators(),
                        absl::StrCat("projects[", i, "]"),
                        absl::StrCat("附件3「", now.projects(i).name(), "」")});
    }
    using Parsed = v1::ParsedIndicatorValue;
    for (const TablePair& table : tables) {
      const auto now_lines = Indicators(*table.now, table.path);
      const auto last_lines = Indicators(*table.last, table.path);
      for (const auto& [key, line] : now_lines) {
        auto it = last_lines.find(key);
        if (it == last_lines.end()) continue;
        const IndicatorRef& before = it->second;
        const Parsed last_target = Read(before.l3->target());
        const Parsed last_actual = Read(before.l3->actual());
        const Parsed target = Read(line.l3->target());
        if (last_target.kind() != Parsed::QUANTITY ||
            last_actual.kind() != Parsed::QUANTITY ||
            target.kind() != Parsed::QUANTITY ||
            last_target.unit() != last_actual.unit() ||
            target.unit() != last_target.unit() ||
            target.comparator() != last_target.comparator() ||
            CompareDecimal(target.number(), last_target.number()) != 0 ||
            !HigherIsBetter(*before.l3, before.category,
                            last_target.comparator())) {
          continue;
        }
        const v1::Decimal& t = last_target.number();
        if (t.units() <= 0 || t.scale() < 0 || t.scale() > kMaxDecimalScale) {
          continue;
        }
        int64_t threshold_units = 0;
        if (__builtin_mul_overflow(t.units(), int64_t{rule->tolerance_bp},
                                   &threshold_units)) {
          continue;
        }
        v1::Decimal threshold;
        threshold.set_units(threshold_units);
        threshold.set_scale(t.scale() + 4);
        if (CompareDecimal(last_actual.number(), threshold) < 0) continue;
        const absl::StatusOr<int64_t> share =
            RatioScaled(last_actual.number(), t, 10000);
        const std::string share_text =
            share.ok() ? FormatBasisPoints(*share) : std::string("远超");
        const int32_t year = input_.year;
        sink_.Add(
            *rule, unit, line.path + ".target",
            {line.l3->target().text(),
             absl::StrCat("> ", before.l3->actual().text()), "",
             absl::StrCat(table.label, "「", line.l3->name(), "」", year - 1,
                          "年实际完成值 ", before.l3->actual().text(),
                          " 为年度指标值 ", before.l3->target().text(), " 的 ",
                          share_text, " (达到 ",
                          FormatBasisPoints(rule->tolerance_bp), ")，", year,
                          "年年度指标值仍为 ", line.l3->target().text(),
                          "：目标未随上年完成情况调整")},
            {Elsewhere(unit.uscc, year - 1, before.path + ".actual")});
      }
    }
  }

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

}  // namespace

std::string NormalizeUnitName(const std::string& name) {
  const std::string compact = WithoutSpaces(name);
  std::string out;
  out.reserve(compact.size());
  for (size_t i = 0; i < compact.size();) {
    // （ U+FF08 = EF BC 88, ） U+FF09 = EF BC 89.
    if (compact.compare(i, 3, "\xEF\xBC\x88") == 0) {
      out.push_back('(');
      i += 3;
    } else if (compact.compare(i, 3, "\xEF\xBC\x89") == 0) {
      out.push_back(')');
      i += 3;
    } else {
      out.push_back(compact[i++]);
    }
  }
  return out;
}

std::vector<bool> RobustOutliers(const std::vector<int64_t>& values,
                                 int32_t tolerance_bp, int min_group,
                                 int64_t* median2, int64_t* mad4) {
  std::vector<bool> out(values.size(), false);
  if (values.empty()) return out;
  const Spread spread = SpreadOf(values);
  auto clamp = [](int128 v) {
    return static_cast<int64_t>(std::clamp<int128>(v, INT64_MIN, INT64_MAX));
  };
  if (median2 != nullptr) *median2 = clamp(spread.median2);
  if (mad4 != nullptr) *mad4 = clamp(spread.mad4);
  if (static_cast<int>(values.size()) < min_group || spread.mad4 <= 0) {
    return out;
  }
  for (size_t i = 0; i < values.size(); ++i) {
    out[i] = IsOutlier(values[i], spread, tolerance_bp);
  }
  return out;
}

std::vector<v1::Finding> RunAuditRules(const AuditInput& input,
                                       const ConsistencyConfig& config,
                                       const AuditOptions& options) {
  return Audit(input, config, options).Run();
}

}  // namespace budgetperf
