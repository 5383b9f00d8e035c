#include "common/money/money.h"

#include <cstdint>
#include <limits>
#include <ostream>
#include <string>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace {

struct ParseCase {
  std::string name;  // the test's name
  std::string text;
  int64_t fen;
};

// gtest shows a case by its name instead of dumping its bytes.
void PrintTo(const ParseCase& c, std::ostream* os) { *os << c.name; }

// Names parameterised tests by their case's `name` field.
template <typename Case>
std::string CaseName(const testing::TestParamInfo<Case>& info) {
  return info.param.name;
}

class ParseWanYuanGoodTest : public testing::TestWithParam<ParseCase> {};

TEST_P(ParseWanYuanGoodTest, ReadsExactly) {
  auto fen = ParseWanYuan(GetParam().text);
  ASSERT_THAT(fen, IsOk());
  EXPECT_EQ(*fen, GetParam().fen);
}

INSTANTIATE_TEST_SUITE_P(
    SeedFigures, ParseWanYuanGoodTest,
    testing::Values(ParseCase{"Total385_37", "385.37", 385'370'000},
                    ParseCase{"Total385_27", "385.27", 385'270'000},
                    ParseCase{"Cents0_06", "0.06", 60'000}, ParseCase{"Zero", "0", 0},
                    ParseCase{"ZeroWithDecimals", "0.00", 0},
                    ParseCase{"Spending136_52", "136.52", 136'520'000},
                    ParseCase{"Whole40", "40", 40'000'000},
                    ParseCase{"TrailingZero916_60", "916.60", 916'600'000},
                    ParseCase{"Small9_14", "9.14", 9'140'000},
                    ParseCase{"Negative", "-0.67", -670'000},
                    ParseCase{"PlusSign", "+48.66", 48'660'000},
                    ParseCase{"SurroundingSpaces", " 23.40 ", 23'400'000},
                    ParseCase{"OneFen", "0.000001", 1},
                    ParseCase{"NoLeadingDigit", ".5", 500'000},
                    // The largest whole 万元 that fits in int64 fen.
                    ParseCase{"Int64Max", "9223372036854.775807",
                              std::numeric_limits<int64_t>::max()}),
    CaseName<ParseCase>);

struct BadCase {
  std::string name;  // the test's name
  std::string text;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class ParseWanYuanBadTest : public testing::TestWithParam<BadCase> {};

TEST_P(ParseWanYuanBadTest, RejectsWithTheText) {
  auto fen = ParseWanYuan(GetParam().text);
  ASSERT_THAT(fen, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_NE(fen.status().message().find("amount"), absl::string_view::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Garbage, ParseWanYuanBadTest,
    testing::Values(BadCase{"Empty", ""}, BadCase{"Spaces", "   "}, BadCase{"SignOnly", "-"},
                    BadCase{"Letters", "abc"}, BadCase{"TwoPoints", "1.2.3"},
                    BadCase{"ThousandsSeparator", "1,000"}, BadCase{"WithUnit", "12万元"},
                    BadCase{"TrailingPoint", "5."},
                    BadCase{"SevenDecimals", "0.0000001"},  // below a fen
                    BadCase{"OneFenPastInt64", "9223372036854.775808"},
                    BadCase{"FarPastInt64", "99999999999999999999999"},
                    // Full-width digits are not accepted here.
                    BadCase{"FullWidthDigits", "１２３"}, BadCase{"NotUtf8", "\xff\xfe"},
                    BadCase{"Exponent", "1e5"}, BadCase{"TwoSigns", "--1"}),
    CaseName<BadCase>);

TEST(ParseWanYuanTest, RespectsMaxDecimals) {
  EXPECT_THAT(ParseWanYuan("385.37", 2), IsOk());
  auto three = ParseWanYuan("385.375", 2);
  ASSERT_THAT(three, ::testing::Not(IsOk()));
  EXPECT_NE(three.status().message().find("more than 2 decimals"),
            absl::string_view::npos);
}

TEST(FormatWanYuanTest, TwoDecimalsOrAsManyAsNeeded) {
  EXPECT_EQ(FormatWanYuan(385'370'000), "385.37");
  EXPECT_EQ(FormatWanYuan(60'000), "0.06");
  EXPECT_EQ(FormatWanYuan(0), "0.00");
  EXPECT_EQ(FormatWanYuan(40'000'000), "40.00");
  EXPECT_EQ(FormatWanYuan(-670'000), "-0.67");
  EXPECT_EQ(FormatWanYuan(1), "0.000001");
  EXPECT_EQ(FormatWanYuan(123'450), "0.12345");
  EXPECT_EQ(FormatWanYuan(std::numeric_limits<int64_t>::min()),
            "-9223372036854.775808");
}

TEST(FormatWanYuanTest, RoundTripsEveryParsedValue) {
  for (const char* text : {"385.37", "0.06", "916.60", "-7.55", "12345678.90"}) {
    auto fen = ParseWanYuan(text);
    ASSERT_THAT(fen, IsOk());
    auto again = ParseWanYuan(FormatWanYuan(*fen));
    ASSERT_THAT(again, IsOk());
    EXPECT_EQ(*again, *fen) << text;
  }
}

TEST(AddFenTest, DetectsOverflow) {
  EXPECT_EQ(*AddFen(1, 2), 3);
  EXPECT_THAT(AddFen(std::numeric_limits<int64_t>::max(), 1), StatusIs(absl::StatusCode::kOutOfRange));
}

}  // namespace
}  // namespace budgetperf
