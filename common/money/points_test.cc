#include "common/money/points.h"

#include <cstdint>
#include <limits>

#include "gtest/gtest.h"

namespace budgetperf {
namespace {

TEST(FormatCentipointsTest, TwoDecimals) {
  EXPECT_EQ(FormatCentipoints(1252), "12.52");
  EXPECT_EQ(FormatCentipoints(1000), "10.00");
  EXPECT_EQ(FormatCentipoints(5), "0.05");
  EXPECT_EQ(FormatCentipoints(0), "0.00");
  EXPECT_EQ(FormatCentipoints(-248), "-2.48");
  EXPECT_EQ(FormatCentipoints(9775), "97.75");
  EXPECT_EQ(FormatCentipoints(std::numeric_limits<int64_t>::min()),
            "-92233720368547758.08");
}

TEST(FormatWeightTest, WholeWithoutDecimals) {
  EXPECT_EQ(FormatWeight(1500), "15");
  EXPECT_EQ(FormatWeight(750), "7.50");
  EXPECT_EQ(FormatWeight(1250), "12.50");
  EXPECT_EQ(FormatWeight(0), "0");
  EXPECT_EQ(FormatWeight(-1500), "-15");
  EXPECT_EQ(FormatWeight(-5), "-0.05");
}

}  // namespace
}  // namespace budgetperf
