// The peer rules of the audit: outliers among peers by median and MAD
// (robust_stats.h).
//
//   U-03  public funds per staff member (附件1 公用经费 本年决算数
//         ÷ 实际在职人数), above its peers (spending less per head is no
//         finding),
//   U-07  execution rate (附件2 全年执行数 ÷ 全年预算数, computed, not as
//         filed), above or below,
//   U-08  self-score minus computed score (the scorecard's
//         self_graded − graded, both after the profile's weight policy),
//         above (a self-assessment more generous than the peers'):
//         outliers among peers by median and MAD. Peers: the units of the
//         same supervising department (the tree's parent, else the package's
//         主管部门); the departments' own packages form one group of their
//         own. Only groups with at least AuditOptions::min_peer_group values
//         and MAD > 0 are judged; a value is an outlier when
//         |x − median| > k × 1.4826 × MAD, k = tolerance_bp / 10000 (35000:
//         3.5), and the distance is also material (AuditOptions: twice the
//         median per staff member, 10 percentage points of execution rate,
//         5 points of score). Values are integers (fen per person; the rate
//         in millionths; centipoints) and the test is done in 128-bit
//         integers, so no floating point decides a finding.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/indicator/decimal.h"
#include "common/money/rate.h"
#include "services/consistency/audit_context.h"
#include "services/consistency/check_context.h"
#include "services/consistency/robust_stats.h"

namespace budgetperf {
namespace audit_internal {
namespace {

using consistency_internal::Difference;
using consistency_internal::PercentagePoints;
using consistency_internal::Points;
using consistency_internal::Wan;

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

int64_t PublicFundsMateriality(int64_t median, const AuditOptions& options) {
  const std::optional<int64_t> share =
      MulDiv(median < 0 ? -median : median, options.public_funds_min_excess_bp,
             10'000);
  return share.value_or(INT64_MAX);
}
int64_t RateMateriality(int64_t, const AuditOptions& options) {
  return int64_t{options.execution_rate_min_deviation_bp} * 100;  // → ppm
}
int64_t ScoreMateriality(int64_t, const AuditOptions& options) {
  return options.score_min_deviation_centipoints;
}

std::optional<int64_t> PublicFundsPerStaff(const Unit& unit) {
  const v1::BasicDataTable& b = unit.package().basic_data();
  if (!b.staffing().has_actual_staff() || b.staffing().actual_staff() <= 0 ||
      !b.public_funds().total().has_final_fen()) {
    return std::nullopt;
  }
  return MulDiv(b.public_funds().total().final_fen(), 1,
                b.staffing().actual_staff());
}
// Per-person fen shown as 万元 to two decimals.
std::string PerStaff(int64_t fen) {
  const std::optional<int64_t> rounded = MulDiv(fen, 1, 10'000);
  return absl::StrCat(Wan(rounded.has_value() ? *rounded * 10'000 : fen),
                      "/人");
}
std::string ExplainPerStaff(const Unit& unit) {
  const v1::BasicDataTable& b = unit.package().basic_data();
  return absl::StrCat("附件1 公用经费 ",
                      Wan(b.public_funds().total().final_fen()),
                      " ÷ 实际在职人数 ", b.staffing().actual_staff(), "人");
}

// The execution rate in millionths (1% = 10,000), computed exactly.
std::optional<int64_t> ExecutionRate(const Unit& unit) {
  const v1::FundsColumns& a = unit.package().overall().funds().amounts();
  if (!a.has_executed_fen() || !a.has_full_year_budget_fen() ||
      a.full_year_budget_fen() <= 0 || a.executed_fen() < 0) {
    return std::nullopt;
  }
  return MulDiv(a.executed_fen(), 1'000'000, a.full_year_budget_fen());
}
std::string RateText(int64_t millionths) {
  const std::optional<int64_t> bp = MulDiv(millionths, 1, 100);
  return FormatBasisPoints(bp.value_or(0));
}
std::string RateDifference(int64_t millionths) {
  const std::optional<int64_t> bp = MulDiv(millionths, 1, 100);
  return PercentagePoints(bp.value_or(0));
}
std::string ExplainRate(const Unit& unit) {
  const v1::FundsColumns& a = unit.package().overall().funds().amounts();
  return absl::StrCat("附件2 全年执行数 ", Wan(a.executed_fen()),
                      " ÷ 全年预算数 ", Wan(a.full_year_budget_fen()));
}

std::optional<int64_t> SelfMinusComputed(const Unit& unit) {
  if (!unit.current->score.has_value()) return std::nullopt;
  const v1::ScoreCardSummary& s = *unit.current->score;
  return static_cast<int64_t>(s.self_graded_centipoints()) -
         s.graded_centipoints();
}
std::string PointsText(int64_t centipoints) { return Points(centipoints); }
std::string ExplainScore(const Unit& unit) {
  const v1::ScoreCardSummary& s = *unit.current->score;
  return absl::StrCat("自评得分 ", Points(s.self_graded_centipoints()),
                      " − 复核得分 ", Points(s.graded_centipoints()));
}

// "3.5000" → "3.5", "4.0000" → "4".
std::string StripZeros(std::string decimal) {
  if (decimal.find('.') == std::string::npos) return decimal;
  while (!decimal.empty() && decimal.back() == '0') decimal.pop_back();
  if (!decimal.empty() && decimal.back() == '.') decimal.pop_back();
  return decimal;
}

}  // namespace

// --- U-03, U-07, U-08: outliers among peers ---------------------------------

void Audit::CheckOutliers() {
  static const Metric kMetrics[] = {
      {"U-03", &PublicFundsPerStaff, &PerStaff, &PerStaff,
       &PublicFundsMateriality, true, &ExplainPerStaff, "人均公用经费",
       "basic_data.public_funds.total.final_fen"},
      {"U-07", &ExecutionRate, &RateText, &RateDifference, &RateMateriality,
       false, &ExplainRate, "执行率", "overall.funds.execution_rate"},
      {"U-08", &SelfMinusComputed, &PointsText, &PointsText, &ScoreMateriality,
       true, &ExplainScore, "自评得分与复核得分之差",
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
        const std::optional<int64_t> difference = Difference(values[i], median);
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
                 metric.explain(unit), ") ", *difference > 0 ? "高于" : "低于",
                 unit.group_label, " ", values.size(), " 家的中位数 ",
                 metric.format(median), " 达 ",
                 metric.format_difference(distance), "，超过 ", StripZeros(k),
                 " × 1.4826 × MAD (MAD ", metric.format_difference(Mad(spread)),
                 ") = ",
                 metric.format_difference(
                     Threshold(spread, rule->tolerance_bp)),
                 "，也超过重要性界限 ", metric.format_difference(material))});
      }
    }
  }
}

}  // namespace audit_internal
}  // namespace budgetperf
