#include "common/indicator/decimal.h"

#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "budgetperf/v1/evaluation_package.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

v1::Decimal Dec(int64_t units, int32_t scale = 0) {
  v1::Decimal d;
  d.set_units(units);
  d.set_scale(scale);
  return d;
}

// ---------------------------------------------------------------------------
// CompareDecimal
// ---------------------------------------------------------------------------

struct CompareCase {
  v1::Decimal a;
  v1::Decimal b;
  int expected;
};

TEST(CompareDecimalTest, Table) {
  const CompareCase cases[] = {
      {Dec(9166, 1), Dec(91660, 2), 0},  // 916.6 == 916.60
      {Dec(765), Dec(91660, 2), -1},     // 765 < 916.60
      {Dec(91660, 2), Dec(765), 1},
      {Dec(0), Dec(0, 5), 0},  // zero at any scale
      {Dec(-1), Dec(0), -1},
      {Dec(0), Dec(-1, 3), 1},
      {Dec(-5, 1), Dec(-50, 2), 0},   // -0.5 == -0.50
      {Dec(-51, 2), Dec(-5, 1), -1},  // -0.51 < -0.5
      {Dec(11842, 2), Dec(100), 1},   // 118.42% > 100%
      {Dec(kMax), Dec(kMax, 18), 1},
      {Dec(kMax, 18), Dec(kMax), -1},
      {Dec(kMin), Dec(kMin, 18), -1},
      {Dec(kMax, 0), Dec(1, -19), -1},  // 9.2e18 < 1e19
      {Dec(kMax, 0), Dec(1, -18), 1},   // 9.2e18 > 1e18
      // Scale differences that would overflow any fixed-width product.
      {Dec(1, 2147483647), Dec(1, -2147483647 - 1), -1},
      {Dec(-1, 2147483647), Dec(-1, -2147483647 - 1), 1},
      {Dec(kMax, -2147483647 - 1), Dec(kMax, 2147483647), 1},
      {Dec(5, 40), Dec(kMax, 60), 1},
  };
  for (const CompareCase& c : cases) {
    SCOPED_TRACE(c.a.ShortDebugString() + " vs " + c.b.ShortDebugString());
    EXPECT_EQ(CompareDecimal(c.a, c.b), c.expected);
    EXPECT_EQ(CompareDecimal(c.b, c.a), -c.expected);  // antisymmetric
  }
}

// ---------------------------------------------------------------------------
// FormatDecimal
// ---------------------------------------------------------------------------

TEST(FormatDecimalTest, Table) {
  const struct {
    v1::Decimal d;
    absl::string_view expected;
  } cases[] = {
      {Dec(91660, 2), "916.60"},
      {Dec(765), "765"},
      {Dec(11842, 2), "118.42"},
      {Dec(-5, 1), "-0.5"},
      {Dec(5, 3), "0.005"},
      {Dec(0, 2), "0.00"},
      {Dec(0), "0"},
      {Dec(0, -3), "0"},
      {Dec(12, -2), "1200"},
      {Dec(kMin), "-9223372036854775808"},
      {Dec(kMin, 19), "-0.9223372036854775808"},
      {Dec(kMax, 2), "92233720368547758.07"},
      {Dec(7, 39), "7e-39"},
      {Dec(7, -39), "7e39"},
      {Dec(1, 2147483647), "1e-2147483647"},
      {Dec(1, -2147483647 - 1), "1e2147483648"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(FormatDecimal(c.d), c.expected) << c.d.ShortDebugString();
  }
}

// ---------------------------------------------------------------------------
// ParseDecimal
// ---------------------------------------------------------------------------

TEST(ParseDecimalTest, AcceptsPlainDecimals) {
  const struct {
    absl::string_view text;
    int64_t units;
    int32_t scale;
  } cases[] = {
      {"916.60", 91660, 2},
      {"-3", -3, 0},
      {"0", 0, 0},
      {"-0", 0, 0},
      {"0.05", 5, 2},
      {"007", 7, 0},
      {"118.42", 11842, 2},
      {"9223372036854775807", kMax, 0},
      {"-9223372036854775808", kMin, 0},
      {"-922337203685477580.8", kMin, 1},
      {"0.000000000000000001", 1, 18},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    absl::StatusOr<v1::Decimal> d = ParseDecimal(c.text);
    ASSERT_THAT(d, IsOk());
    EXPECT_EQ(d->units(), c.units);
    EXPECT_EQ(d->scale(), c.scale);
  }
}

TEST(ParseDecimalTest, RejectsGarbage) {
  const absl::string_view cases[] = {
      "",
      "-",
      "+3",
      " 3",
      "3 ",
      "5.",
      ".5",
      "-.5",
      "1e5",
      "1,000",
      "9.5.1",
      "abc",
      "12a",
      "--3",
      "0x10",
      "９",
      "\xff\xfe",
      "NaN",
      "inf",
      "9223372036854775808",             // INT64_MAX + 1
      "-9223372036854775809",            // INT64_MIN - 1
      "123456789012345678901234567890",  // 30 digits
      "0.0000000000000000001",           // 19 decimals
  };
  for (absl::string_view text : cases) {
    absl::StatusOr<v1::Decimal> d = ParseDecimal(text);
    EXPECT_THAT(d, ::testing::Not(IsOk())) << "accepted \"" << text << "\"";
    if (!d.ok()) {
      EXPECT_THAT(d, StatusIs(absl::StatusCode::kInvalidArgument));
    }
  }
}

TEST(ParseDecimalTest, RoundTripsThroughFormat) {
  for (absl::string_view text :
       {"916.60", "-3", "0.00", "0.005", "-0.5", "118.42", "1200"}) {
    absl::StatusOr<v1::Decimal> d = ParseDecimal(text);
    ASSERT_THAT(d, IsOk());
    EXPECT_EQ(FormatDecimal(*d), text);
  }
}

// ---------------------------------------------------------------------------
// IsZero
// ---------------------------------------------------------------------------

TEST(IsZeroTest, ZeroAtAnyScale) {
  EXPECT_TRUE(IsZero(Dec(0)));
  EXPECT_TRUE(IsZero(Dec(0, 2)));
  EXPECT_TRUE(IsZero(Dec(0, -7)));
  EXPECT_FALSE(IsZero(Dec(1, 18)));
  EXPECT_FALSE(IsZero(Dec(-1)));
}

// ---------------------------------------------------------------------------
// RatioScaled
// ---------------------------------------------------------------------------

TEST(RatioScaledTest, Table) {
  const struct {
    v1::Decimal num;
    v1::Decimal den;
    int64_t multiplier;
    int64_t expected;
  } cases[] = {
      // 765 / 916.60 * 15 points = 12.519 points -> 1252 hundredths.
      {Dec(765), Dec(91660, 2), 1500, 1252},
      // Execution rate 136.52 / 40 in basis points = 34130.
      {Dec(13652, 2), Dec(40), 10000, 34130},
      // Staffing control rate 13 / 14 = 92.86%.
      {Dec(13), Dec(14), 10000, 9286},
      // 3079 / 2600 = 118.42%.
      {Dec(3079), Dec(2600), 10000, 11842},
      // Scales differ both ways.
      {Dec(91660, 2), Dec(765), 10000, 11982},
      {Dec(5, 1), Dec(1), 1, 1},    // 0.5 -> 1
      {Dec(-5, 1), Dec(1), 1, -1},  // -0.5 -> -1
      {Dec(5, 1), Dec(-1), 1, -1},
      {Dec(5, 1), Dec(1), -1, -1},
      {Dec(-5, 1), Dec(-1), -1, -1},
      {Dec(0), Dec(7), 1500, 0},
      {Dec(1), Dec(3), 0, 0},
      // Extreme but exact: huge intermediate products.
      {Dec(kMax), Dec(kMax), kMax, kMax},
      {Dec(kMax, 18), Dec(1, 18), 1, kMax},
      {Dec(1, 18), Dec(kMax), kMax, 0},  // 1e-18, far below 0.5
      {Dec(kMin), Dec(kMax), kMax, kMin},
      {Dec(kMax, 0), Dec(kMax, 18), 1, 1000000000000000000},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(testing::Message()
                 << c.num.ShortDebugString() << " / "
                 << c.den.ShortDebugString() << " * " << c.multiplier);
    absl::StatusOr<int64_t> r = RatioScaled(c.num, c.den, c.multiplier);
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(*r, c.expected);
  }
}

TEST(RatioScaledTest, Errors) {
  EXPECT_THAT(RatioScaled(Dec(1), Dec(0, 2), 100), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(RatioScaled(Dec(1, 19), Dec(1), 100), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(RatioScaled(Dec(1), Dec(1, -1), 100), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(RatioScaled(Dec(kMax), Dec(1, 18), 1), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(RatioScaled(Dec(kMax), Dec(1), 2), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(RatioScaled(Dec(kMin), Dec(-1), 1), StatusIs(absl::StatusCode::kOutOfRange));
}

}  // namespace
}  // namespace budgetperf
