#include "common/codes/uscc.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace {

TEST(UsccTest, KnownCodesAreValid) {
  EXPECT_THAT(ValidateUscc("91350100M000100Y43"), IsOk());
  // The synthetic code given to the seed unit (tests/data/README.md).
  EXPECT_THAT(ValidateUscc("12430602MB1C04587D"), IsOk());
  EXPECT_EQ(*UsccCheckCharacter("91350100M000100Y4"), '3');
}

TEST(UsccTest, WrongCheckCharacterNamesBoth) {
  absl::Status s = ValidateUscc("12430602MB1C04587A");
  ASSERT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_NE(s.message().find("check character is 'A', expected 'D'"), std::string::npos)
      << s.message();
}

TEST(UsccTest, EveryWrongCheckCharacterIsCaught) {
  const std::string body = "12430602MB1C04587";
  int accepted = 0;
  for (char c : kUsccCharset) {
    if (ValidateUscc(body + c).ok()) ++accepted;
  }
  EXPECT_EQ(accepted, 1);
}

TEST(UsccTest, RejectsBadShapes) {
  for (const char* bad : {"", "12430602MB1C0458", "12430602MB1C04587DD",
                          "12430602MB1C0458OD",   // O is not in the charset
                          "12430602mb1c04587D",   // lower case
                          "12000002MB1C04587D",   // no valid division code
                          "12430602MB1C04587\xff"}) {
    EXPECT_THAT(ValidateUscc(bad), StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
  }
}

TEST(UsccTest, DivisionCodeIsCharacters3To8) {
  EXPECT_EQ(UsccDivisionCode("12430602MB1C04587D"), "430602");
  EXPECT_EQ(UsccDivisionCode("short"), "");
}

}  // namespace
}  // namespace budgetperf
