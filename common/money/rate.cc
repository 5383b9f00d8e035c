#include "common/money/rate.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/numeric/checked_math.h"

namespace budgetperf {
namespace {

// round_half_away_from_zero(a * scale / b), exactly.
absl::StatusOr<int64_t> ScaledRatio(int64_t a, int64_t b, int64_t scale) {
  if (b == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("rate of ", a, " over a zero denominator"));
  }
  absl::StatusOr<int64_t> ratio = MulDivRoundHalfUp(a, scale, b);
  if (!ratio.ok()) {
    return absl::OutOfRangeError(absl::StrCat("rate of ", a, " over ", b,
                                              " is out of range"));
  }
  return ratio;
}

}  // namespace

absl::StatusOr<int64_t> RateBasisPoints(int64_t numerator, int64_t denominator) {
  return ScaledRatio(numerator, denominator, 10'000);
}

std::string FormatBasisPoints(int64_t basis_points) {
  const bool negative = basis_points < 0;
  const uint64_t m = negative ? uint64_t{0} - static_cast<uint64_t>(basis_points)
                              : static_cast<uint64_t>(basis_points);
  const uint64_t cents = m % 100;
  return absl::StrCat(negative ? "-" : "", m / 100, ".", cents < 10 ? "0" : "",
                      cents, "%");
}

absl::StatusOr<ParsedRate> ParseFiledRate(absl::string_view text) {
  absl::string_view s = absl::StripAsciiWhitespace(text);
  if (!absl::ConsumeSuffix(&s, "%")) absl::ConsumeSuffix(&s, "％");
  s = absl::StripAsciiWhitespace(s);
  auto invalid = [&](absl::string_view rule) {
    return absl::InvalidArgumentError(
        absl::StrCat("rate \"", text, "\": ", rule));
  };
  if (s.empty()) return invalid("is empty");
  bool negative = false;
  if (s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  int64_t whole = 0;
  int64_t fraction = 0;
  int decimals = -1;
  int digits = 0;
  for (char c : s) {
    if (c == '.') {
      if (decimals >= 0) return invalid("has more than one decimal point");
      decimals = 0;
      continue;
    }
    if (c < '0' || c > '9') return invalid("must be a percentage such as 92.86%");
    ++digits;
    if (decimals >= 0) {
      if (++decimals > 2) return invalid("has more than two decimals");
      fraction = fraction * 10 + (c - '0');
    } else {
      whole = whole * 10 + (c - '0');
      if (whole > 1'000'000'000) return invalid("is too large");
    }
  }
  if (digits == 0 || decimals == 0) return invalid("is not a number");
  ParsedRate rate;
  rate.decimals = decimals < 0 ? 0 : decimals;
  for (int d = rate.decimals; d < 2; ++d) fraction *= 10;
  rate.basis_points = whole * 100 + fraction;
  if (negative) rate.basis_points = -rate.basis_points;
  return rate;
}

bool FiledRateAgrees(int64_t filed_bp, int decimals, int64_t numerator,
                     int64_t denominator) {
  if (decimals < 0) decimals = 0;
  if (decimals > 2) decimals = 2;
  // Compute the exact rate at the filer's precision: 10^(2 + decimals) per unit.
  int64_t scale = 100;
  for (int d = 0; d < decimals; ++d) scale *= 10;
  auto computed = ScaledRatio(numerator, denominator, scale);
  if (!computed.ok()) return false;
  int64_t step = 1;
  for (int d = decimals; d < 2; ++d) step *= 10;
  return *computed * step == filed_bp;
}

}  // namespace budgetperf
