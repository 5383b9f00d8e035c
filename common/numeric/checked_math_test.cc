#include "common/numeric/checked_math.h"

#include <cstdint>
#include <limits>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(CheckedAddTest, SumsOrSaysOverflow) {
  EXPECT_EQ(CheckedAdd(2, 3), 5);
  EXPECT_EQ(CheckedAdd(-2, -3), -5);
  EXPECT_EQ(CheckedAdd(kMax, 0), kMax);
  EXPECT_EQ(CheckedAdd(kMax, 1), std::nullopt);
  EXPECT_EQ(CheckedAdd(kMin, -1), std::nullopt);
  EXPECT_EQ(CheckedAdd(kMin, kMax), -1);
}

TEST(CheckedSubtractTest, DifferencesOrSaysOverflow) {
  EXPECT_EQ(CheckedSubtract(2, 3), -1);
  EXPECT_EQ(CheckedSubtract(kMin, 1), std::nullopt);
  EXPECT_EQ(CheckedSubtract(0, kMin), std::nullopt);
  EXPECT_EQ(CheckedSubtract(-1, kMin), kMax);
}

TEST(CheckedMultiplyTest, ProductsOrSaysOverflow) {
  EXPECT_EQ(CheckedMultiply(1'000'000, 10'000), 10'000'000'000);
  EXPECT_EQ(CheckedMultiply(kMax, 2), std::nullopt);
  EXPECT_EQ(CheckedMultiply(kMin, -1), std::nullopt);
  EXPECT_EQ(CheckedMultiply(kMin, 1), kMin);
}

// MulDivRoundHalfUp
// ---------------------------------------------------------------------------

TEST(MulDivRoundHalfUpTest, Table) {
  const struct {
    int64_t a, b, c, expected;
  } cases[] = {
      {13, 10000, 14, 9286},  // staffing control rate 92.86%
      {5, 1, 2, 3},           // 2.5 -> 3
      {-5, 1, 2, -3},         // -2.5 -> -3: half away from zero
      {5, -1, 2, -3},
      {5, 1, -2, -3},
      {-5, -1, -2, -3},
      {-5, -1, 2, 3},
      {7, 1, 3, 2},  // 2.33 -> 2
      {-7, 1, 3, -2},
      {8, 1, 3, 3},  // 2.67 -> 3
      {-8, 1, 3, -3},
      {0, 12345, 7, 0},
      {1, 1, 3, 0},  // 0.33 -> 0
      {1, 1, 2, 1},  // 0.5 -> 1
      {-1, 1, 2, -1},
      {kMax, kMax, kMax, kMax},  // product far beyond int64
      {kMin, kMin, kMin, kMin},
      {kMin, 1, 1, kMin},
      {kMax, 2, 4, kMax / 2 + 1},  // 4611686018427387903.5 -> up
      {kMin, kMax, kMax, kMin},
      {3079, 10000, 2600, 11842},  // 118.42%
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(testing::Message() << c.a << " * " << c.b << " / " << c.c);
    absl::StatusOr<int64_t> r = MulDivRoundHalfUp(c.a, c.b, c.c);
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(*r, c.expected);
  }
}

TEST(MulDivRoundHalfUpTest, Errors) {
  EXPECT_THAT(MulDivRoundHalfUp(1, 1, 0), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(MulDivRoundHalfUp(kMax, 2, 1), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(MulDivRoundHalfUp(kMin, -1, 1), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(MulDivRoundHalfUp(kMin, 1, -1), StatusIs(absl::StatusCode::kOutOfRange));
  // Intermediate products beyond int64 are fine when the result fits.
  EXPECT_EQ(MulDivRoundHalfUp(kMax, 2, 2).value(), kMax);
  EXPECT_EQ(MulDivRoundHalfUp(kMin, -1, -1).value(), kMin);
}

TEST(MulDivRoundHalfUpTest, RoundingPastInt64IsAnError) {
  // a * b = 2^64 - 1 = (2^32 - 1)(2^32 + 1), so a * b / 2 = 2^63 - 0.5: the
  // truncated quotient fits, but rounding half up gives 2^63, which does not.
  const int64_t a = (int64_t{1} << 32) - 1;
  const int64_t b = (int64_t{1} << 32) + 1;
  EXPECT_THAT(MulDivRoundHalfUp(a, b, 2), StatusIs(absl::StatusCode::kOutOfRange));
  // The negative twin rounds to -2^63, which does fit.
  EXPECT_EQ(MulDivRoundHalfUp(-a, b, 2).value(), kMin);
}


TEST(WideMulDivRoundHalfUpTest, OperandsPastInt64) {
  __extension__ const __int128 two_to_90 = static_cast<__int128>(1) << 90;
  // The product 2^180 needs 256 bits; the quotient fits int64.
  EXPECT_EQ(WideMulDivRoundHalfUp(two_to_90 * 3, two_to_90, two_to_90 * (int64_t{1} << 31)).value(),
            int64_t{3} << 59);
  // 3 × 2^100 ÷ 2^101 = 1.5 → 2, −1.5 → −2.
  EXPECT_EQ(WideMulDivRoundHalfUp(3, two_to_90 << 10, two_to_90 << 11).value(), 2);
  EXPECT_EQ(WideMulDivRoundHalfUp(-3, two_to_90 << 10, two_to_90 << 11).value(), -2);
  EXPECT_THAT(WideMulDivRoundHalfUp(two_to_90, two_to_90, 1), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(WideMulDivRoundHalfUp(1, 1, 0), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace budgetperf
