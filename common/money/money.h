#ifndef BUDGETPERF_COMMON_MONEY_MONEY_H_
#define BUDGETPERF_COMMON_MONEY_MONEY_H_

// Exact money. Every amount is int64 fen (分); the forms write 万元 with two
// decimals. 1 万元 = 10,000 yuan = 1,000,000 fen.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace budgetperf {

inline constexpr int64_t kFenPerWanYuan = 1'000'000;
inline constexpr int64_t kFenPerYuan = 100;

// The most decimals a 万元 figure can carry and still be whole fen.
inline constexpr int kMaxWanYuanDecimals = 6;

// Parses a 万元 decimal as written on the forms into fen, exactly.
//
//   ParseWanYuan("385.37")  → 385'370'000
//   ParseWanYuan("0.06")    →      60'000
//   ParseWanYuan("-0.67")   →    -670'000  (stated changes may be negative)
//
// Accepts an optional sign, ASCII digits with at most one point, and at most
// `max_decimals` decimals (the forms' own precision is 2; at most 6 since a fen
// is 0.000001 万元). Surrounding ASCII spaces are ignored. Rejects empty text,
// garbage, thousands separators, and values past int64 with INVALID_ARGUMENT
// naming the text and the rule.
absl::StatusOr<int64_t> ParseWanYuan(absl::string_view text,
                                     int max_decimals = kMaxWanYuanDecimals);

// Formats fen as 万元 with two decimals, or more when the amount needs them:
//
//   FormatWanYuan(385'370'000) → "385.37"
//   FormatWanYuan(60'000)      → "0.06"
//   FormatWanYuan(-670'000)    → "-0.67"
//   FormatWanYuan(1)           → "0.000001"
std::string FormatWanYuan(int64_t fen);

// Adds fen amounts, failing with OUT_OF_RANGE instead of overflowing.
absl::StatusOr<int64_t> AddFen(int64_t a, int64_t b);

}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_MONEY_MONEY_H_
