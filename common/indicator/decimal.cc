#include "common/indicator/decimal.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "budgetperf/v1/evaluation_package.pb.h"
#include "common/numeric/checked_math.h"

namespace budgetperf {
namespace {

// __extension__ keeps -Wpedantic quiet: GCC and Clang both provide 128-bit
// integers, which is all the headroom exact decimal products need.
__extension__ typedef __int128 Int128;

// 2^63, the magnitude of INT64_MIN, as an unsigned value.
constexpr uint64_t kInt64MinMagnitude = uint64_t{1} << 63;

// 10^0 .. 10^38 (10^38 < 2^127); every scale difference we multiply by stays
// far below that bound.
Int128 Pow10(int64_t exponent) {
  Int128 result = 1;
  for (int64_t i = 0; i < exponent; ++i) result *= 10;
  return result;
}

int Sign(int64_t v) { return (v > 0) - (v < 0); }

}  // namespace

int CompareDecimal(const v1::Decimal& a, const v1::Decimal& b) {
  const int sign_a = Sign(a.units());
  const int sign_b = Sign(b.units());
  if (sign_a != sign_b) return sign_a < sign_b ? -1 : 1;
  if (sign_a == 0) return 0;

  // Same non-zero sign. Bring both to a's scale: compare a.units with
  // b.units * 10^diff (or the mirror image when b has more decimals).
  const int64_t diff = int64_t{a.scale()} - int64_t{b.scale()};
  if (diff == 0) {
    return a.units() < b.units() ? -1 : (a.units() > b.units() ? 1 : 0);
  }
  // |units| < 2^63 < 10^19: once the other side is shifted by 19 or more
  // digits it is larger in magnitude whatever its units, so the answer
  // follows from the sign alone and we never form the huge product.
  if (diff > 0) {
    if (diff >= 19) return sign_a > 0 ? -1 : 1;  // |a| < |b|
    const Int128 lhs = a.units();
    const Int128 rhs = static_cast<Int128>(b.units()) * Pow10(diff);
    return lhs < rhs ? -1 : (lhs > rhs ? 1 : 0);
  }
  if (-diff >= 19) return sign_a > 0 ? 1 : -1;  // |a| > |b|
  const Int128 lhs = static_cast<Int128>(a.units()) * Pow10(-diff);
  const Int128 rhs = b.units();
  return lhs < rhs ? -1 : (lhs > rhs ? 1 : 0);
}

std::string FormatDecimal(const v1::Decimal& d) {
  const int64_t units = d.units();
  const int32_t scale = d.scale();
  if (scale < -38 || scale > 38) {
    return absl::StrCat(units, "e", -int64_t{scale});
  }
  const bool negative = units < 0;
  // 0 - x in unsigned arithmetic is well defined even for INT64_MIN.
  const uint64_t magnitude = negative
                                 ? uint64_t{0} - static_cast<uint64_t>(units)
                                 : static_cast<uint64_t>(units);
  std::string digits = absl::StrCat(magnitude);
  if (scale <= 0) {
    if (magnitude != 0) digits.append(static_cast<size_t>(-scale), '0');
  } else {
    const size_t width = static_cast<size_t>(scale) + 1;
    if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
    digits.insert(digits.size() - static_cast<size_t>(scale), 1, '.');
  }
  return negative ? absl::StrCat("-", digits) : digits;
}

absl::StatusOr<v1::Decimal> ParseDecimal(absl::string_view text) {
  auto invalid = [text](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a decimal: \"", absl::CHexEscape(text), "\": ", why));
  };
  size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;

  const uint64_t limit = negative ? kInt64MinMagnitude : kInt64MinMagnitude - 1;
  uint64_t magnitude = 0;
  // Accumulates one digit, refusing to wrap: the caller learns about an
  // oversized number instead of getting a different one.
  auto push_digit = [&](char c) {
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (magnitude > (limit - digit) / 10) return false;
    magnitude = magnitude * 10 + digit;
    return true;
  };

  size_t integer_digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (!push_digit(text[i])) return invalid("too large for int64 units");
    ++integer_digits;
  }
  if (integer_digits == 0) return invalid("expected a digit");

  int32_t scale = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (scale == kMaxDecimalScale) return invalid("too many decimals");
      if (!push_digit(text[i])) return invalid("too large for int64 units");
      ++scale;
    }
    if (scale == 0) return invalid("expected a digit after the point");
  }
  if (i != text.size()) return invalid("unexpected character");

  v1::Decimal out;
  out.set_units(negative ? static_cast<int64_t>(uint64_t{0} - magnitude)
                         : static_cast<int64_t>(magnitude));
  out.set_scale(scale);
  return out;
}

bool IsZero(const v1::Decimal& d) { return d.units() == 0; }

absl::StatusOr<int64_t> RatioScaled(const v1::Decimal& num,
                                    const v1::Decimal& den,
                                    int64_t multiplier) {
  if (den.units() == 0) return absl::InvalidArgumentError("division by zero");
  for (const v1::Decimal* d : {&num, &den}) {
    if (d->scale() < 0 || d->scale() > kMaxDecimalScale) {
      return absl::InvalidArgumentError(
          absl::StrCat("decimal scale ", d->scale(), " outside [0, ",
                       kMaxDecimalScale, "]"));
    }
  }
  // num/den = (num.units * 10^(s - num.scale)) / (den.units * 10^(s -
  // den.scale)) for a common scale s. Both aligned values stay below
  // 2^63 * 10^18 < 2^123, inside WideMulDivRoundHalfUp's bounds.
  const int common = std::max(num.scale(), den.scale());
  const Int128 aligned_num =
      static_cast<Int128>(num.units()) * Pow10(common - num.scale());
  const Int128 aligned_den =
      static_cast<Int128>(den.units()) * Pow10(common - den.scale());
  return WideMulDivRoundHalfUp(aligned_num, multiplier, aligned_den);
}

}  // namespace budgetperf
