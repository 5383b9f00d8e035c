// Recompute in Aggregator: what the source has is applied and no drift is
// found; a corrupted rollup is found and repaired.

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

TEST_F(AggregatorTest, RecomputeAppliesWhatTheSourceHasAndFindsNoDrift) {
  ApplyUnit(0, 2023, 1, F(10'000'000), 9000);
  ListSource source;
  Figures newer = F(12'000'000);
  v1::ScoreCardSummary score = MakeScore(9100, v1::GRADE_EXCELLENT, 9000, v1::GRADE_EXCELLENT);
  source.latest.push_back(MakeApply(MakePackage(units_[0], 2023, newer), 2, &score));
  source.latest.push_back(MakeApply(MakePackage(units_[2], 2023, F(3'000'000)), 1));
  const std::string elsewhere = MakeUscc("430700", 1);
  source.latest.push_back(MakeApply(MakePackage(elsewhere, 2023, F(1), "430700"), 1));

  v1::RecomputeResponse dry = Recompute(kDistrict, 2023, /*dry_run=*/true, &source);
  EXPECT_THAT(dry.reapplied_units(), ElementsAre(units_[0], units_[2]));
  EXPECT_EQ(Rollup(kDistrict, 2023).measures().funds().executed_fen(), 10'000'000);

  v1::RecomputeResponse report = Recompute(kDistrict, 2023, false, &source);
  EXPECT_EQ(report.source(), "test list");
  EXPECT_THAT(report.reapplied_units(), ElementsAre(units_[0], units_[2]));
  EXPECT_THAT(report.unknown_units(), IsEmpty());
  EXPECT_THAT(report.drift(), IsEmpty());
  EXPECT_EQ(report.units(), 2);
  EXPECT_EQ(Rollup(kDistrict, 2023).measures().funds().executed_fen(), 15'000'000);

  source.latest.clear();
  report = Recompute(kDistrict, 2023, false, &source);
  EXPECT_THAT(report.unknown_units(), ElementsAre(units_[0], units_[2]));
}

TEST_F(AggregatorTest, RecomputeFindsAndRepairsACorruptedRollup) {
  ApplyUnit(0, 2023, 1, F(10'000'000), 9000);
  ApplyUnit(1, 2023, 1, F(20'000'000), 7000);
  const v1::Rollup district_before = Rollup(kDistrict, 2023);
  aggregator_.reset();
  {
    // Damage D1's stored rollup behind the aggregator's back.
    absl::StatusOr<std::unique_ptr<AggregationStore>> store =
        AggregationStore::Open({DbPath(), false});
    ASSERT_THAT(store, IsOk());
    std::unique_ptr<AggregationStore::Mutation> m = (*store)->NewMutation();
    absl::StatusOr<std::optional<v1::Rollup>> d1 = m->GetRollup("D1", 2023);
    ASSERT_THAT(d1, IsOk());
    ASSERT_TRUE(d1->has_value());
    v1::Rollup damaged = **d1;
    damaged.mutable_measures()->mutable_funds()->set_executed_fen(1);
    damaged.mutable_measures()->mutable_scores()->mutable_computed()->set_max_centipoints(1);
    m->PutRollup(damaged);
    ASSERT_THAT((*store)->Commit(*m), IsOk());
  }
  Open();
  v1::RecomputeResponse dry = Recompute(kDistrict, 2023, /*dry_run=*/true);
  ASSERT_EQ(dry.drift_size(), 2);
  EXPECT_EQ(dry.drift(0).node_code(), "D1");
  EXPECT_EQ(dry.drift(0).measure(), "funds.executed_fen");
  EXPECT_EQ(dry.drift(0).stored(), 1);
  EXPECT_EQ(dry.drift(0).recomputed(), 30'000'000);
  EXPECT_EQ(dry.drift(1).measure(), "scores.computed.max_centipoints");
  EXPECT_FALSE(dry.repaired());

  v1::RecomputeResponse repaired = Recompute("D1", 2023);
  EXPECT_TRUE(repaired.repaired());
  EXPECT_THAT(Recompute(kDistrict, 2023).drift(), IsEmpty());
  EXPECT_EQ(Rollup("D1", 2023).measures().funds().executed_fen(), 30'000'000);
  EXPECT_EQ(Rollup(kDistrict, 2023).SerializeAsString(), district_before.SerializeAsString());
  // Incremental updates go on from the repaired state.
  ApplyUnit(1, 2023, 2, F(25'000'000), 6000);
  EXPECT_EQ(Rollup("D1", 2023).measures().funds().executed_fen(), 35'000'000);
  EXPECT_EQ(Rollup("D1", 2023).measures().scores().computed().max_centipoints(), 9000);
  EXPECT_THAT(Recompute(kDistrict, 2023).drift(), IsEmpty());
}

// Many units, several versions each, delivered at least once in a shuffled
// order: every rollup ends equal to the sums of the latest versions,
// computed here independently.

}  // namespace
}  // namespace aggregator_test
}  // namespace budgetperf
