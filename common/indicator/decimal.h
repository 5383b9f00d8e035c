#ifndef BUDGETPERF_COMMON_INDICATOR_DECIMAL_H_
#define BUDGETPERF_COMMON_INDICATOR_DECIMAL_H_

// Exact decimal arithmetic over v1::Decimal (value = units / 10^scale).
//
// Money, rates and points on the forms are decimals written to a fixed number
// of places; binary floating point would turn 916.60 into 916.5999... and make
// scores depend on rounding noise. Everything here is integer arithmetic, with
// intermediate products in 128 bits (or wider) so that nothing overflows
// silently: an operation either returns the exact, correctly rounded answer or
// an error.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "budgetperf/v1/evaluation_package.pb.h"
#include "common/numeric/checked_math.h"  // MulDivRoundHalfUp

namespace budgetperf {

// Largest scale the helpers accept for arithmetic. 10^18 is the largest power
// of ten that fits in int64, so a scale above it cannot describe a non-zero
// int64 quantity with a whole digit.
inline constexpr int32_t kMaxDecimalScale = 18;

// Compares two decimals by value, whatever their scales: returns -1 if a < b,
// 0 if equal, 1 if a > b. Never overflows, for any units and any scales.
//
//   CompareDecimal({units: 9166, scale: 1}, {units: 91660, scale: 2}) == 0
//   CompareDecimal({units: 765, scale: 0}, {units: 91660, scale: 2}) == -1
int CompareDecimal(const v1::Decimal& a, const v1::Decimal& b);

// Formats a decimal exactly, keeping the scale as written: 91660 at scale 2
// is "916.60" (not "916.6"), -5 at scale 1 is "-0.5". A negative scale appends
// zeros (12 at scale -2 is "1200"). Scales outside [-38, 38], which no form
// produces, are written as "<units>e<-scale>" so that a hostile message cannot
// make us print billions of zeros.
//
//   FormatDecimal({units: 91660, scale: 2}) == "916.60"
std::string FormatDecimal(const v1::Decimal& d);

// Parses a plain ASCII decimal: an optional '-', digits, and optionally a
// point followed by digits. The scale is the number of digits written after
// the point. No spaces, thousands separators, exponents or leading/trailing
// points ("5." and ".5" are rejected: a missing digit is more likely a typo
// than an intent). Fails with InvalidArgument on garbage, more than
// kMaxDecimalScale decimals, or a value that does not fit int64 units.
//
//   ParseDecimal("916.60") -> {units: 91660, scale: 2}
//   ParseDecimal("-3")     -> {units: -3, scale: 0}
//   ParseDecimal("1e5")    -> InvalidArgument
absl::StatusOr<v1::Decimal> ParseDecimal(absl::string_view text);

// True if the decimal's value is zero, whatever its scale.
//
//   IsZero({units: 0, scale: 2}) == true
bool IsZero(const v1::Decimal& d);

// Computes round_half_up(num / den * multiplier) exactly, aligning the two
// scales first, so that scores and rates can be derived from filed decimals
// without floating point. Fails with InvalidArgument if den is zero or a scale
// is outside [0, kMaxDecimalScale], and OutOfRange if the result does not fit
// int64.
//
//   // 765 / 916.60 * 15 points, in hundredths of a point: 12.52 -> 1252.
//   RatioScaled({units: 765}, {units: 91660, scale: 2}, 1500) -> 1252
absl::StatusOr<int64_t> RatioScaled(const v1::Decimal& num,
                                    const v1::Decimal& den, int64_t multiplier);

}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_INDICATOR_DECIMAL_H_
