#include "common/indicator/indicator_value.h"

#include <cstdint>
#include <ostream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "budgetperf/v1/evaluation_package.pb.h"
#include "common/indicator/decimal.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace {

using Parsed = v1::ParsedIndicatorValue;

// One row of the table: the text as filed and the reading we expect.
struct Case {
  std::string name;  // gtest parameter name: [A-Za-z0-9_]
  std::string text;
  Parsed::Kind kind = Parsed::KIND_UNSPECIFIED;
  v1::Comparator comparator = v1::COMPARATOR_UNSPECIFIED;
  int64_t units = 0;
  int32_t scale = 0;
  std::string unit;
  int32_t year = 0;
  int32_t month = 0;
  std::string error;  // substring of the expected error (UNPARSEABLE only)
};

// gtest shows a case by its name instead of dumping its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

Case Of(std::string name, std::string text, Parsed::Kind kind) {
  Case c;
  c.name = std::move(name);
  c.text = std::move(text);
  c.kind = kind;
  return c;
}

Case Quantity(std::string name, std::string text, v1::Comparator comparator,
              int64_t units, int32_t scale, std::string unit) {
  Case c = Of(std::move(name), std::move(text), Parsed::QUANTITY);
  c.comparator = comparator;
  c.units = units;
  c.scale = scale;
  c.unit = std::move(unit);
  return c;
}

Case Period(std::string name, std::string text, int32_t year, int32_t month,
            v1::Comparator comparator = v1::COMPARATOR_UNSPECIFIED) {
  Case c = Of(std::move(name), std::move(text), Parsed::PERIOD);
  c.year = year;
  c.month = month;
  c.comparator = comparator;
  return c;
}

Case Bad(std::string name, std::string text, std::string error) {
  Case c = Of(std::move(name), std::move(text), Parsed::UNPARSEABLE);
  c.error = std::move(error);
  return c;
}

constexpr v1::Comparator kNone = v1::COMPARATOR_UNSPECIFIED;
constexpr v1::Comparator kGe = v1::COMPARATOR_GE;
constexpr v1::Comparator kLe = v1::COMPARATOR_LE;
constexpr v1::Comparator kGt = v1::COMPARATOR_GT;
constexpr v1::Comparator kLt = v1::COMPARATOR_LT;
constexpr v1::Comparator kEq = v1::COMPARATOR_EQ;

std::vector<Case> AllCases() {
  return {
      // Every indicator value in seed/000_1fca6c6e25a453d6.txt.
      Quantity("Seed2600Hu", "2600户", kNone, 2600, 0, "户"),
      Quantity("Seed3079Hu", "3079户", kNone, 3079, 0, "户"),
      Quantity("Seed100Percent", "100%", kNone, 100, 0, "%"),
      Quantity("Seed118_42Percent", "118.42%", kNone, 11842, 2, "%"),
      Period("Seed2023Niandu", "2023年度", 2023, 0),
      Quantity("Seed765Wanyuan", "765万元", kNone, 765, 0, "万元"),
      Quantity("Seed916_60Wanyuan", "916.60万元", kNone, 91660, 2, "万元"),
      Quantity("Seed95Percent", "95%", kNone, 95, 0, "%"),
      Quantity("Seed40", "40", kNone, 40, 0, ""),
      Of("SeedSlash", "/", Parsed::NOT_APPLICABLE),

      // Comparators, each spelling.
      Quantity("GeSymbol", "≥95%", kGe, 95, 0, "%"),
      Quantity("LeSymbol", "≤765万元", kLe, 765, 0, "万元"),
      Quantity("GtFullWidth", "＞90%", kGt, 90, 0, "%"),
      Quantity("LtFullWidth", "＜5%", kLt, 5, 0, "%"),
      Quantity("GtAscii", ">90%", kGt, 90, 0, "%"),
      Quantity("LtAscii", "<5%", kLt, 5, 0, "%"),
      Quantity("EqAscii", "=100%", kEq, 100, 0, "%"),
      Quantity("EqFullWidth", "＝100%", kEq, 100, 0, "%"),
      Quantity("GeAscii", ">=95%", kGe, 95, 0, "%"),
      Quantity("LeAscii", "<=95%", kLe, 95, 0, "%"),
      Quantity("GeFullWidthPair", "＞＝95%", kGe, 95, 0, "%"),
      Quantity("LeFullWidthPair", "＜＝95%", kLe, 95, 0, "%"),
      Quantity("GeSlanted", "≧95%", kGe, 95, 0, "%"),
      Quantity("LeSlanted", "≦95%", kLe, 95, 0, "%"),
      Quantity("GeWordBuDiYu", "不低于95%", kGe, 95, 0, "%"),
      Quantity("LeWordBuGaoYu", "不高于765万元", kLe, 765, 0, "万元"),
      Quantity("LeWordBuChaoGuo", "不超过765万元", kLe, 765, 0, "万元"),
      Quantity("GtWordDaYu", "大于90%", kGt, 90, 0, "%"),
      Quantity("GtWordGaoYu", "高于90%", kGt, 90, 0, "%"),
      Quantity("LtWordXiaoYu", "小于5%", kLt, 5, 0, "%"),
      Quantity("LtWordDiYu", "低于5%", kLt, 5, 0, "%"),
      Quantity("EqWordDengYu", "等于100%", kEq, 100, 0, "%"),
      Quantity("GeWordDaYuDengYu", "大于等于95%", kGe, 95, 0, "%"),
      Quantity("WordComparatorThenSpace", "不低于 95 %", kGe, 95, 0, "%"),

      // Spaces between the pieces, of every kind filers produce.
      Quantity("AsciiSpaces", ">= 95 %", kGe, 95, 0, "%"),
      Quantity("IdeographicSpace", "≥\u300095\u3000%", kGe, 95, 0, "%"),
      Quantity("Nbsp", "≥\u00a095\u00a0%", kGe, 95, 0, "%"),
      Quantity("SurroundingSpaces", " \t 2600户 \u3000", kNone, 2600, 0, "户"),

      // Number forms.
      Quantity("FullWidthDigits", "９５．５％", kNone, 955, 1, "%"),
      Quantity("FullWidthWithComparator", "≥９５％", kGe, 95, 0, "%"),
      Quantity("FullWidthUnitPercent", "50％", kNone, 50, 0, "%"),
      Quantity("ThousandsAscii", "2,600户", kNone, 2600, 0, "户"),
      Quantity("ThousandsFullWidth", "2，600户", kNone, 2600, 0, "户"),
      Quantity("ThousandsTwoGroups", "1,234,567元", kNone, 1234567, 0, "元"),
      Quantity("ThousandsWithDecimals", "1,234.50万元", kNone, 123450, 2,
               "万元"),
      Quantity("LeadingZeros", "007", kNone, 7, 0, ""),
      Quantity("Zero", "0", kNone, 0, 0, ""),
      Quantity("ZeroWithDecimals", "0.00%", kNone, 0, 2, "%"),
      Quantity("SixDecimals", "0.000001", kNone, 1, 6, ""),
      Quantity("EighteenDigits", "999999999999999999", kNone,
               999999999999999999, 0, ""),
      Quantity("EighteenSignificantAfterZeros", "000000999999999999999999",
               kNone, 999999999999999999, 0, ""),
      Quantity("Negative", "-5%", kNone, -5, 0, "%"),
      Quantity("NegativeAfterComparator", "≥-5%", kGe, -5, 0, "%"),
      Quantity("ExplicitPlus", "+5%", kNone, 5, 0, "%"),

      // Units.
      Quantity("UnitRen", "13人", kNone, 13, 0, "人"),
      Quantity("UnitGe", "3个", kNone, 3, 0, "个"),
      Quantity("UnitYuan", "500元", kNone, 500, 0, "元"),
      Quantity("UnitTian", "30天", kNone, 30, 0, "天"),
      Quantity("UnitCi", "12次", kNone, 12, 0, "次"),
      Quantity("UnitXiang", "5项", kNone, 5, 0, "项"),
      Quantity("UnitTao", "100套", kNone, 100, 0, "套"),
      Quantity("UnitSquareMetres", "10.5平方米", kNone, 105, 1, "平方米"),
      Quantity("UnitM2Superscript", "120m²", kNone, 120, 0, "m²"),
      Quantity("UnitM2Ascii", "120m2", kNone, 120, 0, "m2"),
      Quantity("UnitMonths", "3个月", kNone, 3, 0, "个月"),
      Quantity("UnitYearsDuration", "3年", kNone, 3, 0, "年"),
      Quantity("ThirteenMonthsIsNotADate", "13月", kNone, 13, 0, "月"),
      Quantity("UnitWithSlash", "2次/年", kNone, 2, 0, "次/年"),

      // Comparator words after the value.
      Quantity("SuffixYiShang", "95%以上", kGe, 95, 0, "%"),
      Quantity("SuffixJiYiShang", "95%及以上", kGe, 95, 0, "%"),
      Quantity("SuffixYiXia", "765万元以下", kLe, 765, 0, "万元"),
      Quantity("SuffixYiNei", "30天以内", kLe, 30, 0, "天"),
      Quantity("SuffixNeiAfterTimeUnit", "3个工作日内", kLe, 3, 0, "个工作日"),
      Quantity("SuffixNoUnit", "95 以上", kGe, 95, 0, ""),
      Quantity("SuffixAgreesWithComparator", "≥95%以上", kGe, 95, 0, "%"),

      // Periods.
      Period("YearNiandu", "2023年度", 2023, 0),
      Period("YearOnly", "2023年", 2023, 0),
      Period("MonthBefore", "9月前", 0, 9),
      Period("MonthEndBefore", "12月底前", 0, 12),
      Period("FullDateBefore", "2023年12月31日前", 2023, 12),
      Period("Quannian", "全年", 0, 0),
      Period("NiandiQian", "年底前", 0, 0),
      Period("YearEndBefore", "2023年底前", 2023, 0),
      Period("YearWithin", "2023年度内", 2023, 0),
      Period("MonthRange", "1-12月", 0, 12),
      Period("DeadlineWithVerb", "6月30日前完成", 0, 6),
      Period("FullWidthYear", "２０２３年度", 2023, 0),
      Period("ComparatorBeforeDate", "≤2023年12月", 2023, 12, kLe),
      Period("WordComparatorBeforeDate", "不晚于2023年12月底", 2023, 12, kLe),

      // Statements.
      Of("QualDachengYuqi", "达成预期指标", Parsed::QUALITATIVE),
      Of("QualYouxiaoGaishan", "有效改善", Parsed::QUALITATIVE),
      Of("QualHao", "好", Parsed::QUALITATIVE),
      Of("QualXianzhu", "显著", Parsed::QUALITATIVE),
      Of("QualWordComparatorWithoutNumber", "高于上年", Parsed::QUALITATIVE),
      Of("QualBulleted", "- 有效改善", Parsed::QUALITATIVE),
      Of("QualSentenceWithNumber", "较上年提高5%", Parsed::QUALITATIVE),
      Of("QualDateThenWords", "2023年完成改造", Parsed::QUALITATIVE),
      Of("QualLatin", "good", Parsed::QUALITATIVE),

      // Not applicable.
      Of("NaSlash", "/", Parsed::NOT_APPLICABLE),
      Of("NaFullWidthSlash", "／", Parsed::NOT_APPLICABLE),
      Of("NaEmDash", "—", Parsed::NOT_APPLICABLE),
      Of("NaDoubleEmDash", "——", Parsed::NOT_APPLICABLE),
      Of("NaHyphen", "-", Parsed::NOT_APPLICABLE),
      Of("NaFullWidthHyphen", "－", Parsed::NOT_APPLICABLE),
      Of("NaWu", "无", Parsed::NOT_APPLICABLE),
      Of("NaWithSpaces", " / ", Parsed::NOT_APPLICABLE),

      // Nothing written.
      Of("EmptyString", "", Parsed::EMPTY),
      Of("OnlySpaces", "   ", Parsed::EMPTY),
      Of("OnlyMixedWhitespace", " \t\u3000\u00a0\r\n", Parsed::EMPTY),

      // Malformed.
      Bad("TwoComparators", "≥≤95%", "two comparators"),
      Bad("TwoComparatorsWithSpace", "≥ ≤95%", "two comparators"),
      Bad("TwoEquals", "==95", "two comparators"),
      Bad("SuffixContradictsComparator", "≤95%以上", "two comparators"),
      Bad("TwoSuffixes", "95%以下以上", "two comparators"),
      Bad("ComparatorAfterNumber", "95%≥", "comparator after the number"),
      Bad("LoneComparator", "≥", "comparator without a number"),
      Bad("ComparatorThenSpaces", "≥ \u3000", "comparator without a number"),
      Bad("ComparatorThenWords", "≥abc", "expected a number"),
      Bad("TwoPoints", "9.5.1", "two decimal points"),
      Bad("TrailingPointAfterFraction", "9.5.", "two decimal points"),
      Bad("TrailingPoint", "95.", "decimal point without digits"),
      Bad("TrailingPointThenUnit", "95.%", "decimal point without digits"),
      Bad("LeadingPoint", ".5", "starts with a decimal point"),
      Bad("ComparatorThenLeadingPoint", "≥.5%", "starts with a decimal point"),
      Bad("ThirtyDigits", "123456789012345678901234567890",
          "more than 18 significant digits"),
      Bad("ThirtyDigitsWithUnit", "≥123456789012345678901234567890万元",
          "more than 18 significant digits"),
      Bad("NineteenDigits", "1234567890123456789",
          "more than 18 significant digits"),
      Bad("ManySignificantDecimals", "1.234567890123456789", "more than"),
      Bad("SevenDecimals", "1.1234567", "more than 6 decimals"),
      Bad("InvalidUtf8", "\xff\xfe", "invalid UTF-8 at byte 0"),
      Bad("TruncatedHu", "2600\xe6\x88", "invalid UTF-8 at byte 4"),
      Bad("TruncatedAtStart", "\xe2\x89", "invalid UTF-8"),
      Bad("OverlongSlash", "\xc0\xaf", "invalid UTF-8"),
      Bad("Surrogate", "\xed\xa0\x80", "invalid UTF-8"),
      Bad("AboveUnicode", "\xf4\x90\x80\x80", "invalid UTF-8"),
      Bad("LoneContinuation", "95\x80%", "invalid UTF-8 at byte 2"),
      Bad("TwoValues", "2600户3079户", "second number"),
      Bad("Range", "90%-100%", "second number"),
      Bad("SpaceInsideNumber", "2 600户", "second number"),
      Bad("ThousandsShortGroup", "1,2", "thousands separator"),
      Bad("ThousandsLongFirstGroup", "1234,567", "thousands separator"),
      Bad("ThousandsShortMiddle", "12,34户", "thousands separator"),
      Bad("ThousandsAfterPoint", "1.5,000", "thousands separator"),
      Bad("SignWithoutNumber", "≥-%", "sign without a number"),
      Bad("OnlySymbols", "***", "neither a number nor words"),
      Bad("DateThenGarbageAfterComparator", "≥2023年度预算",
          "unexpected text after the date"),
  };
}

class ParseIndicatorValueTest : public testing::TestWithParam<Case> {};

TEST_P(ParseIndicatorValueTest, ReadsAsExpected) {
  const Case& c = GetParam();
  const Parsed parsed = ParseIndicatorValue(c.text);
  SCOPED_TRACE(parsed.ShortDebugString());
  ASSERT_EQ(parsed.kind(), c.kind);
  EXPECT_EQ(parsed.comparator(), c.comparator);
  EXPECT_EQ(parsed.number().units(), c.units);
  EXPECT_EQ(parsed.number().scale(), c.scale);
  EXPECT_EQ(parsed.unit(), c.unit);
  EXPECT_EQ(parsed.period_year(), c.year);
  EXPECT_EQ(parsed.period_month(), c.month);
  if (c.kind == Parsed::UNPARSEABLE) {
    EXPECT_TRUE(absl::StrContains(parsed.error(), c.error))
        << "error \"" << parsed.error() << "\" lacks \"" << c.error << "\"";
  } else {
    EXPECT_EQ(parsed.error(), "");
  }
}

INSTANTIATE_TEST_SUITE_P(Table, ParseIndicatorValueTest,
                         testing::ValuesIn(AllCases()),
                         [](const testing::TestParamInfo<Case>& param_info) {
                           return param_info.param.name;
                         });

// ---------------------------------------------------------------------------
// DescribeParsed
// ---------------------------------------------------------------------------

TEST(DescribeParsedTest, Table) {
  const struct {
    absl::string_view text;
    absl::string_view expected;
  } cases[] = {
      {"≥95%", "≥ 95 %"},
      {"916.60万元", "916.60 万元"},
      {"＜＝765万元", "≤ 765 万元"},
      {"＞90%", "> 90 %"},
      {"<5", "< 5"},
      {"=100%", "= 100 %"},
      {"40", "40"},
      {"-5%", "-5 %"},
      {"2023年度", "period 2023"},
      {"2023年9月前", "period 2023-09"},
      {"2023年12月31日前", "period 2023-12"},
      {"9月前", "period month 9"},
      {"全年", "period"},
      {"≤2023年12月", "period ≤ 2023-12"},
      {"好", "qualitative"},
      {"/", "not applicable"},
      {"", "empty"},
      {"9.5.1", "unparseable: number has two decimal points"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(DescribeParsed(ParseIndicatorValue(c.text)), c.expected)
        << c.text;
  }
  EXPECT_EQ(DescribeParsed(Parsed()), "unspecified");
}

// ---------------------------------------------------------------------------
// ClassifyAchievement
// ---------------------------------------------------------------------------

TEST(ClassifyAchievementTest, Table) {
  const struct {
    absl::string_view text;
    v1::Achievement expected;
  } cases[] = {
      {"达成预期指标", v1::ACHIEVED},
      {"达成", v1::ACHIEVED},
      {"完成", v1::ACHIEVED},
      {"已完成", v1::ACHIEVED},
      {"达成年度指标", v1::ACHIEVED},
      {"部分达成", v1::PARTIALLY_ACHIEVED},
      {"基本达成", v1::PARTIALLY_ACHIEVED},
      {"部分完成", v1::PARTIALLY_ACHIEVED},
      {"基本完成", v1::PARTIALLY_ACHIEVED},
      {"部分达成年度指标", v1::PARTIALLY_ACHIEVED},
      {"未达成", v1::NOT_ACHIEVED},
      {"未完成", v1::NOT_ACHIEVED},
      {"未达成年度指标", v1::NOT_ACHIEVED},
      {"尚未完成", v1::NOT_ACHIEVED},
      {"良好", v1::ACHIEVEMENT_UNSPECIFIED},
      {"", v1::ACHIEVEMENT_UNSPECIFIED},
      {"95%", v1::ACHIEVEMENT_UNSPECIFIED},
      {"\xff\xfe\xe8\xbe", v1::ACHIEVEMENT_UNSPECIFIED},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ClassifyAchievement(c.text), c.expected) << c.text;
  }
}

// ---------------------------------------------------------------------------
// FillParsed
// ---------------------------------------------------------------------------

TEST(FillParsedTest, SetsParsedFromText) {
  v1::IndicatorValue value;
  value.set_text("≤765万元");
  FillParsed(&value);
  EXPECT_EQ(value.text(), "≤765万元");  // the filed text is never touched
  EXPECT_EQ(value.parsed().kind(), Parsed::QUANTITY);
  EXPECT_EQ(value.parsed().comparator(), v1::COMPARATOR_LE);
  EXPECT_EQ(value.parsed().number().units(), 765);
  EXPECT_EQ(value.parsed().unit(), "万元");
}

TEST(FillParsedTest, ReplacesAStaleReading) {
  v1::IndicatorValue value;
  value.set_text("2023年度");
  value.mutable_parsed()->set_kind(Parsed::QUANTITY);
  value.mutable_parsed()->set_unit("户");
  value.mutable_parsed()->mutable_number()->set_units(7);
  FillParsed(&value);
  EXPECT_EQ(value.parsed().kind(), Parsed::PERIOD);
  EXPECT_EQ(value.parsed().period_year(), 2023);
  EXPECT_EQ(value.parsed().unit(), "");
  EXPECT_EQ(value.parsed().number().units(), 0);
}

TEST(FillParsedTest, KeepsUnparseableText) {
  v1::IndicatorValue value;
  value.set_text("≥≤95%");
  FillParsed(&value);
  EXPECT_EQ(value.text(), "≥≤95%");
  EXPECT_EQ(value.parsed().kind(), Parsed::UNPARSEABLE);
  EXPECT_FALSE(value.parsed().error().empty());
}

TEST(FillParsedTest, NullIsANoOp) { FillParsed(nullptr); }

// ---------------------------------------------------------------------------
// Fuzzing: no crash, a valid kind, a well-formed message, for any bytes.
// ---------------------------------------------------------------------------

// Checks the invariants every result must satisfy, whatever the input.
void ExpectWellFormed(absl::string_view text, const Parsed& parsed) {
  SCOPED_TRACE(testing::Message() << "input bytes: \"" << text << "\"");
  ASSERT_GE(parsed.kind(), Parsed::EMPTY);
  ASSERT_LE(parsed.kind(), Parsed::UNPARSEABLE);
  EXPECT_EQ(parsed.kind() == Parsed::UNPARSEABLE, !parsed.error().empty());
  if (parsed.kind() == Parsed::QUANTITY) {
    EXPECT_GE(parsed.number().scale(), 0);
    EXPECT_LE(parsed.number().scale(), kMaxIndicatorDecimals);
  } else {
    EXPECT_EQ(parsed.number().units(), 0);
    EXPECT_TRUE(parsed.unit().empty());
  }
  if (parsed.kind() != Parsed::PERIOD) {
    EXPECT_EQ(parsed.period_year(), 0);
    EXPECT_EQ(parsed.period_month(), 0);
  }
  EXPECT_GE(parsed.period_month(), 0);
  EXPECT_LE(parsed.period_month(), 12);
  EXPECT_FALSE(DescribeParsed(parsed).empty());
  // proto3 refuses to parse string fields that are not UTF-8, so a round
  // trip proves unit and error are valid UTF-8 even for hostile input.
  Parsed copy;
  ASSERT_TRUE(copy.ParseFromString(parsed.SerializeAsString()));
  EXPECT_EQ(copy.SerializeAsString(), parsed.SerializeAsString());
  // Deterministic: the same bytes always read the same way.
  EXPECT_EQ(ParseIndicatorValue(text).SerializeAsString(),
            parsed.SerializeAsString());
}

TEST(ParseIndicatorValueFuzzTest, RandomBytesNeverCrash) {
  std::mt19937 rng(20240601);
  std::uniform_int_distribution<int> length(0, 24);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const int n = length(rng);
    for (int k = 0; k < n; ++k) text.push_back(static_cast<char>(byte(rng)));
    ExpectWellFormed(text, ParseIndicatorValue(text));
    if (HasFatalFailure()) return;
  }
}

TEST(ParseIndicatorValueFuzzTest, RandomFragmentsNeverCrash) {
  // Random bytes rarely form valid UTF-8, so also splice together the
  // fragments the grammar cares about, plus stray bytes, to reach the deeper
  // branches (comparators, periods, suffixes, grouping).
  const std::vector<std::string> fragments = {
      "≥",
      "≤",
      "＞",
      "＜",
      ">",
      "<",
      "=",
      "＝",
      "不低于",
      "高于",
      "9",
      "0",
      "1",
      "2023",
      "12",
      ".",
      "．",
      ",",
      "，",
      "%",
      "％",
      "户",
      "万元",
      "年",
      "度",
      "月",
      "日",
      "前",
      "底",
      "内",
      "以上",
      "以下",
      "以内",
      "个月",
      "天",
      " ",
      "\u3000",
      "\u00a0",
      "０",
      "９",
      "-",
      "+",
      "/",
      "—",
      "无",
      "达成",
      "m",
      "²",
      "\xe6",
      "\x88",
      "\xff",
      "\xc0",
      std::string(1, '\0'),
  };
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> length(0, 10);
  std::uniform_int_distribution<size_t> pick(0, fragments.size() - 1);
  int quantities = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const int n = length(rng);
    for (int k = 0; k < n; ++k) text += fragments[pick(rng)];
    const Parsed parsed = ParseIndicatorValue(text);
    ExpectWellFormed(text, parsed);
    if (HasFatalFailure()) return;
    quantities += parsed.kind() == Parsed::QUANTITY;
  }
  EXPECT_GT(quantities, 0);  // the loop did reach the number grammar
}

TEST(ParseIndicatorValueFuzzTest, PlainNumbersAgreeWithParseDecimal) {
  // For plain ASCII decimals the indicator parser and ParseDecimal must read
  // the same value, and refuse exactly the numbers beyond the documented
  // limits.
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> int_digits(1, 22);
  std::uniform_int_distribution<int> frac_digits(0, 8);
  std::uniform_int_distribution<int> digit(0, 9);
  std::uniform_int_distribution<int> zeros(0, 3);
  for (int i = 0; i < 5000; ++i) {
    std::string text(static_cast<size_t>(zeros(rng)), '0');
    const int whole = int_digits(rng);
    for (int k = 0; k < whole; ++k)
      text.push_back(static_cast<char>('0' + digit(rng)));
    const int decimals = frac_digits(rng);
    if (decimals > 0) {
      text.push_back('.');
      for (int k = 0; k < decimals; ++k)
        text.push_back(static_cast<char>('0' + digit(rng)));
    }
    std::string all_digits;
    for (char ch : text) {
      if (ch != '.') all_digits.push_back(ch);
    }
    const size_t first = all_digits.find_first_not_of('0');
    const size_t significant =
        first == std::string::npos ? 0 : all_digits.size() - first;
    const bool readable = significant <= 18 && decimals <= 6;

    const Parsed parsed = ParseIndicatorValue(text);
    SCOPED_TRACE(text);
    ASSERT_EQ(parsed.kind(), readable ? Parsed::QUANTITY : Parsed::UNPARSEABLE);
    if (readable) {
      absl::StatusOr<v1::Decimal> d = ParseDecimal(text);
      ASSERT_THAT(d, IsOk());
      EXPECT_EQ(parsed.number().units(), d->units());
      EXPECT_EQ(parsed.number().scale(), d->scale());
      EXPECT_EQ(CompareDecimal(parsed.number(), *d), 0);
    }
  }
}

}  // namespace
}  // namespace budgetperf
