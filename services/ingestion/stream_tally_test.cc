#include "services/ingestion/stream_tally.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "services/ingestion/validation_errors.h"

namespace budgetperf {
namespace ingestion {
namespace {

v1::SubmitRequest Request(const std::string& uscc, int32_t year) {
  v1::SubmitRequest request;
  request.mutable_package()->mutable_unit()->set_uscc(uscc);
  request.mutable_package()->set_year(year);
  return request;
}

v1::SubmitResponse Stored(int32_t version, bool replayed, bool has_errors) {
  v1::SubmitResponse response;
  response.set_version(version);
  response.set_replayed(replayed);
  response.set_has_errors(has_errors);
  response.set_scoring_status(v1::SCORED);
  response.add_warnings()->set_field_path("overall");
  response.mutable_finding_counts()->set_total(has_errors ? 2 : 0);
  return response;
}

TEST(StreamTallyTest, StoredPackagesAreCountedAcceptedWithErrorsOrReplayed) {
  v1::SubmitStreamResponse response;
  StreamTally tally(&response, {20, 5});
  tally.Add(Request("A", 2023), Stored(1, false, false));
  tally.Add(Request("B", 2023), Stored(3, false, true));
  tally.Add(Request("A", 2022), Stored(2, true, false));
  EXPECT_EQ(response.accepted(), 2);
  EXPECT_EQ(response.with_errors(), 1);
  EXPECT_EQ(response.replayed(), 1);
  EXPECT_EQ(response.rejected() + response.blocked() + response.failed(), 0);
  ASSERT_EQ(response.results_size(), 3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(response.results(i).index(), i);
  const v1::SubmitStreamResult& b = response.results(1);
  EXPECT_EQ(b.uscc(), "B");
  EXPECT_EQ(b.year(), 2023);
  EXPECT_EQ(b.code(), 0);
  EXPECT_EQ(b.version(), 3);
  EXPECT_TRUE(b.has_errors());
  EXPECT_EQ(b.warning_count(), 1);
  EXPECT_EQ(b.scoring_status(), v1::SCORED);
  EXPECT_EQ(b.finding_counts().total(), 2);
  EXPECT_TRUE(response.results(2).replayed());
}

TEST(StreamTallyTest, RefusedPackagesListTheirReasonsUpToTheLimits) {
  v1::SubmitStreamResponse response;
  StreamTally tally(&response, {/*max_violations=*/2, /*max_blocking_findings=*/1});
  std::vector<v1::Violation> violations(3);
  for (int i = 0; i < 3; ++i) violations[i].set_field_path("unit.uscc");
  tally.Add(Request("A", 2023), MakeValidationError(violations));
  std::vector<v1::Finding> blocking(2);
  blocking[0].set_rule_id("T1-01");
  blocking[1].set_rule_id("T1-02");
  v1::FindingCounts all;
  all.set_total(4);
  all.set_error(2);
  tally.Add(Request("B", 2023), MakeBlockingFindingsError(blocking, all));
  tally.Add(Request("C", 2023), absl::UnavailableError("store closed"));
  EXPECT_EQ(response.rejected(), 1);
  EXPECT_EQ(response.blocked(), 1);
  EXPECT_EQ(response.failed(), 1);
  EXPECT_EQ(response.accepted() + response.replayed(), 0);
  ASSERT_EQ(response.results_size(), 3);

  const v1::SubmitStreamResult& rejected = response.results(0);
  EXPECT_EQ(rejected.code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(rejected.violation_count(), 3);
  EXPECT_EQ(rejected.violations_size(), 2);
  EXPECT_FALSE(rejected.error_message().empty());

  const v1::SubmitStreamResult& blocked = response.results(1);
  EXPECT_EQ(blocked.code(), static_cast<int>(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(blocked.blocking_count(), 2);
  ASSERT_EQ(blocked.blocking_findings_size(), 1);
  EXPECT_EQ(blocked.blocking_findings(0).rule_id(), "T1-01");
  EXPECT_EQ(blocked.finding_counts().total(), 4);

  const v1::SubmitStreamResult& failed = response.results(2);
  EXPECT_EQ(failed.code(), static_cast<int>(absl::StatusCode::kUnavailable));
  EXPECT_EQ(failed.error_message(), "store closed");
  EXPECT_EQ(failed.uscc(), "C");
}

}  // namespace
}  // namespace ingestion
}  // namespace budgetperf
