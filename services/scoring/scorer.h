#ifndef BUDGETPERF_SERVICES_SCORING_SCORER_H_
#define BUDGETPERF_SERVICES_SCORING_SCORER_H_

// Re-scoring a self-evaluation package by the rules printed on the national
// forms (财预〔2020〕10号): a pure function of (package, profile) → scorecard.
//
// Every figure is exact: points are int32 hundredths ("centipoints"),
// indicator values are decimals read from the filed text, and each score is
// computed from integers and rounded half-up to 0.01 point once. No line ever
// scores above its weight or below zero.
//
//   ASSIGN_OR_RETURN(v1::ScoreCard card, ScorePackage(package, NationalProfile2020()));
//   std::cout << FormatScoreCard(card);
//
// The rules, line by line (ScoreLine.rule):
//   - execution rate (RULE_EXECUTION_RATE): executed ÷ full-year budget ×
//     weight, capped at the weight. In either table, a funds row whose
//     weight equals the declared table total (or is ≥ 100) is read as that
//     total, not as an execution-rate weight: no line, and a note says so.
//   - quantities: the direction is the form's own (Level3Indicator.direction)
//     if stated; else the target's comparator (≥ > higher, ≤ < lower,
//     = equal); else lower-is-better for cost indicators (LEVEL2_COST) and
//     higher-is-better for the rest. '>' and '<' are read as '≥' and '≤'.
//       higher is better: met (actual ≥ target) → full weight; otherwise
//         actual ÷ target × weight.
//       lower is better: met (actual ≤ target) → full weight; otherwise
//         target ÷ actual × weight (ratio), or, by profile,
//         (1 − (actual − target) ÷ target) × weight, 0 from double the target
//         (linear).
//       equal: actual = target → full weight; a zero target gives nothing to
//         a non-zero actual; otherwise as higher is better.
//     Units must be written identically on both sides ("户" and "户"; a unit
//     on one side only counts as a difference): nothing is converted.
//   - periods (RULE_PERIOD): met when the actual period ends no later than
//     the target's; a period without a year is in the package's year.
//   - qualitative (RULE_QUALITATIVE): the self-score must lie in the band of
//     the stated achievement (达成 80–100%, 部分达成 60–<80%, 未达成 0–<60%
//     of the weight) and is clamped into it otherwise; without a stated
//     achievement the self-score is kept.
//   - not re-scorable (RULE_NOT_RESCORABLE): unreadable or missing values,
//     units that differ, negative numbers, a period that ends late, a
//     quantity against a period: the self-score is kept (within 0–weight) and
//     the reason given.
//   - not applicable (RULE_NOT_APPLICABLE): "/" rows without weight.
// Over-achievement (higher-is-better and equal lines whose actual reaches the
// profile's threshold, 130% of target by default) is flagged for review,
// never deducted.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "budgetperf/v1/evaluation_package.pb.h"
#include "budgetperf/v1/scoring.pb.h"
#include "common/money/points.h"  // FormatCentipoints, FormatWeight

namespace budgetperf {

// Scores attachment 2 and every attachment 3 of `package` by `profile` and
// fills the summary. The profile is validated first (ValidateProfile), so any
// profile may be passed; INVALID_ARGUMENT if it is invalid, or if the filed
// weights add up beyond what int32 centipoints can hold. Anything else in the
// package, however malformed, is scored or reported on the line concerned,
// never an error.
absl::StatusOr<v1::ScoreCard> ScorePackage(const v1::EvaluationPackage& package,
                                           const v1::ScoringProfile& profile);

// Fills card->summary from its tables: attachment 2's totals and grades, and
// counts over every table. lines_scored counts the lines that carry a score
// (every line but RULE_NOT_APPLICABLE ones), lines_not_rescorable the
// RULE_NOT_RESCORABLE ones among them, review_flags all lines' flags.
// ScorePackage calls it; exposed for callers that edit a scorecard.
void FillScoreCardSummary(const std::string& profile_name, v1::ScoreCard* card);

// The grade `graded_centipoints` earns by the profile's bands (read from the
// highest minimum down); GRADE_UNSPECIFIED if no band admits it, which a
// validated profile never allows for totals ≥ 0.
v1::Grade GradeFor(const v1::ScoringProfile& profile,
                   int64_t graded_centipoints);

// The grade as the forms write it: 优, 良, 中, 差 ("" for unspecified).
std::string GradeName(v1::Grade grade);

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_SCORING_SCORER_H_
