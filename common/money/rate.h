#ifndef BUDGETPERF_COMMON_MONEY_RATE_H_
#define BUDGETPERF_COMMON_MONEY_RATE_H_

// Rates and shares computed exactly from integers, in basis points
// (1% = 100 bp), rounded half-up to two decimals of a percent as the forms do.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace budgetperf {

// numerator ÷ denominator as basis points, rounded half-up (half away from
// zero for negative ratios).
//
//   RateBasisPoints(13, 14)                   → 9286  (92.86%)
//   RateBasisPoints(385'270'000, 385'370'000) → 9997  (99.97%)
//
// INVALID_ARGUMENT when the denominator is 0; OUT_OF_RANGE past int64.
absl::StatusOr<int64_t> RateBasisPoints(int64_t numerator, int64_t denominator);

// Formats basis points as a percent with two decimals: 9286 → "92.86%",
// 10000 → "100.00%", -67 → "-0.67%".
std::string FormatBasisPoints(int64_t basis_points);

// A rate as written on a form, read exactly.
struct ParsedRate {
  int64_t basis_points = 0;
  int decimals = 0;  // decimals written: "81.7%" → 1
};

// Reads a filed rate: "92.86%", "81.7%", "100%", "99.97 %", "92.86％", and a
// bare "92.86". More than two decimals, garbage or empty text is
// INVALID_ARGUMENT naming the text.
absl::StatusOr<ParsedRate> ParseFiledRate(absl::string_view text);

// True when a rate filed with `decimals` decimals is the exact rate
// `computed_bp` rounded to that many decimals: a rate filed as "81.7%" agrees
// with any computed rate from 81.65% to 81.74%. Correct filings are never
// flagged for being written with fewer decimals.
bool FiledRateAgrees(int64_t filed_bp, int decimals, int64_t numerator,
                     int64_t denominator);

}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_MONEY_RATE_H_
