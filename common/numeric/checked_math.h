#ifndef BUDGETPERF_COMMON_NUMERIC_CHECKED_MATH_H_
#define BUDGETPERF_COMMON_NUMERIC_CHECKED_MATH_H_

// Exact integer arithmetic that never overflows silently: an operation
// returns the exact (correctly rounded) answer or says that there is none.
// The one home of checked sums and of round-half-up division; money, rates,
// decimals, scores, audit rules and the sample generator all use it.

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"

namespace budgetperf {

// a + b, or nullopt past int64.
//
//   CheckedAdd(2, 3)          → 5
//   CheckedAdd(INT64_MAX, 1)  → nullopt
std::optional<int64_t> CheckedAdd(int64_t a, int64_t b);

// a − b, or nullopt past int64.
std::optional<int64_t> CheckedSubtract(int64_t a, int64_t b);

// a × b, or nullopt past int64.
std::optional<int64_t> CheckedMultiply(int64_t a, int64_t b);

// round_half_up(a × b ÷ c) exactly, where "half up" rounds halves away from
// zero (2.5 → 3, −2.5 → −3), as finance officers round by hand. The product
// is formed in 128 bits, so it never overflows. INVALID_ARGUMENT if c == 0,
// OUT_OF_RANGE if the result does not fit int64.
//
//   MulDivRoundHalfUp(13, 10000, 14) → 9286  (13 / 14 = 92.86%)
//   MulDivRoundHalfUp(-5, 1, 2)      → -3
absl::StatusOr<int64_t> MulDivRoundHalfUp(int64_t a, int64_t b, int64_t c);

// MulDivRoundHalfUp for wider operands: |x|, |y|, |z| < 2^127, the product
// formed in 256 bits. For exact decimal ratios whose aligned operands no
// longer fit int64 (see RatioScaled in common/indicator/decimal.h).
__extension__ absl::StatusOr<int64_t> WideMulDivRoundHalfUp(__int128 x,
                                                            __int128 y,
                                                            __int128 z);

}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_NUMERIC_CHECKED_MATH_H_
