#include "services/scoring/scorer.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/indicator/decimal.h"
#include "common/indicator/indicator_value.h"
#include "common/money/money.h"
#include "common/money/rate.h"
#include "common/status/status_macros.h"
#include "services/scoring/profile_registry.h"

namespace budgetperf {
namespace {

using Parsed = v1::ParsedIndicatorValue;

constexpr int64_t kHundredPoints = 10000;  // centipoints
constexpr int64_t kFullShareBp = 10000;    // 100% in basis points

// What the scorer needs besides the line itself.
struct Context {
  const v1::ScoringProfile* profile;
  int32_t package_year;
};

int64_t Clamp(int64_t v, int64_t lo, int64_t hi) {
  return std::min(std::max(v, lo), hi);
}

int64_t SelfOrZero(const v1::ScoreLine& line) {
  return line.has_self_score_centipoints() ? line.self_score_centipoints() : 0;
}

std::string D(const v1::Decimal& d) { return FormatDecimal(d); }

std::string Level1DefaultName(v1::Level1Category category) {
  switch (category) {
    case v1::LEVEL1_OUTPUT:
      return "产出指标";
    case v1::LEVEL1_BENEFIT:
      return "效益指标";
    case v1::LEVEL1_SATISFACTION:
      return "满意度指标";
    default:
      return "一级指标";
  }
}

int32_t ProfileWeight(const v1::ScoringProfile& profile,
                      v1::Level1Category category) {
  switch (category) {
    case v1::LEVEL1_OUTPUT:
      return profile.output_weight_centipoints();
    case v1::LEVEL1_BENEFIT:
      return profile.benefit_weight_centipoints();
    case v1::LEVEL1_SATISFACTION:
      return profile.satisfaction_weight_centipoints();
    default:
      return 0;
  }
}

// The cell read from its text. A client that sent only a parsed value (no
// text) is taken at its word; otherwise the text is the truth, as filed.
Parsed Read(const v1::IndicatorValue& value) {
  if (value.text().empty() &&
      value.parsed().kind() != Parsed::KIND_UNSPECIFIED) {
    return value.parsed();
  }
  return ParseIndicatorValue(value.text());
}

// Sets the line's score and the gap; the one place computed scores are
// written, so the 0..weight bound holds for every rule.
void SetComputed(int64_t computed, v1::ScoreLine* line) {
  const int64_t bounded = Clamp(computed, 0, line->weight_centipoints());
  line->set_computed_centipoints(static_cast<int32_t>(bounded));
  line->set_gap_centipoints(static_cast<int32_t>(SelfOrZero(*line) - bounded));
}

// Keeps the self-score (within 0..weight) because the line cannot be
// re-scored, and says why.
void NotRescorable(std::string reason, v1::ScoreLine* line) {
  line->set_rule(v1::RULE_NOT_RESCORABLE);
  const int64_t weight = line->weight_centipoints();
  std::string kept;
  int64_t computed = 0;
  if (!line->has_self_score_centipoints()) {
    kept = "no self-score to keep → 0.00";
  } else {
    const int64_t self = line->self_score_centipoints();
    computed = Clamp(self, 0, weight);
    kept = computed == self
               ? absl::StrCat("self-score ", FormatWeight(self), " kept")
               : absl::StrCat("self-score ", FormatWeight(self),
                              " outside 0–", FormatWeight(weight), " → ",
                              FormatCentipoints(computed));
  }
  line->set_explanation(
      absl::StrCat("not re-scorable: ", reason, "; ", kept));
  line->set_not_rescorable_reason(std::move(reason));
  SetComputed(computed, line);
}

// d.units × 10^(scale − d.scale), for scale ≥ d.scale; false on overflow.
bool AlignUnits(const v1::Decimal& d, int32_t scale, int64_t* out) {
  int64_t units = d.units();
  for (int32_t s = d.scale(); s < scale; ++s) {
    if (__builtin_mul_overflow(units, int64_t{10}, &units)) return false;
  }
  *out = units;
  return true;
}

constexpr absl::string_view kTooLarge = "numbers too large to compute exactly";

// ---------------------------------------------------------------------------
// Execution rate
// ---------------------------------------------------------------------------

void ScoreExecutionRate(const v1::FundsTotal& funds, v1::ScoreLine* line) {
  line->set_rule(v1::RULE_EXECUTION_RATE);
  const v1::FundsColumns& amounts = funds.amounts();
  if (!amounts.has_full_year_budget_fen()) {
    return NotRescorable("full-year budget (全年预算数) not filed", line);
  }
  if (!amounts.has_executed_fen()) {
    return NotRescorable("amount executed (全年执行数) not filed", line);
  }
  const int64_t budget = amounts.full_year_budget_fen();
  const int64_t executed = amounts.executed_fen();
  if (budget <= 0) {
    return NotRescorable(
        absl::StrCat("full-year budget is ", FormatWanYuan(budget),
                     ": no execution rate"),
        line);
  }
  if (executed < 0) {
    return NotRescorable(
        absl::StrCat("amount executed is negative (", FormatWanYuan(executed),
                     ")"),
        line);
  }
  const absl::StatusOr<int64_t> rate_bp = RateBasisPoints(executed, budget);
  const int64_t weight = line->weight_centipoints();
  const absl::StatusOr<int64_t> score =
      MulDivRoundHalfUp(executed, weight, budget);
  if (!rate_bp.ok() || !score.ok()) {
    return NotRescorable(std::string(kTooLarge), line);
  }
  std::string explanation = absl::StrCat(
      "execution rate: ", FormatWanYuan(executed), " ÷ ", FormatWanYuan(budget),
      " = ", FormatBasisPoints(*rate_bp), " × ", FormatWeight(weight), " = ",
      FormatCentipoints(*score));
  if (*score > weight) {
    absl::StrAppend(&explanation, ", capped at the weight → ",
                    FormatCentipoints(weight));
    line->add_review_flags(absl::StrCat(
        "executed ", FormatWanYuan(executed),
        " exceeds the full-year budget ", FormatWanYuan(budget)));
  }
  line->set_explanation(std::move(explanation));
  SetComputed(*score, line);
}

// ---------------------------------------------------------------------------
// Quantities
// ---------------------------------------------------------------------------

// Flags an actual at or beyond the profile's share of the target. Exact:
// actual ≥ target × bp ÷ 10000 is tested on decimals, never on a rounded
// percentage.
void FlagOverAchievement(const v1::Decimal& target, const v1::Decimal& actual,
                         const v1::ScoringProfile& profile,
                         v1::ScoreLine* line) {
  if (target.units() <= 0) return;  // no share of a zero target
  const int64_t bp = profile.over_achievement_review_bp();
  int64_t threshold_units = 0;
  if (__builtin_mul_overflow(target.units(), bp, &threshold_units)) return;
  v1::Decimal threshold;
  threshold.set_units(threshold_units);
  threshold.set_scale(target.scale() + 4);
  if (CompareDecimal(actual, threshold) < 0) return;
  const absl::StatusOr<int64_t> share = RatioScaled(actual, target, kFullShareBp);
  line->add_review_flags(absl::StrCat(
      "over-achievement: actual ", D(actual), " is ",
      share.ok() ? FormatBasisPoints(*share) : std::string("far above"),
      " of target ", D(target), " (review from ", FormatBasisPoints(bp),
      "): was the target set too low?"));
}

// Higher is better, also the fallback of the equal rule (`label` names the
// rule in the explanation).
void ScoreHigherIsBetter(absl::string_view label, const v1::Decimal& target,
                         const v1::Decimal& actual, v1::ScoreLine* line) {
  const int64_t weight = line->weight_centipoints();
  if (CompareDecimal(actual, target) >= 0) {
    line->set_explanation(absl::StrCat(label, ": met (", D(actual), " ≥ ",
                                       D(target), ") → full ",
                                       FormatWeight(weight)));
    return SetComputed(weight, line);
  }
  // actual < target and actual ≥ 0, so the target is positive.
  const absl::StatusOr<int64_t> score = RatioScaled(actual, target, weight);
  if (!score.ok()) return NotRescorable(std::string(kTooLarge), line);
  line->set_explanation(absl::StrCat(label, ": ", D(actual), " ÷ ", D(target),
                                     " × ", FormatWeight(weight), " = ",
                                     FormatCentipoints(*score)));
  SetComputed(*score, line);
}

void ScoreLowerIsBetter(v1::LowerIsBetterFormula formula,
                        const v1::Decimal& target, const v1::Decimal& actual,
                        v1::ScoreLine* line) {
  const bool linear = formula == v1::LOWER_IS_BETTER_LINEAR;
  line->set_rule(linear ? v1::RULE_LOWER_IS_BETTER_LINEAR
                        : v1::RULE_LOWER_IS_BETTER);
  const absl::string_view label =
      linear ? "lower is better (linear)" : "lower is better";
  const int64_t weight = line->weight_centipoints();
  if (CompareDecimal(actual, target) <= 0) {
    line->set_explanation(absl::StrCat(label, ": met (", D(actual), " ≤ ",
                                       D(target), ") → full ",
                                       FormatWeight(weight)));
    return SetComputed(weight, line);
  }
  // Overrun: actual > target ≥ 0, so the actual is positive.
  if (!linear) {
    const absl::StatusOr<int64_t> score = RatioScaled(target, actual, weight);
    if (!score.ok()) return NotRescorable(std::string(kTooLarge), line);
    line->set_explanation(absl::StrCat(label, ": ", D(target), " ÷ ", D(actual),
                                       " × ", FormatWeight(weight), " = ",
                                       FormatCentipoints(*score)));
    return SetComputed(*score, line);
  }
  if (IsZero(target)) {
    line->set_explanation(absl::StrCat(label, ": target 0 overrun (", D(actual),
                                       ") → 0.00"));
    return SetComputed(0, line);
  }
  // (1 − (a − t) ÷ t) × w = (2t − a) ÷ t × w, on units aligned to one scale.
  const int32_t scale = std::max(target.scale(), actual.scale());
  int64_t t = 0, a = 0, twice = 0, remaining = 0;
  if (!AlignUnits(target, scale, &t) || !AlignUnits(actual, scale, &a) ||
      __builtin_add_overflow(t, t, &twice) ||
      __builtin_sub_overflow(twice, a, &remaining)) {
    return NotRescorable(std::string(kTooLarge), line);
  }
  if (remaining <= 0) {
    line->set_explanation(absl::StrCat(label, ": ", D(actual), " ≥ 2 × ",
                                       D(target), " → 0.00"));
    return SetComputed(0, line);
  }
  v1::Decimal numerator;
  numerator.set_units(remaining);
  numerator.set_scale(scale);
  const absl::StatusOr<int64_t> score = RatioScaled(numerator, target, weight);
  if (!score.ok()) return NotRescorable(std::string(kTooLarge), line);
  line->set_explanation(absl::StrCat(
      label, ": (1 − (", D(actual), " − ", D(target), ") ÷ ", D(target),
      ") × ", FormatWeight(weight), " = ", FormatCentipoints(*score)));
  SetComputed(*score, line);
}

void ScoreEqual(const v1::Decimal& target, const v1::Decimal& actual,
                v1::ScoreLine* line) {
  line->set_rule(v1::RULE_EQUAL);
  const int64_t weight = line->weight_centipoints();
  if (CompareDecimal(actual, target) == 0) {
    line->set_explanation(absl::StrCat("equal: met (", D(actual), " = ",
                                       D(target), ") → full ",
                                       FormatWeight(weight)));
    return SetComputed(weight, line);
  }
  if (IsZero(target)) {
    line->set_explanation(absl::StrCat("equal: target 0, actual ", D(actual),
                                       " ≠ 0 → 0.00"));
    return SetComputed(0, line);
  }
  ScoreHigherIsBetter("equal, read as higher is better", target, actual, line);
}

std::string UnitOrNone(const std::string& unit) {
  return unit.empty() ? "none" : unit;
}

void ScoreQuantity(const v1::Level3Indicator& in, v1::Level2Category level2,
                   const Parsed& target, const Parsed& actual,
                   const Context& ctx, v1::ScoreLine* line) {
  if (target.unit() != actual.unit()) {
    return NotRescorable(absl::StrCat("units differ (target ",
                                      UnitOrNone(target.unit()), ", actual ",
                                      UnitOrNone(actual.unit()), ")"),
                         line);
  }
  if (target.number().units() < 0 || actual.number().units() < 0) {
    return NotRescorable(absl::StrCat("negative values (target ",
                                      D(target.number()), ", actual ",
                                      D(actual.number()), ")"),
                         line);
  }
  v1::IndicatorDirection direction = in.direction();
  bool equal = false;
  if (direction != v1::HIGHER_IS_BETTER && direction != v1::LOWER_IS_BETTER) {
    switch (target.comparator()) {
      case v1::COMPARATOR_GE:
      case v1::COMPARATOR_GT:
        direction = v1::HIGHER_IS_BETTER;
        break;
      case v1::COMPARATOR_LE:
      case v1::COMPARATOR_LT:
        direction = v1::LOWER_IS_BETTER;
        break;
      case v1::COMPARATOR_EQ:
        equal = true;
        break;
      default:
        direction = level2 == v1::LEVEL2_COST ? v1::LOWER_IS_BETTER
                                              : v1::HIGHER_IS_BETTER;
    }
  }
  if (equal) {
    ScoreEqual(target.number(), actual.number(), line);
  } else if (direction == v1::LOWER_IS_BETTER) {
    return ScoreLowerIsBetter(ctx.profile->lower_is_better(), target.number(),
                              actual.number(), line);
  } else {
    line->set_rule(v1::RULE_HIGHER_IS_BETTER);
    ScoreHigherIsBetter("higher is better", target.number(), actual.number(),
                        line);
  }
  if (line->rule() != v1::RULE_NOT_RESCORABLE) {
    FlagOverAchievement(target.number(), actual.number(), *ctx.profile, line);
  }
}

// ---------------------------------------------------------------------------
// Periods
// ---------------------------------------------------------------------------

void ScorePeriod(const v1::Level3Indicator& in, const Parsed& target,
                 const Parsed& actual, const Context& ctx,
                 v1::ScoreLine* line) {
  line->set_rule(v1::RULE_PERIOD);
  const std::string& target_text = in.target().text();
  const std::string& actual_text = in.actual().text();
  const bool target_dated =
      target.period_year() != 0 || target.period_month() != 0;
  const bool actual_dated =
      actual.period_year() != 0 || actual.period_month() != 0;
  bool met = false;
  if (!target_dated || !actual_dated) {
    // "全年", "上半年": only the same words can be compared.
    if (target_text != actual_text) {
      return NotRescorable(absl::StrCat("periods \"", actual_text, "\" and \"",
                                        target_text, "\" cannot be compared"),
                           line);
    }
    met = true;
  } else {
    // A period's end: its year (the package's when none is written) and its
    // month (December when none is written: "2023年度" ends with the year).
    const int32_t target_year =
        target.period_year() != 0 ? target.period_year() : ctx.package_year;
    const int32_t actual_year =
        actual.period_year() != 0 ? actual.period_year() : ctx.package_year;
    if (target_year == 0 || actual_year == 0) {
      return NotRescorable(
          "a period names no year and the package has none", line);
    }
    const int32_t target_month =
        target.period_month() != 0 ? target.period_month() : 12;
    const int32_t actual_month =
        actual.period_month() != 0 ? actual.period_month() : 12;
    met = actual_year < target_year ||
          (actual_year == target_year && actual_month <= target_month);
    if (!met) {
      return NotRescorable(absl::StrCat("actual period \"", actual_text,
                                        "\" ends after the target \"",
                                        target_text, "\""),
                           line);
    }
  }
  const int64_t weight = line->weight_centipoints();
  line->set_explanation(absl::StrCat("period: met (", actual_text, " ≤ ",
                                     target_text, ") → full ",
                                     FormatWeight(weight)));
  SetComputed(weight, line);
}

// ---------------------------------------------------------------------------
// Qualitative indicators
// ---------------------------------------------------------------------------

std::string AchievementWords(v1::Achievement achievement) {
  switch (achievement) {
    case v1::ACHIEVED:
      return "achieved (达成)";
    case v1::PARTIALLY_ACHIEVED:
      return "partially achieved (部分达成)";
    case v1::NOT_ACHIEVED:
      return "not achieved (未达成)";
    default:
      return "unspecified";
  }
}

// Smallest whole centipoint count ≥ percent% of weight (weight ≥ 0).
int64_t PercentCeil(int64_t weight, int64_t percent) {
  return (weight * percent + 99) / 100;
}

void ScoreQualitative(const v1::Level3Indicator& in, v1::ScoreLine* line) {
  line->set_rule(v1::RULE_QUALITATIVE);
  const int64_t weight = line->weight_centipoints();
  v1::Achievement achievement = in.stated_achievement();
  std::string source = "stated";
  if (achievement == v1::ACHIEVEMENT_UNSPECIFIED) {
    achievement = ClassifyAchievement(in.actual().text());
    source = absl::StrCat("read from actual \"", in.actual().text(), "\"");
  }
  if (achievement == v1::ACHIEVEMENT_UNSPECIFIED) {
    const int64_t self = SelfOrZero(*line);
    const int64_t kept = Clamp(self, 0, weight);
    std::string explanation =
        "qualitative: no achievement stated, none readable from the actual";
    if (!line->has_self_score_centipoints()) {
      absl::StrAppend(&explanation, "; no self-score → 0.00");
    } else if (kept == self) {
      absl::StrAppend(&explanation, "; self-score ", FormatWeight(self),
                      " kept");
    } else {
      absl::StrAppend(&explanation, "; self-score ", FormatWeight(self),
                      " outside 0–", FormatWeight(weight), " → ",
                      FormatCentipoints(kept));
    }
    line->set_explanation(std::move(explanation));
    return SetComputed(kept, line);
  }
  // Bands in centipoints: 达成 [80%, 100%], 部分达成 [60%, 80%), 未达成
  // [0, 60%); an open upper end is the last centipoint below it.
  const int64_t at60 = PercentCeil(weight, 60);
  const int64_t at80 = PercentCeil(weight, 80);
  int64_t lo = 0, hi = weight;
  if (achievement == v1::ACHIEVED) {
    lo = at80;
  } else if (achievement == v1::PARTIALLY_ACHIEVED) {
    lo = at60;
    hi = std::max(lo, at80 - 1);
  } else {
    hi = std::max<int64_t>(0, at60 - 1);
  }
  std::string explanation = absl::StrCat(
      "qualitative: ", AchievementWords(achievement), ", ", source, " → band ",
      FormatCentipoints(lo), "–", FormatCentipoints(hi));
  int64_t computed = 0;
  if (!line->has_self_score_centipoints()) {
    computed = lo;
    absl::StrAppend(&explanation, "; no self-score → the band's lowest ",
                    FormatCentipoints(lo));
  } else {
    const int64_t self = line->self_score_centipoints();
    computed = Clamp(self, lo, hi);
    if (self < lo) {
      absl::StrAppend(&explanation, "; self-score ", FormatWeight(self),
                      " below the band → ", FormatCentipoints(computed));
    } else if (self > hi) {
      absl::StrAppend(&explanation, "; self-score ", FormatWeight(self),
                      " above the band → ", FormatCentipoints(computed));
    } else {
      absl::StrAppend(&explanation, "; self-score ", FormatWeight(self),
                      " within → ", FormatCentipoints(computed));
    }
  }
  line->set_explanation(std::move(explanation));
  SetComputed(computed, line);
}

// ---------------------------------------------------------------------------
// Level-3 indicators
// ---------------------------------------------------------------------------

// Why a value cannot be used as a number or period, or "" if it can.
std::string Unusable(absl::string_view side, const v1::IndicatorValue& filed,
                     const Parsed& parsed, int64_t weight) {
  switch (parsed.kind()) {
    case Parsed::EMPTY:
      return absl::StrCat(side, " is empty");
    case Parsed::NOT_APPLICABLE:
      return absl::StrCat(side, " is \"", filed.text(),
                          "\" on a line with weight ", FormatWeight(weight));
    case Parsed::UNPARSEABLE:
      return absl::StrCat(side, " \"", filed.text(),
                          "\" cannot be read: ", parsed.error());
    case Parsed::QUANTITY:
    case Parsed::PERIOD:
    case Parsed::QUALITATIVE:
      return "";
    default:
      return absl::StrCat(side, " has no reading");
  }
}

void ScoreIndicator(const v1::Level3Indicator& in, v1::Level2Category level2,
                    const Context& ctx, v1::ScoreLine* line) {
  const Parsed target = Read(in.target());
  const Parsed actual = Read(in.actual());
  if (in.has_self_score_centipoints()) {
    line->set_self_score_centipoints(in.self_score_centipoints());
  }
  if (!in.has_weight_centipoints()) {
    line->set_weight_centipoints(0);
    const bool slash_row = target.kind() == Parsed::NOT_APPLICABLE ||
                           actual.kind() == Parsed::NOT_APPLICABLE ||
                           ParseIndicatorValue(in.name()).kind() ==
                               Parsed::NOT_APPLICABLE;
    if (slash_row) {
      line->set_rule(v1::RULE_NOT_APPLICABLE);
      line->set_explanation("not applicable: \"/\" row without weight");
      return SetComputed(0, line);
    }
    return NotRescorable("no weight (分值) filed", line);
  }
  if (in.weight_centipoints() < 0) {
    line->set_weight_centipoints(0);
    return NotRescorable(
        absl::StrCat("weight ", FormatWeight(in.weight_centipoints()),
                     " is negative: counted as 0"),
        line);
  }
  line->set_weight_centipoints(in.weight_centipoints());

  if (in.direction() == v1::QUALITATIVE ||
      target.kind() == Parsed::QUALITATIVE ||
      actual.kind() == Parsed::QUALITATIVE) {
    return ScoreQualitative(in, line);
  }
  for (std::string reason :
       {Unusable("target", in.target(), target, in.weight_centipoints()),
        Unusable("actual", in.actual(), actual, in.weight_centipoints())}) {
    if (!reason.empty()) return NotRescorable(std::move(reason), line);
  }
  if (target.kind() == Parsed::PERIOD && actual.kind() == Parsed::PERIOD) {
    return ScorePeriod(in, target, actual, ctx, line);
  }
  if (target.kind() != actual.kind()) {
    auto what = [](const Parsed& p) {
      return p.kind() == Parsed::PERIOD ? "a period" : "a quantity";
    };
    return NotRescorable(
        absl::StrCat("target \"", in.target().text(), "\" is ", what(target),
                     ", actual \"", in.actual().text(), "\" ", what(actual)),
        line);
  }
  ScoreQuantity(in, level2, target, actual, ctx, line);
}

// ---------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------

absl::StatusOr<int32_t> ToInt32(int64_t v, absl::string_view what,
                                absl::string_view path) {
  if (v > std::numeric_limits<int32_t>::max() ||
      v < std::numeric_limits<int32_t>::min()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": ", what, " add up beyond what int32 centipoints can hold"));
  }
  return static_cast<int32_t>(v);
}

// The part of a table the scorer reads; attachment 2 and 3 share it.
struct TableInput {
  std::string path;
  std::string title;
  const v1::FundsTotal* funds;
  const google::protobuf::RepeatedPtrField<v1::Level1Indicator>* indicators;
  const v1::DeclaredTotals* totals;
};

// Decides whether the funds row is an execution-rate line. Returns false,
// with a note, when it is not.
bool HasExecutionRateLine(const TableInput& in, const Context& ctx,
                          v1::TableScore* out) {
  const v1::FundsTotal& funds = *in.funds;
  if (!funds.has_weight_centipoints()) {
    out->add_notes(
        "the funds row (年度资金总额) has no weight (分值): no execution-rate "
        "line scored");
    return false;
  }
  const int32_t weight = funds.weight_centipoints();
  const bool equals_total = in.totals->has_weight_centipoints() &&
                            weight == in.totals->weight_centipoints();
  if (equals_total || weight >= kHundredPoints) {
    std::string note = absl::StrCat(
        "funds row weight ", FormatWeight(weight),
        equals_total ? absl::StrCat(" equals the declared total ",
                                    FormatWeight(weight))
                     : std::string(" is 100 or more"),
        ": read as the table's total, not an execution-rate weight; no "
        "execution-rate line scored (profile ",
        ctx.profile->name(), " would weigh it ",
        FormatWeight(ctx.profile->execution_rate_weight_centipoints()), ")");
    if (funds.has_self_score_centipoints()) {
      absl::StrAppend(&note, "; its self-score ",
                      FormatWeight(funds.self_score_centipoints()),
                      " is not counted");
    }
    out->add_notes(std::move(note));
    return false;
  }
  if (weight < 0) {
    out->add_notes(absl::StrCat("funds row weight ", FormatWeight(weight),
                                " is negative: counted as 0"));
  }
  return true;
}

absl::Status ScoreTable(const TableInput& in, const Context& ctx,
                        v1::TableScore* out) {
  const v1::ScoringProfile& profile = *ctx.profile;
  out->set_field_path(in.path);
  out->set_title(in.title);
  int64_t execution_weight = 0;
  bool has_execution_line = false;

  if (HasExecutionRateLine(in, ctx, out)) {
    has_execution_line = true;
    v1::ScoreLine* line = out->add_lines();
    line->set_field_path(absl::StrCat(in.path, ".funds"));
    line->set_name("执行率");
    line->set_weight_centipoints(
        std::max<int32_t>(0, in.funds->weight_centipoints()));
    if (in.funds->has_self_score_centipoints()) {
      line->set_self_score_centipoints(in.funds->self_score_centipoints());
    }
    ScoreExecutionRate(*in.funds, line);
    execution_weight = line->weight_centipoints();
    if (execution_weight != profile.execution_rate_weight_centipoints()) {
      out->add_notes(absl::StrCat(
          "execution rate weight ", FormatWeight(execution_weight),
          " differs from profile ", profile.name(), "'s ",
          FormatWeight(profile.execution_rate_weight_centipoints()),
          "; the filed weight is kept"));
    }
  }

  int64_t indicator_weight = 0;
  bool seen[4] = {false, false, false, false};
  for (int i = 0; i < in.indicators->size(); ++i) {
    const v1::Level1Indicator& level1 = in.indicators->Get(i);
    v1::Level1Score* l1 = out->add_level1();
    l1->set_category(level1.category());
    l1->set_name(level1.name().empty() ? Level1DefaultName(level1.category())
                                       : level1.name());
    if (level1.has_declared_weight_centipoints()) {
      l1->set_declared_weight_centipoints(level1.declared_weight_centipoints());
    }
    l1->set_profile_weight_centipoints(
        ProfileWeight(profile, level1.category()));
    if (level1.category() >= 0 && level1.category() < 4) {
      seen[level1.category()] = true;
    }
    int64_t filed = 0, computed = 0, self = 0;
    for (int j = 0; j < level1.level2_size(); ++j) {
      const v1::Level2Indicator& level2 = level1.level2(j);
      for (int k = 0; k < level2.indicators_size(); ++k) {
        const v1::Level3Indicator& level3 = level2.indicators(k);
        v1::ScoreLine* line = out->add_lines();
        line->set_field_path(absl::StrCat(in.path, ".indicators[", i,
                                          "].level2[", j, "].indicators[", k,
                                          "]"));
        line->set_name(level3.name());
        line->set_level1(level1.category());
        line->set_level2(level2.category());
        ScoreIndicator(level3, level2.category(), ctx, line);
        filed += line->weight_centipoints();
        computed += line->computed_centipoints();
        self += SelfOrZero(*line);
      }
    }
    ASSIGN_OR_RETURN(const int32_t filed32, ToInt32(filed, "weights", in.path));
    ASSIGN_OR_RETURN(const int32_t computed32,
                     ToInt32(computed, "scores", in.path));
    ASSIGN_OR_RETURN(const int32_t self32,
                     ToInt32(self, "self-scores", in.path));
    l1->set_filed_weight_centipoints(filed32);
    l1->set_computed_centipoints(computed32);
    l1->set_self_score_centipoints(self32);
    indicator_weight += filed;

    if (l1->has_declared_weight_centipoints() &&
        l1->declared_weight_centipoints() != filed) {
      out->add_notes(absl::StrCat(
          l1->name(), ": level-3 weights add up to ", FormatWeight(filed),
          ", declared ", FormatWeight(l1->declared_weight_centipoints())));
    }
    const int64_t stated = l1->has_declared_weight_centipoints()
                               ? l1->declared_weight_centipoints()
                               : filed;
    if (stated != l1->profile_weight_centipoints()) {
      out->add_notes(absl::StrCat(
          l1->name(), ": ",
          l1->has_declared_weight_centipoints() ? "declared weight "
                                                : "level-3 weights total ",
          FormatWeight(stated), " differs from profile ", profile.name(),
          "'s ", FormatWeight(l1->profile_weight_centipoints()),
          "; the filed weights are kept"));
    }
  }
  for (v1::Level1Category category :
       {v1::LEVEL1_OUTPUT, v1::LEVEL1_BENEFIT, v1::LEVEL1_SATISFACTION}) {
    if (!seen[category] && ProfileWeight(profile, category) > 0) {
      out->add_notes(absl::StrCat(
          "no ", Level1DefaultName(category), " in the table; profile ",
          profile.name(), " weighs it ",
          FormatWeight(ProfileWeight(profile, category))));
    }
  }

  int64_t filed_total = 0, computed_total = 0, self_total = 0;
  for (const v1::ScoreLine& line : out->lines()) {
    filed_total += line.weight_centipoints();
    computed_total += line.computed_centipoints();
    self_total += SelfOrZero(line);
  }
  ASSIGN_OR_RETURN(const int32_t filed32,
                   ToInt32(filed_total, "weights", in.path));
  ASSIGN_OR_RETURN(const int32_t computed32,
                   ToInt32(computed_total, "scores", in.path));
  ASSIGN_OR_RETURN(const int32_t self32,
                   ToInt32(self_total, "self-scores", in.path));
  out->set_filed_weight_centipoints(filed32);
  out->set_computed_centipoints(computed32);
  out->set_self_score_centipoints(self32);

  const v1::DeclaredTotals& totals = *in.totals;
  if (totals.has_weight_centipoints()) {
    out->set_declared_weight_centipoints(totals.weight_centipoints());
    if (totals.weight_centipoints() != filed_total) {
      out->add_notes(absl::StrCat(
          "weights filed add up to ", FormatWeight(filed_total),
          has_execution_line
              ? absl::StrCat(" (execution rate ", FormatWeight(execution_weight),
                             " + indicators ", FormatWeight(indicator_weight),
                             ")")
              : std::string(),
          ", declared total ", FormatWeight(totals.weight_centipoints())));
    }
  } else {
    out->add_notes("no declared total weight (总分 分值) filed");
  }
  if (totals.has_self_score_centipoints()) {
    out->set_declared_self_score_centipoints(totals.self_score_centipoints());
    if (totals.self_score_centipoints() != self_total) {
      out->add_notes(absl::StrCat(
          "self-scores add up to ", FormatWeight(self_total),
          ", declared total ", FormatWeight(totals.self_score_centipoints())));
    }
  }

  if (filed_total <= 0) {
    out->add_notes("no weights filed: nothing to grade");
    return absl::OkStatus();
  }
  int64_t graded = computed_total;
  int64_t self_graded = self_total;
  if (profile.weight_policy() == v1::KEEP_FILED_SCALE_TO_100) {
    if (filed_total != kHundredPoints) {
      // Both cannot fail: totals fit int32 and the divisor is positive.
      graded = MulDivRoundHalfUp(computed_total, kHundredPoints, filed_total)
                   .value_or(0);
      self_graded = MulDivRoundHalfUp(self_total, kHundredPoints, filed_total)
                        .value_or(0);
      out->add_notes(absl::StrCat(
          "graded = computed × 100 ÷ filed weight = ",
          FormatCentipoints(computed_total), " × 100 ÷ ",
          FormatWeight(filed_total), " = ", FormatCentipoints(graded),
          " (KEEP_FILED_SCALE_TO_100; self-scores likewise: ",
          FormatCentipoints(self_total), " → ", FormatCentipoints(self_graded),
          ")"));
    }
  } else if (filed_total != kHundredPoints) {
    out->add_notes(absl::StrCat("graded unscaled (KEEP_FILED_UNSCALED): ",
                                FormatCentipoints(computed_total),
                                " out of ", FormatWeight(filed_total)));
  }
  // Self-scores are not bounded by the weights, so their total may not fit.
  ASSIGN_OR_RETURN(const int32_t self_graded32,
                   ToInt32(self_graded, "self-scores", in.path));
  out->set_graded_centipoints(static_cast<int32_t>(graded));
  out->set_self_graded_centipoints(self_graded32);
  out->set_grade(GradeFor(profile, graded));
  out->set_self_grade(GradeFor(profile, self_graded));
  return absl::OkStatus();
}

}  // namespace

std::string GradeName(v1::Grade grade) {
  switch (grade) {
    case v1::GRADE_EXCELLENT:
      return "优";
    case v1::GRADE_GOOD:
      return "良";
    case v1::GRADE_FAIR:
      return "中";
    case v1::GRADE_POOR:
      return "差";
    default:
      return "";
  }
}

v1::Grade GradeFor(const v1::ScoringProfile& profile,
                   int64_t graded_centipoints) {
  const v1::GradeBand* best = nullptr;
  for (const v1::GradeBand& band : profile.grade_bands()) {
    if (graded_centipoints >= band.min_centipoints() &&
        (best == nullptr || band.min_centipoints() > best->min_centipoints())) {
      best = &band;
    }
  }
  return best == nullptr ? v1::GRADE_UNSPECIFIED : best->grade();
}

void FillScoreCardSummary(const std::string& profile_name,
                          v1::ScoreCard* card) {
  v1::ScoreCardSummary* summary = card->mutable_summary();
  summary->Clear();
  summary->set_profile(profile_name);
  const v1::TableScore& overall = card->overall();
  summary->set_graded_centipoints(overall.graded_centipoints());
  summary->set_computed_centipoints(overall.computed_centipoints());
  summary->set_self_score_centipoints(overall.self_score_centipoints());
  summary->set_self_graded_centipoints(overall.self_graded_centipoints());
  summary->set_grade(overall.grade());
  summary->set_self_grade(overall.self_grade());
  summary->set_projects_scored(card->projects_size());
  int32_t scored = 0, not_rescorable = 0, flags = 0;
  auto count = [&](const v1::TableScore& table) {
    for (const v1::ScoreLine& line : table.lines()) {
      if (line.rule() != v1::RULE_NOT_APPLICABLE) ++scored;
      if (line.rule() == v1::RULE_NOT_RESCORABLE) ++not_rescorable;
      flags += line.review_flags_size();
    }
  };
  count(overall);
  for (const v1::TableScore& project : card->projects()) count(project);
  summary->set_lines_scored(scored);
  summary->set_lines_not_rescorable(not_rescorable);
  summary->set_review_flags(flags);
}

absl::StatusOr<v1::ScoreCard> ScorePackage(const v1::EvaluationPackage& package,
                                           const v1::ScoringProfile& profile) {
  ASSIGN_OR_RETURN(const v1::ScoringProfile checked, ValidateProfile(profile));
  const Context ctx{&checked, package.year()};
  v1::ScoreCard card;

  const v1::OverallSelfEvaluation& overall = package.overall();
  RETURN_IF_ERROR(ScoreTable(
      TableInput{"overall", "单位整体支出", &overall.funds(),
                 &overall.indicators(), &overall.totals()},
      ctx, card.mutable_overall()));
  for (int p = 0; p < package.projects_size(); ++p) {
    const v1::ProjectSelfEvaluation& project = package.projects(p);
    RETURN_IF_ERROR(ScoreTable(
        TableInput{absl::StrCat("projects[", p, "]"), project.name(),
                   &project.funds(), &project.indicators(), &project.totals()},
        ctx, card.add_projects()));
  }
  FillScoreCardSummary(checked.name(), &card);
  return card;
}

}  // namespace budgetperf
