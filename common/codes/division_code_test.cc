#include "common/codes/division_code.h"

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace {

TEST(DivisionCodeTest, Levels) {
  EXPECT_EQ(*DivisionCodeLevel("430000"), DivisionLevel::kProvince);
  EXPECT_EQ(*DivisionCodeLevel("430600"), DivisionLevel::kPrefecture);
  EXPECT_EQ(*DivisionCodeLevel("430602"), DivisionLevel::kCounty);
}

TEST(DivisionCodeTest, Parents) {
  EXPECT_EQ(*ParentDivisionCode("430602"), "430600");
  EXPECT_EQ(*ParentDivisionCode("430600"), "430000");
  EXPECT_THAT(ParentDivisionCode("430000"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(ParentDivisionCode("43060"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(DivisionCodeTest, RejectsBadCodes) {
  for (const char* bad : {"", "43060", "4306021", "43060a", "000000", "990000",
                          "430002", "４３０６０２"}) {
    EXPECT_THAT(ValidateDivisionCode(bad), StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
  }
}

TEST(DivisionCodeTest, Containment) {
  EXPECT_TRUE(DivisionContains("430000", "430602"));
  EXPECT_TRUE(DivisionContains("430600", "430602"));
  EXPECT_TRUE(DivisionContains("430602", "430602"));
  EXPECT_FALSE(DivisionContains("430602", "430603"));
  EXPECT_FALSE(DivisionContains("430700", "430602"));
  EXPECT_FALSE(DivisionContains("bad", "430602"));
}

}  // namespace
}  // namespace budgetperf
