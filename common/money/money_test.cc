#include "common/money/money.h"

#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace budgetperf {
namespace {

struct ParseCase {
  std::string text;
  int64_t fen;
};

class ParseWanYuanGoodTest : public testing::TestWithParam<ParseCase> {};

TEST_P(ParseWanYuanGoodTest, ReadsExactly) {
  auto fen = ParseWanYuan(GetParam().text);
  ASSERT_TRUE(fen.ok()) << fen.status();
  EXPECT_EQ(*fen, GetParam().fen);
}

INSTANTIATE_TEST_SUITE_P(
    SeedFigures, ParseWanYuanGoodTest,
    testing::Values(ParseCase{"385.37", 385'370'000}, ParseCase{"385.27", 385'270'000},
                    ParseCase{"0.06", 60'000}, ParseCase{"0", 0},
                    ParseCase{"0.00", 0}, ParseCase{"136.52", 136'520'000},
                    ParseCase{"40", 40'000'000}, ParseCase{"916.60", 916'600'000},
                    ParseCase{"9.14", 9'140'000}, ParseCase{"-0.67", -670'000},
                    ParseCase{"+48.66", 48'660'000}, ParseCase{" 23.40 ", 23'400'000},
                    ParseCase{"0.000001", 1}, ParseCase{".5", 500'000},
                    // The largest whole 万元 that fits in int64 fen.
                    ParseCase{"9223372036854.775807", std::numeric_limits<int64_t>::max()}));

class ParseWanYuanBadTest : public testing::TestWithParam<std::string> {};

TEST_P(ParseWanYuanBadTest, RejectsWithTheText) {
  auto fen = ParseWanYuan(GetParam());
  ASSERT_FALSE(fen.ok());
  EXPECT_EQ(fen.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(fen.status().message().find("amount"), absl::string_view::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Garbage, ParseWanYuanBadTest,
    testing::Values("", "   ", "-", "abc", "1.2.3", "1,000", "12万元", "5.",
                    "0.0000001",                // seven decimals: below a fen
                    "9223372036854.775808",     // one fen past int64
                    "99999999999999999999999",  // far past int64
                    "１２３",                   // full-width digits are not accepted here
                    "\xff\xfe", "1e5", "--1"));

TEST(ParseWanYuanTest, RespectsMaxDecimals) {
  EXPECT_TRUE(ParseWanYuan("385.37", 2).ok());
  auto three = ParseWanYuan("385.375", 2);
  ASSERT_FALSE(three.ok());
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
    ASSERT_TRUE(fen.ok());
    auto again = ParseWanYuan(FormatWanYuan(*fen));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *fen) << text;
  }
}

TEST(AddFenTest, DetectsOverflow) {
  EXPECT_EQ(*AddFen(1, 2), 3);
  EXPECT_EQ(AddFen(std::numeric_limits<int64_t>::max(), 1).status().code(),
            absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace budgetperf
