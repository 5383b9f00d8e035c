// Aggregator as a whole: what it stored survives a reopen, and the catalogue
// of measures. The rest is tested by part: aggregator_apply_test.cc,
// aggregator_tree_test.cc, aggregator_queries_test.cc,
// aggregator_findings_test.cc, aggregator_recompute_test.cc.

#include "services/aggregation/aggregator.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregation/aggregator_test_fixture.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace aggregator_test {
namespace {

TEST_F(AggregatorTest, EverythingSurvivesAReopen) {
  ApplyUnit(0, 2023, 1, F(10'000'000), 9000);
  ApplyUnit(3, 2023, 1, F(30'000'000), 6000);
  const v1::Rollup before = Rollup(kDistrict, 2023);
  Reopen();
  EXPECT_EQ(Rollup(kDistrict, 2023).SerializeAsString(), before.SerializeAsString());
  EXPECT_EQ(ApplyUnit(0, 2023, 1, F(10'000'000), 9000).outcome(), v1::APPLY_OUTCOME_DUPLICATE);
  v1::GetNodeRequest get;
  get.set_code(units_[3]);
  absl::StatusOr<v1::GetNodeResponse> node = aggregator_->GetNode(get);
  ASSERT_THAT(node, IsOk());
  EXPECT_THAT(node->path(), ElementsAre(units_[3], "D2", kDistrict));
}

TEST(AggregatorListMeasures, ListsTheCatalog) {
  v1::ListMeasuresResponse measures = Aggregator::ListMeasures();
  ASSERT_GT(measures.measures_size(), 90);
  EXPECT_EQ(measures.measures(0).name(), "units.expected");
  EXPECT_EQ(measures.measures(0).kind(), v1::MEASURE_KIND_DERIVED);
}

}  // namespace
}  // namespace aggregator_test
}  // namespace budgetperf
