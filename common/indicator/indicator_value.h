#ifndef BUDGETPERF_COMMON_INDICATOR_INDICATOR_VALUE_H_
#define BUDGETPERF_COMMON_INDICATOR_INDICATOR_VALUE_H_

// Reading the free-text indicator values of the self-evaluation tables
// (年度指标值 / 实际完成值): "2600户", "≥95%", "≤765万元", "2023年度", "/", ...
//
// Filers type these cells by hand, so the parser accepts the usual variants
// (full-width digits and comparators, thousands separators, spaces between the
// pieces, "95%以上") but never guesses: anything it cannot read exactly is
// classified UNPARSEABLE with a reason, and the caller keeps the text as filed.
// The parser takes arbitrary bytes from the network, so it never crashes,
// never throws and never overflows, whatever the input.

#include <string>

#include "absl/strings/string_view.h"
#include "budgetperf/v1/evaluation_package.pb.h"

namespace budgetperf {

// Most decimals an indicator number may carry. The forms use at most two; six
// leaves room for per-mille rates while keeping every value comparable with
// int64 arithmetic after scale alignment.
inline constexpr int kMaxIndicatorDecimals = 6;

// Most significant digits in an indicator number: any 18-digit integer fits
// int64 units, a 19-digit one may not.
inline constexpr int kMaxIndicatorSignificantDigits = 18;

// Parses one indicator value cell. Total: returns a ParsedIndicatorValue for
// any byte string (invalid UTF-8 included), with kind set to one of EMPTY,
// QUANTITY, PERIOD, QUALITATIVE, NOT_APPLICABLE or UNPARSEABLE (never
// KIND_UNSPECIFIED); `error` explains an UNPARSEABLE result.
//
//   ParseIndicatorValue("≥95%")       -> QUANTITY, GE, {95, 0}, unit "%"
//   ParseIndicatorValue("916.60万元") -> QUANTITY, {91660, 2}, unit "万元"
//   ParseIndicatorValue("95%以上")    -> QUANTITY, GE, {95, 0}, unit "%"
//   ParseIndicatorValue("2023年度")   -> PERIOD, period_year 2023
//   ParseIndicatorValue("12月底前")   -> PERIOD, period_month 12
//   ParseIndicatorValue("有效改善")   -> QUALITATIVE
//   ParseIndicatorValue("/")          -> NOT_APPLICABLE
//   ParseIndicatorValue("≥≤95%")      -> UNPARSEABLE, error "two comparators"
v1::ParsedIndicatorValue ParseIndicatorValue(absl::string_view text);

// Reads the filer's own statement of achievement for a qualitative indicator.
// Negations and partial statements are checked before the plain verbs, since
// "未达成" and "部分达成" both contain "达成".
//
//   ClassifyAchievement("达成预期指标") -> ACHIEVED
//   ClassifyAchievement("基本完成")     -> PARTIALLY_ACHIEVED
//   ClassifyAchievement("未达成")       -> NOT_ACHIEVED
//   ClassifyAchievement("良好")         -> ACHIEVEMENT_UNSPECIFIED
v1::Achievement ClassifyAchievement(absl::string_view text);

// Sets value->parsed from value->text, replacing whatever was there, so the
// stored reading always matches the stored text. Does nothing for nullptr.
//
//   v1::IndicatorValue v;
//   v.set_text("2600户");
//   FillParsed(&v);  // v.parsed().kind() == QUANTITY
void FillParsed(v1::IndicatorValue* value);

// Short English description of a parsed value, for checker messages.
//
//   DescribeParsed(ParseIndicatorValue("≥95%"))     == "≥ 95 %"
//   DescribeParsed(ParseIndicatorValue("2023年度")) == "period 2023"
//   DescribeParsed(ParseIndicatorValue("好"))       == "qualitative"
//   DescribeParsed(ParseIndicatorValue("9.5.1"))
//       == "unparseable: number has two decimal points"
std::string DescribeParsed(const v1::ParsedIndicatorValue& parsed);

}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_INDICATOR_INDICATOR_VALUE_H_
