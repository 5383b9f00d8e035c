// The median and MAD on integers of the peer rules, through the public
// RobustOutliers and the private statistics it is made of.

#include "services/consistency/robust_stats.h"

#include <cstdint>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/consistency/audit_rules.h"

namespace budgetperf {
namespace {

using ::testing::ElementsAre;

TEST(RobustOutliersTest, MedianAndMadInIntegers) {
  int64_t median2 = 0;
  int64_t mad4 = 0;
  // Median 14, deviations {0,1,1,2,2,3,3,4,86}: MAD 2, limit 3.5 × 1.4826 ×
  // 2 = 10.38.
  EXPECT_THAT(RobustOutliers({10, 11, 12, 13, 14, 15, 16, 17, 100}, 35000, 8,
                             &median2, &mad4),
              ElementsAre(false, false, false, false, false, false, false,
                          false, true));
  EXPECT_EQ(median2, 28);
  EXPECT_EQ(mad4, 8);
  // An even count: median 2.5, MAD 1, both exact.
  RobustOutliers({4, 1, 3, 2}, 35000, 1, &median2, &mad4);
  EXPECT_EQ(median2, 5);
  EXPECT_EQ(mad4, 4);
}

TEST(RobustOutliersTest, QuietForSmallGroupsAndZeroMad) {
  EXPECT_THAT(RobustOutliers({10, 11, 12, 13, 14, 15, 100}, 35000, 8),
              ElementsAre(false, false, false, false, false, false, false));
  EXPECT_THAT(RobustOutliers({10, 10, 10, 10, 10, 11, 12, 13, 1000}, 35000, 8),
              ElementsAre(false, false, false, false, false, false, false,
                          false, false));
}

TEST(RobustOutliersTest, TheLimitItselfIsNotAnOutlier) {
  // Median 0 and MAD 10000: the limit is 3.5 × 1.4826 × 10000 = 51891.
  std::vector<int64_t> values = {-30000, -20000, -10000, -10000, 0,
                                 10000,  10000,  20000,  51891};
  EXPECT_FALSE(RobustOutliers(values, 35000, 8).back());
  values.back() = 51892;
  EXPECT_TRUE(RobustOutliers(values, 35000, 8).back());
}

TEST(RobustStatsTest, MedianMadAndThresholdRoundAsDocumented) {
  // Median 3, deviations {0,1,1,2,97}: MAD 1; limit 3.5 × 1.4826 × 1 =
  // 5.19, shown as 5.
  const audit_internal::Spread spread =
      audit_internal::SpreadOf({1, 2, 3, 4, 100});
  EXPECT_EQ(audit_internal::Median(spread), 3);
  EXPECT_EQ(audit_internal::Mad(spread), 1);
  EXPECT_EQ(audit_internal::Threshold(spread, 35000), 5);
  EXPECT_TRUE(audit_internal::IsOutlier(100, spread, 35000));
  EXPECT_FALSE(audit_internal::IsOutlier(8, spread, 35000));
  EXPECT_TRUE(audit_internal::IsOutlier(9, spread, 35000));
  // An even count: median 1.5 rounds half up to 2.
  EXPECT_EQ(audit_internal::Median(audit_internal::SpreadOf({1, 2})), 2);
}

}  // namespace
}  // namespace budgetperf
