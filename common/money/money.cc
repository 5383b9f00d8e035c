#include "common/money/money.h"

#include <limits>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/numeric/checked_math.h"

namespace budgetperf {
namespace {

absl::Status Invalid(absl::string_view text, absl::string_view rule) {
  return absl::InvalidArgumentError(
      absl::StrCat("amount \"", text, "\" (万元): ", rule));
}

}  // namespace

absl::StatusOr<int64_t> ParseWanYuan(absl::string_view text, int max_decimals) {
  if (max_decimals < 0 || max_decimals > kMaxWanYuanDecimals) {
    max_decimals = kMaxWanYuanDecimals;
  }
  absl::string_view s = absl::StripAsciiWhitespace(text);
  if (s.empty()) return Invalid(text, "is empty");
  bool negative = false;
  if (s.front() == '-' || s.front() == '+') {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return Invalid(text, "has a sign but no digits");

  // Accumulate as a count of 10^-6 万元 (= fen) units; unsigned 128-bit so
  // the overflow check is exact.
  unsigned __int128 whole = 0;
  int64_t fraction = 0;
  int decimals = -1;  // -1 until the point is seen
  int digits = 0;
  for (char c : s) {
    if (c == '.') {
      if (decimals >= 0) return Invalid(text, "has more than one decimal point");
      decimals = 0;
      continue;
    }
    if (c < '0' || c > '9') {
      return Invalid(text, "must be a decimal number of 万元 such as 385.37");
    }
    ++digits;
    if (decimals >= 0) {
      if (++decimals > max_decimals) {
        return Invalid(text, absl::StrCat("has more than ", max_decimals,
                                          " decimals"));
      }
      fraction = fraction * 10 + (c - '0');
    } else {
      whole = whole * 10 + static_cast<unsigned>(c - '0');
      if (whole > static_cast<unsigned __int128>(
                      std::numeric_limits<int64_t>::max())) {
        return Invalid(text, "is too large");
      }
    }
  }
  if (digits == 0) return Invalid(text, "has no digits");
  if (decimals == 0) return Invalid(text, "ends in a decimal point");
  for (int d = decimals < 0 ? 0 : decimals; d < kMaxWanYuanDecimals; ++d) {
    fraction *= 10;
  }
  unsigned __int128 fen = whole * kFenPerWanYuan + static_cast<unsigned>(fraction);
  if (fen > static_cast<unsigned __int128>(std::numeric_limits<int64_t>::max())) {
    return Invalid(text, "is too large");
  }
  const int64_t value = static_cast<int64_t>(fen);
  return negative ? -value : value;
}

std::string FormatWanYuan(int64_t fen) {
  // Work in unsigned so that INT64_MIN formats too.
  const bool negative = fen < 0;
  const uint64_t magnitude = negative ? uint64_t{0} - static_cast<uint64_t>(fen)
                                      : static_cast<uint64_t>(fen);
  const uint64_t whole = magnitude / kFenPerWanYuan;
  uint64_t fraction = magnitude % kFenPerWanYuan;
  // Six decimals, then drop trailing zeros down to two.
  char digits[7];
  for (int i = 5; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  int keep = 6;
  while (keep > 2 && digits[keep - 1] == '0') --keep;
  return absl::StrCat(negative ? "-" : "", whole, ".",
                      absl::string_view(digits, keep));
}

absl::StatusOr<int64_t> AddFen(int64_t a, int64_t b) {
  const std::optional<int64_t> sum = CheckedAdd(a, b);
  if (!sum.has_value()) {
    return absl::OutOfRangeError(absl::StrCat("sum of ", a, " and ", b,
                                              " fen overflows"));
  }
  return *sum;
}

}  // namespace budgetperf
