#include "common/auth/rate_limiter.h"

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace auth {
namespace {

using ::testing::Not;

TEST(RateLimiterTest, BurstThenSteadyRatePerKey) {
  int64_t now = 1000;
  RateLimiter limiter({/*per_second=*/10, /*burst=*/3, [&now] { return now; }});
  EXPECT_TRUE(limiter.TryAcquire("a"));
  EXPECT_TRUE(limiter.TryAcquire("a"));
  EXPECT_TRUE(limiter.TryAcquire("a"));
  EXPECT_FALSE(limiter.TryAcquire("a"));
  EXPECT_TRUE(limiter.TryAcquire("b"));
  now += 100;  // 10/s: one call back
  EXPECT_TRUE(limiter.TryAcquire("a"));
  EXPECT_FALSE(limiter.TryAcquire("a"));
  now += 10'000;  // never more than the burst
  EXPECT_TRUE(limiter.TryAcquire("a"));
  EXPECT_TRUE(limiter.TryAcquire("a"));
  EXPECT_TRUE(limiter.TryAcquire("a"));
  EXPECT_FALSE(limiter.TryAcquire("a"));
}

TEST(RateLimiterTest, ZeroRateMeansNoLimit) {
  RateLimiter limiter({0, 0, {}});
  EXPECT_FALSE(limiter.limited());
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.TryAcquire("a"));
}

TEST(RateLimiterTest, ParseRate) {
  EXPECT_DOUBLE_EQ(*ParseRate("20"), 20);
  EXPECT_DOUBLE_EQ(*ParseRate("20/s"), 20);
  EXPECT_DOUBLE_EQ(*ParseRate("600/min"), 10);
  EXPECT_DOUBLE_EQ(*ParseRate("0"), 0);
  EXPECT_THAT(ParseRate("-1"), Not(IsOk()));
  EXPECT_THAT(ParseRate("fast"), Not(IsOk()));
  EXPECT_THAT(ParseRate("20/h"), Not(IsOk()));
}

}  // namespace
}  // namespace auth
}  // namespace budgetperf
