#ifndef BUDGETPERF_SERVICES_SCORING_SCORECARD_TEXT_H_
#define BUDGETPERF_SERVICES_SCORING_SCORECARD_TEXT_H_

// A scorecard as text for people: what `budgetctl score` prints.

#include <string>

#include "budgetperf/v1/scoring.pb.h"

namespace budgetperf {

// Renders `card` as plain-text tables, attachment 2 first, then each
// attachment 3: one row per line (name, rule, weight, computed, self, gap,
// the arithmetic in words), the level-1 totals, the table total, the graded
// total and grade beside the self-assessed ones, then the table's notes and
// review flags; a summary line ends the text. Columns are aligned for
// terminals that show CJK characters two cells wide; names longer than 30
// cells are shortened with "…" (the full names are in the proto).
//
//   std::cout << FormatScoreCard(card);
//
//   附件2 单位整体支出 [overall]
//   name     rule            weight  computed    self     gap  explanation
//   执行率   execution rate   10.00     10.00   10.00    0.00  execution rate: 385.27 ÷ 385.37 = 99.97% × 10 = 10.00
//   ...
std::string FormatScoreCard(const v1::ScoreCard& card);

// A short English name of a rule for tables: "higher is better", "period", ...
std::string RuleName(v1::ScoringRule rule);

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_SCORING_SCORECARD_TEXT_H_
