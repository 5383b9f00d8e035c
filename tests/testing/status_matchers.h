#ifndef BUDGETPERF_TESTS_TESTING_STATUS_MATCHERS_H_
#define BUDGETPERF_TESTS_TESTING_STATUS_MATCHERS_H_

// gMock matchers for absl::Status and absl::StatusOr<T> (Debian's Abseil
// 20220623 has no status_matchers.h; IsOk also takes grpc::Status and
// rocksdb::Status):
//
//   EXPECT_THAT(store.Put(record), IsOk());
//   ASSERT_THAT(registry, IsOk());                  // a StatusOr
//   EXPECT_THAT(ParseDecimal("1e5"), StatusIs(absl::StatusCode::kInvalidArgument));
//   EXPECT_THAT(config.status(),
//               StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("T1-04")));
//
// A failure names the status it got ("whose status is NOT_FOUND: ...").
// They live in namespace budgetperf, where the tests are, so that tests use
// them unqualified and `testing::` inside budgetperf still means ::testing.

#include <ostream>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace budgetperf {
namespace status_matchers_internal {

inline const absl::Status& GetStatus(const absl::Status& status) { return status; }

template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

template <typename T>
struct IsAbslStatus : std::false_type {};
template <>
struct IsAbslStatus<absl::Status> : std::true_type {};
template <typename T>
struct IsAbslStatus<absl::StatusOr<T>> : std::true_type {};

template <typename T, typename = void>
struct HasErrorMessage : std::false_type {};
template <typename T>
struct HasErrorMessage<T, std::void_t<decltype(std::declval<const T&>().error_message())>>
    : std::true_type {};

template <typename T, typename = void>
struct HasToString : std::false_type {};
template <typename T>
struct HasToString<T, std::void_t<decltype(std::declval<const T&>().ToString())>>
    : std::true_type {};

// Says what a status that is not OK holds, whatever its library.
template <typename T>
void ExplainStatus(const T& value, ::testing::MatchResultListener* listener) {
  if constexpr (IsAbslStatus<T>::value) {
    *listener << "whose status is " << GetStatus(value);
  } else if constexpr (HasErrorMessage<T>::value) {  // grpc::Status
    *listener << "whose status is code " << static_cast<int>(value.error_code()) << ": "
              << value.error_message();
  } else if constexpr (HasToString<T>::value) {  // rocksdb::Status
    *listener << "whose status is " << value.ToString();
  }
}

// IsOk matches absl::Status and absl::StatusOr, and any status with an ok()
// (grpc::Status, rocksdb::Status).
class IsOkMatcher {
 public:
  template <typename T>
  bool MatchAndExplain(const T& value, ::testing::MatchResultListener* listener) const {
    const bool ok = value.ok();
    if (!ok) ExplainStatus(value, listener);
    return ok;
  }
  void DescribeTo(std::ostream* os) const { *os << "is OK"; }
  void DescribeNegationTo(std::ostream* os) const { *os << "is not OK"; }
};

class StatusIsMatcher {
 public:
  StatusIsMatcher(absl::StatusCode code, ::testing::Matcher<const std::string&> message)
      : code_(code), message_(std::move(message)) {}

  template <typename T>
  bool MatchAndExplain(const T& value, ::testing::MatchResultListener* listener) const {
    const absl::Status& status = GetStatus(value);
    if (status.code() != code_) {
      *listener << "whose status is " << status;
      return false;
    }
    const std::string message(status.message());
    ::testing::StringMatchResultListener inner;
    if (!message_.MatchAndExplain(message, &inner)) {
      *listener << "whose status is " << status;
      if (!inner.str().empty()) *listener << ", and the message " << inner.str();
      return false;
    }
    return true;
  }
  void DescribeTo(std::ostream* os) const {
    *os << "has status code " << absl::StatusCodeToString(code_) << " and a message that ";
    message_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "does not have status code " << absl::StatusCodeToString(code_)
        << " or has a message that ";
    message_.DescribeNegationTo(os);
  }

 private:
  absl::StatusCode code_;
  ::testing::Matcher<const std::string&> message_;
};

}  // namespace status_matchers_internal

// Matches an OK absl::Status, or an absl::StatusOr<T> holding a value; also
// an OK grpc::Status or rocksdb::Status.
inline ::testing::PolymorphicMatcher<status_matchers_internal::IsOkMatcher> IsOk() {
  return ::testing::MakePolymorphicMatcher(status_matchers_internal::IsOkMatcher());
}

// Matches an absl::Status or absl::StatusOr<T> whose code is `code`.
inline ::testing::PolymorphicMatcher<status_matchers_internal::StatusIsMatcher> StatusIs(
    absl::StatusCode code) {
  return ::testing::MakePolymorphicMatcher(
      status_matchers_internal::StatusIsMatcher(code, ::testing::_));
}

// ... and whose message matches `message` (a matcher such as HasSubstr("x"),
// or a string the message must equal).
template <typename MessageMatcher>
::testing::PolymorphicMatcher<status_matchers_internal::StatusIsMatcher> StatusIs(
    absl::StatusCode code, MessageMatcher&& message) {
  return ::testing::MakePolymorphicMatcher(status_matchers_internal::StatusIsMatcher(
      code, ::testing::SafeMatcherCast<const std::string&>(
                std::forward<MessageMatcher>(message))));
}

}  // namespace budgetperf

#endif  // BUDGETPERF_TESTS_TESTING_STATUS_MATCHERS_H_
