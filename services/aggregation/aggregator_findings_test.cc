// The audit's findings in Aggregator: they roll up, are replaced per source,
// a batch records like one call each, and package findings come and go
// with their version.

#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregation/aggregator.h"
#include "services/aggregation/aggregator_test_fixture.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace aggregator_test {
namespace {

TEST_F(AggregatorTest, FindingsRollUpAndAreReplacedPerSource) {
  ApplyUnit(0, 2023, 1, F(1));
  v1::RecordFindingsRequest request;
  request.set_code(units_[0]);
  request.set_year(2023);
  request.set_source("cross-unit");
  for (v1::Severity severity : {v1::SEVERITY_ERROR, v1::SEVERITY_ERROR, v1::SEVERITY_WARNING}) {
    v1::Finding* f = request.add_findings();
    f->set_rule_id("U-01");
    f->set_severity(severity);
    f->set_unit_uscc(units_[0]);
  }
  absl::StatusOr<v1::RecordFindingsResponse> recorded = aggregator_->RecordFindings(request);
  ASSERT_THAT(recorded, IsOk());
  EXPECT_EQ(recorded->recorded().total(), 3);
  EXPECT_EQ(Rollup(kDistrict, 2023).measures().findings().error(), 2);
  EXPECT_EQ(Rollup("D1", 2023).measures().findings().warning(), 1);

  // A node-level source beside it, counts only.
  v1::RecordFindingsRequest node_level;
  node_level.set_code("D1");
  node_level.set_year(2023);
  node_level.set_source("cross-year");
  node_level.mutable_counts()->set_needs_explanation(4);
  ASSERT_THAT(aggregator_->RecordFindings(node_level), IsOk());
  EXPECT_EQ(Rollup(kDistrict, 2023).measures().findings().total(), 7);
  EXPECT_EQ(Rollup(units_[0], 2023).measures().findings().total(), 3);

  // The same source again replaces its findings.
  request.clear_findings();
  request.add_findings()->set_severity(v1::SEVERITY_WARNING);
  recorded = aggregator_->RecordFindings(request);
  ASSERT_THAT(recorded, IsOk());
  EXPECT_EQ(recorded->previous().error(), 2);
  const v1::FindingCounts counts = Rollup(kDistrict, 2023).measures().findings();
  EXPECT_EQ(counts.error(), 0);
  EXPECT_EQ(counts.warning(), 1);
  EXPECT_EQ(counts.needs_explanation(), 4);
  EXPECT_EQ(counts.total(), 5);

  v1::GetFindingsRequest get;
  get.set_code(units_[0]);
  get.set_year(2023);
  absl::StatusOr<v1::GetFindingsResponse> stored = aggregator_->GetFindings(get);
  ASSERT_THAT(stored, IsOk());
  ASSERT_EQ(stored->sources_size(), 1);
  EXPECT_EQ(stored->sources(0).source(), "cross-unit");
  EXPECT_EQ(stored->sources(0).findings_size(), 1);
  EXPECT_EQ(stored->sources(0).recorded_at_unix_ms(), 1'700'000'000'000);

  // Findings move with their unit.
  v1::MoveNodeRequest move;
  move.set_code(units_[0]);
  move.set_new_parent_code("D2");
  move.set_from_year(2023);
  ASSERT_THAT(aggregator_->MoveNode(move), IsOk());
  EXPECT_EQ(Rollup("D2", 2023).measures().findings().warning(), 1);
  EXPECT_EQ(Rollup("D1", 2023).measures().findings().total(), 4);
  EXPECT_EQ(Recompute(kDistrict, 2023).drift_size(), 0);

  request.set_code(MakeUscc(kDistrict, 950));  // neither in the tree nor filed
  EXPECT_EQ(aggregator_->RecordFindings(request).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(AggregatorTest, ABatchOfFindingsRecordsLikeOneCallEach) {
  ApplyUnit(0, 2023, 1, F(1));
  ApplyUnit(2, 2023, 1, F(1));
  auto record = [&](const std::string& code, const std::string& source, int errors) {
    v1::RecordFindingsRequest r;
    r.set_code(code);
    r.set_year(2023);
    r.set_source(source);
    for (int i = 0; i < errors; ++i) {
      v1::Finding* f = r.add_findings();
      f->set_rule_id("U-02");
      f->set_severity(v1::SEVERITY_ERROR);
    }
    return r;
  };
  v1::RecordFindingsBatchRequest batch;
  *batch.add_records() = record(units_[0], "cross-unit", 2);
  *batch.add_records() = record(units_[0], "cross-year", 0);
  *batch.add_records() = record(MakeUscc(kDistrict, 950), "cross-unit", 1);  // unknown
  *batch.add_records() = record(units_[2], "cross-unit", 1);
  *batch.add_records() = record("D2", "cross-year", 0);
  absl::StatusOr<v1::RecordFindingsBatchResponse> recorded =
      aggregator_->RecordFindingsBatch(batch);
  ASSERT_THAT(recorded, IsOk());
  EXPECT_EQ(recorded->recorded(), 4);
  EXPECT_EQ(recorded->not_found(), 1);
  ASSERT_EQ(recorded->results_size(), 5);
  EXPECT_TRUE(recorded->results(0).found());
  EXPECT_EQ(recorded->results(0).recorded().error(), 2);
  EXPECT_FALSE(recorded->results(2).found());
  EXPECT_EQ(Rollup(kDistrict, 2023).measures().findings().error(), 3);
  EXPECT_EQ(Rollup("D1", 2023).measures().findings().error(), 2);
  EXPECT_EQ(Rollup("D2", 2023).measures().findings().error(), 1);
  v1::GetFindingsRequest get;
  get.set_code(units_[0]);
  get.set_year(2023);
  absl::StatusOr<v1::GetFindingsResponse> stored = aggregator_->GetFindings(get);
  ASSERT_THAT(stored, IsOk());
  ASSERT_EQ(stored->sources_size(), 2);  // the empty source is recorded too
  EXPECT_EQ(stored->sources(0).source(), "cross-unit");
  EXPECT_EQ(stored->sources(1).source(), "cross-year");
  EXPECT_EQ(stored->sources(1).counts().total(), 0);

  // Again, with the unit's errors gone and the same code twice (the last
  // one wins): the counts come out of every ancestor.
  batch.Clear();
  *batch.add_records() = record(units_[0], "cross-unit", 5);
  *batch.add_records() = record(units_[0], "cross-unit", 0);
  recorded = aggregator_->RecordFindingsBatch(batch);
  ASSERT_THAT(recorded, IsOk());
  EXPECT_EQ(recorded->results(0).previous().error(), 2);
  EXPECT_EQ(recorded->results(1).previous().error(), 5);
  EXPECT_EQ(Rollup(kDistrict, 2023).measures().findings().error(), 1);
  EXPECT_EQ(Rollup("D1", 2023).measures().findings().total(), 0);
  EXPECT_THAT(Recompute(kDistrict, 2023).drift(), IsEmpty());

  // A malformed record refuses the whole batch, naming it; nothing written.
  batch.Clear();
  *batch.add_records() = record(units_[2], "cross-unit", 0);
  *batch.add_records() = record(units_[0], std::string(65, 's'), 1);
  absl::StatusOr<v1::RecordFindingsBatchResponse> refused =
      aggregator_->RecordFindingsBatch(batch);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("records[1]"));
  EXPECT_EQ(Rollup("D2", 2023).measures().findings().error(), 1);
}

TEST_F(AggregatorTest, PackageFindingsComeAndGoWithTheirVersion) {
  v1::ApplyEvaluationRequest v1_request = MakeApply(MakePackage(units_[0], 2023, F(1)), 1);
  v1_request.add_findings()->set_severity(v1::SEVERITY_ERROR);
  v1_request.add_findings()->set_severity(v1::SEVERITY_WARNING);
  Apply(v1_request);
  v1::FindingCounts counts = Rollup(kDistrict, 2023).measures().findings();
  EXPECT_EQ(counts.total(), 2);
  EXPECT_EQ(counts.error(), 1);
  EXPECT_EQ(counts.warning(), 1);

  // The corrected version has one finding left; the audit adds its own.
  v1::ApplyEvaluationRequest v2_request = MakeApply(MakePackage(units_[0], 2023, F(1)), 2);
  v2_request.add_findings()->set_severity(v1::SEVERITY_NEEDS_EXPLANATION);
  Apply(v2_request);
  v1::RecordFindingsRequest audit;
  audit.set_code(units_[0]);
  audit.set_year(2023);
  audit.set_source("cross-year");
  audit.add_findings()->set_severity(v1::SEVERITY_WARNING);
  ASSERT_THAT(aggregator_->RecordFindings(audit), IsOk());
  counts = Rollup("D1", 2023).measures().findings();
  EXPECT_EQ(counts.total(), 2);
  EXPECT_EQ(counts.error(), 0);
  EXPECT_EQ(counts.warning(), 1);
  EXPECT_EQ(counts.needs_explanation(), 1);
  // A late older version changes nothing, findings included.
  Apply(v1_request);
  EXPECT_EQ(Rollup("D1", 2023).measures().findings().error(), 0);
  EXPECT_THAT(Recompute(kDistrict, 2023).drift(), IsEmpty());
}

}  // namespace
}  // namespace aggregator_test
}  // namespace budgetperf
