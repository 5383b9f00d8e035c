#include "services/consistency/check_context.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/money/money.h"
#include "common/money/points.h"
#include "common/money/rate.h"

namespace budgetperf {
namespace consistency_internal {

RuleTable ResolvePackageRules(const ConsistencyConfig& config,
                              absl::string_view division_code) {
  RuleTable rules;
  for (const v1::RuleDescriptor& rule : config.catalogue().rules()) {
    const v1::RuleScope scope = rule.scope();
    if (scope != v1::RULE_SCOPE_PACKAGE &&
        scope != v1::RULE_SCOPE_CROSS_TABLE &&
        scope != v1::RULE_SCOPE_REPORT_VS_TABLE) {
      continue;
    }
    absl::StatusOr<RuleSettings> settings =
        config.EffectiveRule(rule.id(), division_code);
    if (settings.ok() && settings->enabled) rules.emplace(rule.id(), *settings);
  }
  return rules;
}

CheckContext::CheckContext(const v1::EvaluationPackage& package,
                           const ConsistencyConfig& config,
                           std::string division_code)
    : package_(package),
      config_(config),
      division_code_(std::move(division_code)),
      // Resolve every package-level rule once, not once per cell.
      rules_(std::make_shared<const RuleTable>(
          ResolvePackageRules(config_, division_code_))) {}

CheckContext::CheckContext(const v1::EvaluationPackage& package,
                           const ConsistencyConfig& config,
                           std::string division_code,
                           std::shared_ptr<const RuleTable> rules)
    : package_(package),
      config_(config),
      division_code_(std::move(division_code)),
      rules_(std::move(rules)) {}

const RuleSettings* CheckContext::Rule(absl::string_view rule_id) const {
  auto it = rules_->find(rule_id);
  return it == rules_->end() ? nullptr : &it->second;
}

void CheckContext::Add(const RuleSettings& rule, std::string field_path,
                       FindingText text, std::vector<std::string> related) {
  v1::Finding finding;
  finding.set_rule_id(rule.descriptor->id());
  finding.set_severity(rule.severity);
  finding.set_scope(rule.descriptor->scope());
  finding.set_unit_uscc(package_.unit().uscc());
  finding.set_unit_name(package_.unit().name());
  finding.set_year(package_.year());
  finding.set_field_path(std::move(field_path));
  finding.set_value_found(std::move(text.found));
  finding.set_value_expected(std::move(text.expected));
  finding.set_difference(std::move(text.difference));
  finding.set_message(std::move(text.message));
  for (std::string& path : related)
    finding.add_related_field_paths(std::move(path));
  finding.set_division_code(division_code_);
  findings_.push_back(std::move(finding));
}

std::vector<v1::Finding> CheckContext::TakeFindings() {
  const RuleCatalogue& catalogue = config_.catalogue();
  std::stable_sort(findings_.begin(), findings_.end(),
                   [&catalogue](const v1::Finding& a, const v1::Finding& b) {
                     return catalogue.IndexOf(a.rule_id()) <
                            catalogue.IndexOf(b.rule_id());
                   });
  return std::move(findings_);
}

std::string CheckContext::ColumnName(int year_offset,
                                     absl::string_view what) const {
  if (package_.year() > 0) {
    return absl::StrCat(package_.year() + year_offset, "年", what);
  }
  return absl::StrCat(year_offset < 0 ? "上年" : "本年", what);
}

std::string Wan(int64_t fen) {
  return absl::StrCat(FormatWanYuan(fen), "万元");
}

std::string Percent(int64_t basis_points) {
  return FormatBasisPoints(basis_points);
}

std::string FiledRateText(const v1::FiledRate& rate) {
  if (!rate.text().empty()) return rate.text();
  return FormatBasisPoints(rate.basis_points());
}

std::string PercentagePoints(int64_t basis_points) {
  std::string text = FormatBasisPoints(basis_points);
  text.pop_back();  // the '%'
  return absl::StrCat(text, "个百分点");
}

std::string Points(int64_t centipoints) {
  return absl::StrCat(FormatWeight(centipoints), "分");
}

std::string ProjectLabel(const v1::EvaluationPackage& package, int index) {
  if (index < 0 || index >= package.projects_size()) return "附件3";
  const std::string& name = package.projects(index).name();
  if (name.empty()) return absl::StrCat("附件3 第", index + 1, "张表");
  return absl::StrCat("附件3「", name, "」");
}

std::vector<SelfEvaluationTable> SelfEvaluationTables(
    const v1::EvaluationPackage& package) {
  std::vector<SelfEvaluationTable> tables;
  const v1::OverallSelfEvaluation& overall = package.overall();
  tables.push_back({"overall", "附件2", &overall.funds(), &overall.indicators(),
                    &overall.totals()});
  for (int i = 0; i < package.projects_size(); ++i) {
    const v1::ProjectSelfEvaluation& p = package.projects(i);
    tables.push_back({absl::StrCat("projects[", i, "]"),
                      ProjectLabel(package, i), &p.funds(), &p.indicators(),
                      &p.totals()});
  }
  return tables;
}

bool WithinTolerance(int64_t a, int64_t b, int64_t tolerance) {
  __int128 d = static_cast<__int128>(a) - b;
  if (d < 0) d = -d;
  return d <= tolerance;
}

std::optional<int64_t> Difference(int64_t a, int64_t b) {
  int64_t d = 0;
  if (__builtin_sub_overflow(a, b, &d)) return std::nullopt;
  return d;
}

SumVerdict CompareWithParts(std::optional<int64_t> total,
                            const std::vector<Part>& parts, PartsKind kind,
                            int64_t tolerance, int64_t* sum) {
  *sum = 0;
  bool any_filed = false;
  bool any_blank = false;
  for (const Part& part : parts) {
    if (!part.fen.has_value()) {
      any_blank = true;
      continue;
    }
    any_filed = true;
    if (__builtin_add_overflow(*sum, *part.fen, sum))
      return SumVerdict::kCannotTell;
  }
  if (!total.has_value() || !any_filed) return SumVerdict::kCannotTell;
  if (!Difference(*total, *sum).has_value()) return SumVerdict::kCannotTell;
  if (WithinTolerance(*total, *sum, tolerance)) return SumVerdict::kAgree;
  // Blank parts can only add (amounts on these forms are not negative), so a
  // filed sum above the total is wrong whatever the blanks hold.
  if (*sum > *total) {
    return kind == PartsKind::kExact && !any_blank ? SumVerdict::kDiffers
                                                   : SumVerdict::kPartsExceed;
  }
  if (kind == PartsKind::kSubset) return SumVerdict::kAgree;
  return any_blank ? SumVerdict::kShortWithBlanks : SumVerdict::kDiffers;
}

SumVerdict CheckTotal(CheckContext& ctx, const RuleSettings& rule,
                      const std::string& total_path,
                      std::optional<int64_t> total,
                      const std::vector<Part>& parts, PartsKind kind,
                      absl::string_view what, absl::string_view parts_name) {
  int64_t sum = 0;
  const SumVerdict verdict =
      CompareWithParts(total, parts, kind, rule.tolerance_fen, &sum);
  if (verdict != SumVerdict::kDiffers && verdict != SumVerdict::kPartsExceed) {
    return verdict;
  }
  const int64_t difference = *total - sum;  // checked by CompareWithParts
  std::vector<std::string> related;
  for (const Part& part : parts) {
    if (part.fen.has_value()) related.push_back(part.path);
  }
  const bool exceed = verdict == SumVerdict::kPartsExceed;
  FindingText text;
  text.found = Wan(*total);
  text.expected = Wan(sum);
  text.difference = Wan(difference);
  text.message =
      absl::StrCat(what, " ", Wan(*total), exceed ? " < " : " ≠ ",
                   exceed && kind == PartsKind::kExact ? "已填" : "",
                   parts_name, " ", Wan(sum), " (差 ", Wan(difference), ")");
  ctx.Add(rule, total_path, std::move(text), std::move(related));
  return verdict;
}

bool CheckEqual(CheckContext& ctx, const RuleSettings& rule,
                const std::string& path_a, int64_t a, absl::string_view what_a,
                const std::string& path_b, int64_t b,
                absl::string_view what_b) {
  const std::optional<int64_t> difference = Difference(a, b);
  if (!difference.has_value() || WithinTolerance(a, b, rule.tolerance_fen)) {
    return false;
  }
  FindingText text;
  text.found = Wan(a);
  text.expected = Wan(b);
  text.difference = Wan(*difference);
  text.message = absl::StrCat(what_a, " ", Wan(a), " ≠ ", what_b, " ", Wan(b),
                              " (差 ", Wan(*difference), ")");
  ctx.Add(rule, path_a, std::move(text), {path_b});
  return true;
}

std::optional<FiledRateValue> ReadFiledRate(const v1::FiledRate& rate) {
  if (!rate.text().empty()) {
    absl::StatusOr<ParsedRate> parsed = ParseFiledRate(rate.text());
    if (!parsed.ok()) return std::nullopt;
    return FiledRateValue{parsed->basis_points, parsed->decimals};
  }
  // Blank and 0 cannot be told apart without text; a 0 rate with no text is
  // taken as blank rather than flagged.
  if (rate.basis_points() == 0) return std::nullopt;
  return FiledRateValue{rate.basis_points(), std::clamp(rate.decimals(), 0, 2)};
}

bool CheckRate(CheckContext& ctx, const RuleSettings& rule,
               const std::string& path, const v1::FiledRate& rate,
               int64_t numerator, int64_t denominator, absl::string_view what,
               absl::string_view formula, std::vector<std::string> related,
               absl::string_view hint) {
  const std::optional<FiledRateValue> filed = ReadFiledRate(rate);
  if (!filed.has_value() || denominator <= 0) return false;
  if (FiledRateAgrees(filed->basis_points, filed->decimals, numerator,
                      denominator)) {
    return false;
  }
  const absl::StatusOr<int64_t> computed =
      RateBasisPoints(numerator, denominator);
  if (!computed.ok()) return false;
  if (rule.tolerance_bp > 0 &&
      WithinTolerance(filed->basis_points, *computed, rule.tolerance_bp)) {
    return false;
  }
  const std::optional<int64_t> difference_or =
      Difference(filed->basis_points, *computed);
  if (!difference_or.has_value()) return false;
  const int64_t difference = *difference_or;
  FindingText text;
  text.found = FiledRateText(rate);
  text.expected = Percent(*computed);
  text.difference = PercentagePoints(difference);
  text.message =
      absl::StrCat(what, " 填报 ", text.found, " ≠ ", formula, " = ",
                   text.expected, " (差 ", text.difference, ")", hint);
  ctx.Add(rule, path, std::move(text), std::move(related));
  return true;
}

}  // namespace consistency_internal
}  // namespace budgetperf
