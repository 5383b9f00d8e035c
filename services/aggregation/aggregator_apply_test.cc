// Delivery into Aggregator: ApplyEvaluation rolls a unit's figures up to
// every ancestor, versions replace each other, and ApplyBatch does what one
// ApplyEvaluation each would.

#include <algorithm>
#include <optional>
#include <random>
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

TEST_F(AggregatorTest, ApplyRollsUpToEveryAncestor) {
  EXPECT_EQ(ApplyUnit(0, 2023, 1, F(10'000'000)).outcome(), v1::APPLY_OUTCOME_APPLIED);
  ApplyUnit(1, 2023, 1, F(20'000'000));
  v1::ApplyEvaluationResponse third = ApplyUnit(2, 2023, 1, F(40'000'000));
  EXPECT_THAT(third.path(), ElementsAre(units_[2], "D2", kDistrict));
  EXPECT_FALSE(third.unassigned());

  EXPECT_EQ(Rollup(units_[0], 2023).measures().funds().executed_fen(), 10'000'000);
  const v1::Rollup d1 = Rollup("D1", 2023);
  EXPECT_EQ(d1.node_name(), "name of D1");
  EXPECT_EQ(d1.node_kind(), v1::NODE_KIND_DEPARTMENT);
  EXPECT_EQ(d1.measures().funds().executed_fen(), 30'000'000);
  EXPECT_EQ(d1.measures().units().filed(), 2);
  EXPECT_EQ(d1.measures().units().expected(), 2);
  EXPECT_EQ(d1.measures().units().filed_share_bp(), 10000);
  const v1::Rollup district = Rollup(kDistrict, 2023);
  EXPECT_EQ(district.measures().funds().executed_fen(), 70'000'000);
  EXPECT_EQ(district.measures().funds().full_year_budget_fen(), 300'000'000);
  EXPECT_EQ(district.measures().funds().execution_rate_bp(), 2333);  // 70 ÷ 300
  EXPECT_EQ(district.measures().staffing().authorized_posts(), 30);
  EXPECT_EQ(district.measures().staffing().control_rate_bp(), 9000);
  EXPECT_EQ(district.measures().units().filed(), 3);
  EXPECT_EQ(district.measures().units().expected(), 4);
  EXPECT_EQ(district.measures().units().filed_share_bp(), 7500);
  EXPECT_EQ(district.measures().public_funds().total().final_fen(), 6'000'000);
  // Another year is untouched, but known nodes answer with zeros.
  EXPECT_EQ(Rollup(kDistrict, 2022).measures().units().filed(), 0);
  EXPECT_EQ(Rollup(kDistrict, 2022).measures().units().expected(), 4);
}

TEST_F(AggregatorTest, ANewerVersionMovesTotalsByTheDifference) {
  ApplyUnit(0, 2023, 1, F(10'000'000), 8000);
  ApplyUnit(1, 2023, 1, F(20'000'000), 7000);
  const int64_t before = Rollup(kDistrict, 2023).measures().funds().executed_fen();
  v1::ApplyEvaluationResponse replaced = ApplyUnit(0, 2023, 2, F(12'345'678), 9100,
                                                   v1::GRADE_EXCELLENT);
  EXPECT_EQ(replaced.outcome(), v1::APPLY_OUTCOME_REPLACED);
  EXPECT_EQ(replaced.applied_version(), 2);
  const v1::Rollup district = Rollup(kDistrict, 2023);
  EXPECT_EQ(district.measures().funds().executed_fen(), before + 12'345'678 - 10'000'000);
  EXPECT_EQ(district.measures().units().filed(), 2);
  const v1::ScoreStats& computed = district.measures().scores().computed();
  EXPECT_EQ(computed.count(), 2);
  EXPECT_EQ(computed.sum_centipoints(), 16100);
  EXPECT_EQ(computed.min_centipoints(), 7000);
  EXPECT_EQ(computed.max_centipoints(), 9100);
  EXPECT_EQ(computed.mean_centipoints(), 8050);
  EXPECT_EQ(computed.excellent(), 1);
  EXPECT_EQ(computed.good(), 1);
  EXPECT_EQ(district.measures().scores().self().max_centipoints(), 9200);
}

TEST_F(AggregatorTest, ExtremesFollowAReplacedScoreDown) {
  ApplyUnit(0, 2023, 1, F(1), 9500);
  ApplyUnit(1, 2023, 1, F(1), 8000);
  EXPECT_EQ(Rollup("D1", 2023).measures().scores().computed().max_centipoints(), 9500);
  ApplyUnit(0, 2023, 2, F(1), 7000);
  const v1::ScoreStats s = Rollup("D1", 2023).measures().scores().computed();
  EXPECT_EQ(s.max_centipoints(), 8000);
  EXPECT_EQ(s.min_centipoints(), 7000);
  // Unscored now: the extremes are the other unit's alone.
  ApplyUnit(0, 2023, 3, F(1));
  const v1::ScoreStats t = Rollup("D1", 2023).measures().scores().computed();
  EXPECT_EQ(t.count(), 1);
  EXPECT_EQ(t.min_centipoints(), 8000);
  EXPECT_EQ(t.max_centipoints(), 8000);
  EXPECT_EQ(Rollup("D1", 2023).measures().units().scored(), 1);
}

TEST_F(AggregatorTest, DuplicatesAndOlderVersionsChangeNothing) {
  ApplyUnit(0, 2023, 2, F(20'000'000));
  const v1::Rollup before = Rollup(kDistrict, 2023);
  v1::ApplyEvaluationResponse duplicate = ApplyUnit(0, 2023, 2, F(20'000'000));
  EXPECT_EQ(duplicate.outcome(), v1::APPLY_OUTCOME_DUPLICATE);
  v1::ApplyEvaluationResponse stale = ApplyUnit(0, 2023, 1, F(99'000'000));
  EXPECT_EQ(stale.outcome(), v1::APPLY_OUTCOME_STALE);
  EXPECT_EQ(stale.applied_version(), 2);
  EXPECT_EQ(Rollup(kDistrict, 2023).SerializeAsString(), before.SerializeAsString());
}

TEST_F(AggregatorTest, TheSameVersionWithItsScoreFillsTheScoreIn) {
  ApplyUnit(0, 2023, 1, F(5));
  EXPECT_EQ(Rollup(kDistrict, 2023).measures().units().scored(), 0);
  EXPECT_EQ(ApplyUnit(0, 2023, 1, F(5), 8800).outcome(), v1::APPLY_OUTCOME_SCORED);
  const v1::Rollup district = Rollup(kDistrict, 2023);
  EXPECT_EQ(district.measures().units().scored(), 1);
  EXPECT_EQ(district.measures().units().filed(), 1);
  EXPECT_EQ(district.measures().funds().executed_fen(), 5);
  EXPECT_EQ(district.measures().scores().computed().max_centipoints(), 8800);
  EXPECT_EQ(ApplyUnit(0, 2023, 1, F(5), 8800).outcome(), v1::APPLY_OUTCOME_DUPLICATE);
  EXPECT_EQ(ApplyUnit(0, 2023, 1, F(5)).outcome(), v1::APPLY_OUTCOME_DUPLICATE);
  EXPECT_EQ(Rollup(kDistrict, 2023).measures().units().scored(), 1);
}

TEST_F(AggregatorTest, RejectsMalformedDeliveries) {
  v1::ApplyEvaluationRequest request = MakeApply(MakePackage(units_[0], 2023, F(1)), 0);
  EXPECT_EQ(aggregator_->ApplyEvaluation(request).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.set_version(1);
  request.mutable_package()->mutable_unit()->clear_uscc();
  EXPECT_EQ(aggregator_->ApplyEvaluation(request).status().code(),
            absl::StatusCode::kInvalidArgument);
  request = MakeApply(MakePackage(units_[0], 0, F(1)), 1);
  EXPECT_EQ(aggregator_->ApplyEvaluation(request).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(AggregatorTest, ShuffledRepeatedDeliveriesConvergeToTheLatestVersions) {
  std::mt19937 rng(20240501);
  const std::vector<std::string> departments = {"D1", "D2"};
  std::vector<std::string> usccs;
  std::map<std::string, std::string> department_of;
  v1::UpsertNodesRequest upsert;
  for (int i = 0; i < 40; ++i) {
    const std::string uscc = MakeUscc(kDistrict, 100 + i);
    usccs.push_back(uscc);
    department_of[uscc] = departments[i % 2];
    *upsert.add_nodes() = Node(uscc, v1::NODE_KIND_UNIT, departments[i % 2]);
  }
  ASSERT_THAT(aggregator_->UpsertNodes(upsert), IsOk());

  struct Version {
    v1::ApplyEvaluationRequest request;
    int64_t executed;
    int32_t score;
  };
  std::map<std::string, std::vector<Version>> versions;
  std::vector<const Version*> deliveries;
  for (const std::string& uscc : usccs) {
    const int count = 1 + static_cast<int>(rng() % 3);
    for (int v = 1; v <= count; ++v) {
      const int64_t executed = 1'000'000 + static_cast<int64_t>(rng() % 900'000'000);
      const int32_t score = 5000 + static_cast<int32_t>(rng() % 5000);
      const v1::ScoreCardSummary summary =
          MakeScore(score, score >= 9000 ? v1::GRADE_EXCELLENT : v1::GRADE_GOOD, score, v1::GRADE_GOOD);
      versions[uscc].push_back(
          {MakeApply(MakePackage(uscc, 2023, F(executed, 1'000'000'000)), v, &summary), executed,
           score});
    }
  }
  for (const auto& [uscc, list] : versions) {
    for (const Version& v : list) {
      deliveries.push_back(&v);
      if (rng() % 3 == 0) deliveries.push_back(&v);  // delivered twice
    }
  }
  std::shuffle(deliveries.begin(), deliveries.end(), rng);
  for (const Version* v : deliveries) Apply(v->request);

  for (const std::string& node : {std::string("D1"), std::string("D2"), std::string(kDistrict)}) {
    int64_t executed = 0, filed = 0, sum = 0, excellent = 0;
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    for (const auto& [uscc, list] : versions) {
      if (node != kDistrict && department_of[uscc] != node) continue;
      const Version& latest = list.back();
      executed += latest.executed;
      ++filed;
      sum += latest.score;
      if (latest.score >= 9000) ++excellent;
      lo = std::min(lo, latest.score);
      hi = std::max(hi, latest.score);
    }
    const v1::RollupMeasures m = Rollup(node, 2023).measures();
    EXPECT_EQ(m.funds().executed_fen(), executed) << node;
    EXPECT_EQ(m.units().filed(), filed) << node;
    EXPECT_EQ(m.units().scored(), filed) << node;
    EXPECT_EQ(m.scores().computed().sum_centipoints(), sum) << node;
    EXPECT_EQ(m.scores().computed().excellent(), excellent) << node;
    EXPECT_EQ(m.scores().computed().min_centipoints(), lo) << node;
    EXPECT_EQ(m.scores().computed().max_centipoints(), hi) << node;
  }
  EXPECT_THAT(Recompute(kDistrict, 2023).drift(), IsEmpty());
}

// ---- ApplyBatch: the same as one ApplyEvaluation each ------------------------

class ApplyBatchTest : public AggregatorTest {
 protected:
  void SetUp() override {
    AggregatorTest::SetUp();
    // The twin gets the same tree and the deliveries one at a time.
    Aggregator::Options options;
    options.data_dir = dir_->Join("twin");
    options.durable = false;
    options.now_unix_ms = [] { return int64_t{1'700'000'000'000}; };
    absl::StatusOr<std::unique_ptr<Aggregator>> opened = Aggregator::Open(options);
    ASSERT_THAT(opened, IsOk());
    twin_ = *std::move(opened);
    v1::UpsertNodesRequest request;
    *request.add_nodes() = Node(kDistrict, v1::NODE_KIND_DISTRICT, "");
    *request.add_nodes() = Node("D1", v1::NODE_KIND_DEPARTMENT, kDistrict);
    *request.add_nodes() = Node("D2", v1::NODE_KIND_DEPARTMENT, kDistrict);
    *request.add_nodes() = Node(units_[0], v1::NODE_KIND_UNIT, "D1");
    *request.add_nodes() = Node(units_[1], v1::NODE_KIND_UNIT, "D1");
    *request.add_nodes() = Node(units_[2], v1::NODE_KIND_UNIT, "D2");
    *request.add_nodes() = Node(units_[3], v1::NODE_KIND_UNIT, "D2");
    ASSERT_THAT(twin_->UpsertNodes(request), IsOk());
  }

  // Both aggregators get `nodes`.
  void UpsertBoth(const v1::UpsertNodesRequest& request) {
    ASSERT_THAT(aggregator_->UpsertNodes(request), IsOk());
    ASSERT_THAT(twin_->UpsertNodes(request), IsOk());
  }

  // Applies `deliveries` to the twin one by one and to aggregator_ with
  // ApplyBatch in slices of `batch_size`, and expects the same result for
  // every item.
  void ApplyBoth(const std::vector<v1::ApplyEvaluationRequest>& deliveries, size_t batch_size) {
    for (size_t start = 0; start < deliveries.size(); start += batch_size) {
      std::vector<const v1::ApplyEvaluationRequest*> batch;
      for (size_t i = start; i < std::min(deliveries.size(), start + batch_size); ++i) {
        batch.push_back(&deliveries[i]);
      }
      absl::StatusOr<std::vector<Aggregator::ApplyResult>> results =
          aggregator_->ApplyBatch(batch);
      ASSERT_THAT(results, IsOk());
      ASSERT_EQ(results->size(), batch.size());
      for (size_t i = 0; i < batch.size(); ++i) {
        absl::StatusOr<v1::ApplyEvaluationResponse> one = twin_->ApplyEvaluation(*batch[i]);
        const Aggregator::ApplyResult& got = (*results)[i];
        ASSERT_EQ(got.status().code(), one.status().code()) << "item " << start + i;
        if (one.ok()) {
          EXPECT_EQ(got->DebugString(), one->DebugString()) << "item " << start + i;
        }
      }
    }
  }

  // Every rollup of `codes` in `years` is the same in both, and neither
  // drifts from its contributions.
  void ExpectSameRollups(const std::vector<std::string>& codes,
                         const std::vector<int32_t>& years) {
    for (int32_t year : years) {
      for (const std::string& code : codes) {
        v1::GetRollupRequest request;
        request.set_node_code(code);
        request.set_year(year);
        absl::StatusOr<v1::GetRollupResponse> batched = aggregator_->GetRollup(request);
        absl::StatusOr<v1::GetRollupResponse> one = twin_->GetRollup(request);
        ASSERT_EQ(batched.status().code(), one.status().code()) << code << " " << year;
        if (one.ok()) {
          EXPECT_EQ(batched->rollup().DebugString(), one->rollup().DebugString())
              << code << " " << year;
        }
      }
      v1::RecomputeRequest recompute;
      recompute.set_node_code(kDistrict);
      recompute.set_year(year);
      recompute.set_dry_run(true);
      absl::StatusOr<v1::RecomputeResponse> checked = aggregator_->Recompute(recompute, nullptr);
      ASSERT_THAT(checked, IsOk());
      EXPECT_THAT(checked->drift(), IsEmpty()) << year;
    }
  }

  v1::ApplyEvaluationRequest Delivery(const std::string& uscc, int32_t year, int32_t version,
                                      int64_t executed, std::optional<int32_t> score,
                                      const std::string& division = kDistrict) {
    v1::ScoreCardSummary summary;
    if (score.has_value()) {
      summary = MakeScore(*score, *score >= 9000 ? v1::GRADE_EXCELLENT : v1::GRADE_GOOD,
                          *score + 50, v1::GRADE_GOOD);
    }
    return MakeApply(MakePackage(uscc, year, F(executed), division), version,
                     score.has_value() ? &summary : nullptr);
  }

  std::unique_ptr<Aggregator> twin_;
};

TEST_F(ApplyBatchTest, MixedDeliveriesInOneBatchLikeOneByOne) {
  const std::string outsider = MakeUscc(kDistrict, 900);
  const std::string stranger = MakeUscc("430603", 7);
  std::vector<v1::ApplyEvaluationRequest> deliveries = {
      Delivery(units_[0], 2023, 1, 10'000'000, std::nullopt),
      Delivery(units_[0], 2023, 1, 10'000'000, std::nullopt),  // the same again
      Delivery(units_[1], 2023, 2, 20'000'000, 7000),
      Delivery(units_[1], 2023, 1, 15'000'000, 9500),          // older: stale
      Delivery(units_[0], 2023, 1, 10'000'000, 8000),          // its score arrives
      Delivery(units_[2], 2023, 1, 30'000'000, 9900),          // D2 shares the district
      Delivery(units_[2], 2023, 2, 31'000'000, 6000),          // two versions of one unit
      Delivery(units_[3], 2023, 1, 40'000'000, 9900),
      Delivery(units_[3], 2024, 1, 41'000'000, 5000),          // another year
      Delivery(outsider, 2023, 1, 7'000'000, 6500),            // unassigned, same district
      Delivery(outsider, 2023, 2, 7'500'000, 9100),
      Delivery(stranger, 2023, 1, 3'000'000, 8800, "430603"),  // its unassigned node is new
      Delivery(units_[0], 2023, 2, 11'000'000, std::nullopt),  // replaced, score gone
  };
  ApplyBoth(deliveries, deliveries.size());
  ExpectSameRollups({kDistrict, "D1", "D2", units_[0], units_[1], units_[2], units_[3],
                     outsider, stranger, "unassigned-430602", "unassigned-430603"},
                    {2023, 2024});
  const v1::Rollup district = Rollup(kDistrict, 2023);
  EXPECT_EQ(district.measures().funds().executed_fen(),
            11'000'000 + 20'000'000 + 31'000'000 + 40'000'000 + 7'500'000);
  EXPECT_EQ(district.measures().scores().computed().min_centipoints(), 6000);
  EXPECT_EQ(district.measures().scores().computed().max_centipoints(), 9900);
  v1::GetNodeRequest get;
  get.set_code("unassigned-430603");
  EXPECT_THAT(aggregator_->GetNode(get), IsOk());
}

TEST_F(ApplyBatchTest, RedeliveryOfAppliedVersionsAcrossBatches) {
  std::vector<v1::ApplyEvaluationRequest> first = {
      Delivery(units_[0], 2023, 1, 10'000'000, 7000),
      Delivery(units_[1], 2023, 1, 20'000'000, std::nullopt),
      Delivery(units_[2], 2023, 3, 30'000'000, 9000),
  };
  ApplyBoth(first, first.size());
  std::vector<v1::ApplyEvaluationRequest> again = {
      first[0],                                                 // duplicate
      Delivery(units_[1], 2023, 1, 20'000'000, 8200),           // now scored
      Delivery(units_[2], 2023, 2, 29'000'000, 5000),           // stale
      Delivery(units_[2], 2023, 4, 28'000'000, std::nullopt),   // newer
      first[2],                                                 // stale by now
  };
  ApplyBoth(again, again.size());
  // A batch of nothing but duplicates writes nothing and answers for each.
  ApplyBoth(again, again.size());
  ExpectSameRollups({kDistrict, "D1", "D2", units_[0], units_[1], units_[2]}, {2023});
}

TEST_F(ApplyBatchTest, ShuffledDeliveriesInBatchesOfAnySize) {
  std::mt19937 rng(20240611);
  const std::vector<std::string> departments = {"D1", "D2"};
  std::vector<std::string> codes = {kDistrict, "D1", "D2", "unassigned-430602"};
  v1::UpsertNodesRequest upsert;
  std::vector<std::string> usccs;
  for (int i = 0; i < 30; ++i) {
    const std::string uscc = MakeUscc(kDistrict, 200 + i);
    usccs.push_back(uscc);
    codes.push_back(uscc);
    // Every fifth unit is not in the tree: it rolls up unassigned.
    if (i % 5 != 4) *upsert.add_nodes() = Node(uscc, v1::NODE_KIND_UNIT, departments[i % 2]);
  }
  UpsertBoth(upsert);
  std::vector<v1::ApplyEvaluationRequest> deliveries;
  for (const std::string& uscc : usccs) {
    const int count = 1 + static_cast<int>(rng() % 3);
    for (int v = 1; v <= count; ++v) {
      const int64_t executed = 1'000'000 + static_cast<int64_t>(rng() % 90'000'000);
      std::optional<int32_t> score;
      if (rng() % 4 != 0) score = 5000 + static_cast<int32_t>(rng() % 5000);
      deliveries.push_back(Delivery(uscc, 2023, v, executed, score));
      if (rng() % 3 == 0) deliveries.push_back(deliveries.back());
    }
  }
  std::shuffle(deliveries.begin(), deliveries.end(), rng);
  for (size_t batch_size : {size_t{1}, size_t{7}, size_t{64}}) {
    ApplyBoth(deliveries, batch_size);
    ExpectSameRollups(codes, {2023});
  }
}

TEST_F(ApplyBatchTest, AnItemApplyEvaluationRefusesFailsAloneAndTheOthersApply) {
  std::vector<v1::ApplyEvaluationRequest> deliveries = {
      Delivery(units_[0], 2023, 1, INT64_MAX - 20'000'000, 7000),
      Delivery(units_[2], 2023, 1, 5'000'000, 8000),
      // The district's sum would overflow: OUT_OF_RANGE, after D1 changed.
      Delivery(units_[1], 2023, 1, 16'000'000, 6000),
      Delivery(units_[3], 2023, 0, 5'000'000, 8000),  // version 0: INVALID_ARGUMENT
      Delivery(units_[3], 2023, 1, 6'000'000, 8100),
  };
  ApplyBoth(deliveries, deliveries.size());
  v1::ApplyEvaluationsRequest request;
  for (const auto& d : deliveries) *request.add_evaluations() = d;
  absl::StatusOr<v1::ApplyEvaluationsResponse> response = aggregator_->ApplyEvaluations(request);
  ASSERT_THAT(response, IsOk());
  ASSERT_EQ(response->results_size(), 5);
  EXPECT_EQ(response->results(2).error_code(), static_cast<int>(absl::StatusCode::kOutOfRange));
  EXPECT_EQ(response->results(3).error_code(),
            static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(response->results(3).error_message(), HasSubstr("evaluations[3]"));
  EXPECT_EQ(response->results(4).applied().outcome(), v1::APPLY_OUTCOME_DUPLICATE);
  ExpectSameRollups({kDistrict, "D1", "D2", units_[0], units_[1], units_[2], units_[3]}, {2023});
  EXPECT_EQ(Rollup("D2", 2023).measures().funds().executed_fen(), 11'000'000);
}

TEST_F(ApplyBatchTest, TooManyItemsAreRefused) {
  std::vector<v1::ApplyEvaluationRequest> one = {Delivery(units_[0], 2023, 1, 1, std::nullopt)};
  std::vector<const v1::ApplyEvaluationRequest*> batch(10001, &one[0]);
  EXPECT_EQ(aggregator_->ApplyBatch(batch).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(aggregator_->ApplyBatch({}), IsOk());
}

}  // namespace
}  // namespace aggregator_test
}  // namespace budgetperf
