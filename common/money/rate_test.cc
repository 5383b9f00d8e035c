#include "common/money/rate.h"

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace {

TEST(RateBasisPointsTest, SeedRates) {
  EXPECT_EQ(*RateBasisPoints(13, 14), 9286);                   // staffing 92.86%
  EXPECT_EQ(*RateBasisPoints(385'270'000, 385'370'000), 9997);  // execution 99.97%
  EXPECT_EQ(*RateBasisPoints(3079, 2600), 11842);              // 118.42%
  EXPECT_EQ(*RateBasisPoints(40, 40), 10000);
}

TEST(RateBasisPointsTest, RoundsHalfUp) {
  EXPECT_EQ(*RateBasisPoints(1, 8), 1250);       // 12.5% exactly
  EXPECT_EQ(*RateBasisPoints(1, 20000), 1);      // 0.005% → 0.01%
  EXPECT_EQ(*RateBasisPoints(1, 20001), 0);      // just under half
  EXPECT_EQ(*RateBasisPoints(-1, 20000), -1);    // half away from zero
  EXPECT_EQ(*RateBasisPoints(1, -20000), -1);
  EXPECT_EQ(*RateBasisPoints(2, 3), 6667);
}

TEST(RateBasisPointsTest, ZeroDenominatorIsAnError) {
  EXPECT_THAT(RateBasisPoints(5, 0), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(RateBasisPointsTest, LargeAmountsDoNotOverflow) {
  const int64_t big = 9'000'000'000'000'000'000;
  EXPECT_EQ(*RateBasisPoints(big, big), 10000);
  EXPECT_THAT(RateBasisPoints(big, 1), StatusIs(absl::StatusCode::kOutOfRange));
}

TEST(FormatBasisPointsTest, TwoDecimals) {
  EXPECT_EQ(FormatBasisPoints(9286), "92.86%");
  EXPECT_EQ(FormatBasisPoints(10000), "100.00%");
  EXPECT_EQ(FormatBasisPoints(5), "0.05%");
  EXPECT_EQ(FormatBasisPoints(-67), "-0.67%");
}

TEST(ParseFiledRateTest, ReadsAsWritten) {
  auto r = ParseFiledRate("92.86%");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->basis_points, 9286);
  EXPECT_EQ(r->decimals, 2);
  r = ParseFiledRate("81.7%");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->basis_points, 8170);
  EXPECT_EQ(r->decimals, 1);
  r = ParseFiledRate("100%");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->basis_points, 10000);
  EXPECT_EQ(r->decimals, 0);
  EXPECT_EQ(ParseFiledRate(" 99.97 ％")->basis_points, 9997);
  EXPECT_EQ(ParseFiledRate("5.9")->basis_points, 590);
}

TEST(ParseFiledRateTest, RejectsGarbage) {
  for (const char* bad : {"", "%", "abc%", "1.2.3%", "92.861%", "9.%", "--5%"}) {
    EXPECT_THAT(ParseFiledRate(bad), StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
  }
}

TEST(FiledRateAgreesTest, RespectsTheFilersRounding) {
  EXPECT_TRUE(FiledRateAgrees(9286, 2, 13, 14));
  EXPECT_TRUE(FiledRateAgrees(9997, 2, 385'270'000, 385'370'000));
  EXPECT_FALSE(FiledRateAgrees(9287, 2, 13, 14));
  // The seed's 81.7%: 206.27 ÷ 252.47 = 81.70%, agrees; ÷ 292.47 = 70.53% does not.
  EXPECT_TRUE(FiledRateAgrees(8170, 1, 206'270'000, 252'470'000));
  EXPECT_FALSE(FiledRateAgrees(8170, 1, 206'270'000, 292'470'000));
  // "93%" for 13 ÷ 14 = 92.857…% rounds to 93.
  EXPECT_TRUE(FiledRateAgrees(9300, 0, 13, 14));
  EXPECT_FALSE(FiledRateAgrees(9200, 0, 13, 14));
  EXPECT_FALSE(FiledRateAgrees(100, 2, 1, 0));
}

}  // namespace
}  // namespace budgetperf
