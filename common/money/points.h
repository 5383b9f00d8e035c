#ifndef BUDGETPERF_COMMON_MONEY_POINTS_H_
#define BUDGETPERF_COMMON_MONEY_POINTS_H_

// Points as the forms write them. Scores and weights travel as int
// centipoints (1 point = 100 centipoints), so they add up exactly; these are
// the one place they become text, for scoring, consistency, aggregation and
// budgetctl alike.

#include <cstdint>
#include <string>

namespace budgetperf {

// Points with two decimals, as scores are shown:
//
//   FormatCentipoints(1252) → "12.52"
//   FormatCentipoints(1000) → "10.00"
//   FormatCentipoints(-248) → "-2.48"
std::string FormatCentipoints(int64_t centipoints);

// Points as weights are written on the forms: without decimals when whole,
// else with two:
//
//   FormatWeight(1500) → "15"
//   FormatWeight(750)  → "7.50"
//   FormatWeight(-5)   → "-0.05"
std::string FormatWeight(int64_t centipoints);

}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_MONEY_POINTS_H_
