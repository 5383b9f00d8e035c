#include "tests/testing/status_matchers.h"

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace budgetperf {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// What a matcher says about `value` when it does not match.
template <typename Matcher, typename T>
std::string Explain(const Matcher& matcher, const T& value) {
  ::testing::StringMatchResultListener listener;
  ::testing::Matcher<const T&> m = matcher;
  EXPECT_FALSE(m.MatchAndExplain(value, &listener));
  return listener.str();
}

template <typename Matcher, typename T>
std::string Describe(const Matcher& matcher) {
  ::testing::Matcher<const T&> m = matcher;
  return ::testing::DescribeMatcher<const T&>(m);
}

TEST(IsOkTest, MatchesOkStatusesAndValues) {
  EXPECT_THAT(absl::OkStatus(), IsOk());
  EXPECT_THAT(absl::StatusOr<int>(3), IsOk());
  EXPECT_THAT(absl::NotFoundError("gone"), Not(IsOk()));
  EXPECT_THAT(absl::StatusOr<int>(absl::InternalError("broken")), Not(IsOk()));
}

TEST(IsOkTest, NamesTheStatusItGot) {
  EXPECT_EQ(Explain(IsOk(), absl::NotFoundError("no unit 430602")),
            "whose status is NOT_FOUND: no unit 430602");
  EXPECT_EQ(Explain(IsOk(), absl::StatusOr<std::string>(absl::UnavailableError("down"))),
            "whose status is UNAVAILABLE: down");
  EXPECT_EQ((Describe<decltype(IsOk()), absl::Status>(IsOk())), "is OK");
}

// A status of another library (rocksdb::Status has this shape).
struct OtherStatus {
  bool ok() const { return message.empty(); }
  std::string ToString() const { return "IO error: " + message; }
  std::string message;
};

TEST(IsOkTest, TakesOtherLibrariesStatuses) {
  EXPECT_THAT(OtherStatus{}, IsOk());
  EXPECT_THAT(OtherStatus{"disk full"}, Not(IsOk()));
  EXPECT_EQ(Explain(IsOk(), OtherStatus{"disk full"}), "whose status is IO error: disk full");
}

TEST(StatusIsTest, MatchesTheCode) {
  EXPECT_THAT(absl::InvalidArgumentError("x"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(absl::OkStatus(), StatusIs(absl::StatusCode::kOk));
  EXPECT_THAT(absl::StatusOr<int>(absl::OutOfRangeError("big")),
              StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(absl::StatusOr<int>(1), Not(StatusIs(absl::StatusCode::kOutOfRange)));
  EXPECT_THAT(absl::InvalidArgumentError("x"), Not(StatusIs(absl::StatusCode::kNotFound)));
}

TEST(StatusIsTest, MatchesTheMessage) {
  const absl::Status status = absl::InvalidArgumentError("rule \"T1-04\": overridden twice");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("T1-04")));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                               "rule \"T1-04\": overridden twice"));
  EXPECT_THAT(status, Not(StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("T2"))));
  EXPECT_THAT(status, Not(StatusIs(absl::StatusCode::kNotFound, HasSubstr("T1-04"))));
  const std::string expected = "rule \"T1-04\": overridden twice";
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument, expected));
}

TEST(StatusIsTest, ExplainsAMismatch) {
  EXPECT_EQ(Explain(StatusIs(absl::StatusCode::kNotFound), absl::InternalError("disk")),
            "whose status is INTERNAL: disk");
  EXPECT_EQ(Explain(StatusIs(absl::StatusCode::kInternal, HasSubstr("rocks")),
                    absl::InternalError("disk")),
            "whose status is INTERNAL: disk");
  EXPECT_EQ((Describe<decltype(StatusIs(absl::StatusCode::kNotFound, HasSubstr("a"))),
                      absl::Status>(StatusIs(absl::StatusCode::kNotFound, HasSubstr("a")))),
            "has status code NOT_FOUND and a message that has substring \"a\"");
}

}  // namespace
}  // namespace budgetperf
