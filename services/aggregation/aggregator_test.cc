#include "services/aggregation/aggregator.h"

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregation/aggregation_store.h"
#include "services/aggregation/aggregation_test_util.h"
#include "services/aggregation/measures.h"
#include "tests/testing/temp_dir.h"

namespace budgetperf {
namespace {

using aggregation_testing::Figures;
using aggregation_testing::MakeApply;
using aggregation_testing::MakePackage;
using aggregation_testing::MakeScore;
using aggregation_testing::MakeUscc;
using aggregation_testing::Node;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr char kDistrict[] = "430602";

// A source that lists the packages a test gives it.
class ListSource : public EvaluationSource {
 public:
  std::string Describe() const override { return "test list"; }
  absl::Status ForEachLatest(
      int32_t year,
      const std::function<absl::Status(const v1::ApplyEvaluationRequest&)>& fn) override {
    for (const v1::ApplyEvaluationRequest& r : latest) {
      if (r.package().year() != year) continue;
      absl::Status s = fn(r);
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }
  std::vector<v1::ApplyEvaluationRequest> latest;
};

class AggregatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<testing::TempDir> dir = testing::TempDir::Create("aggregator");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_.emplace(*std::move(dir));
    Open();
    for (int i = 0; i < 4; ++i) units_.push_back(MakeUscc(kDistrict, i + 1));
    v1::UpsertNodesRequest request;
    *request.add_nodes() = Node(kDistrict, v1::NODE_KIND_DISTRICT, "");
    *request.add_nodes() = Node("D1", v1::NODE_KIND_DEPARTMENT, kDistrict);
    *request.add_nodes() = Node("D2", v1::NODE_KIND_DEPARTMENT, kDistrict);
    *request.add_nodes() = Node(units_[0], v1::NODE_KIND_UNIT, "D1");
    *request.add_nodes() = Node(units_[1], v1::NODE_KIND_UNIT, "D1");
    *request.add_nodes() = Node(units_[2], v1::NODE_KIND_UNIT, "D2");
    *request.add_nodes() = Node(units_[3], v1::NODE_KIND_UNIT, "D2");
    absl::StatusOr<v1::UpsertNodesResponse> upserted = aggregator_->UpsertNodes(request);
    ASSERT_TRUE(upserted.ok()) << upserted.status();
  }

  std::string DbPath() const { return dir_->Join("db"); }

  void Open() {
    Aggregator::Options options;
    options.data_dir = DbPath();
    options.durable = false;  // throwaway data; the integration test runs synced
    options.now_unix_ms = [] { return int64_t{1'700'000'000'000}; };
    absl::StatusOr<std::unique_ptr<Aggregator>> opened = Aggregator::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status();
    aggregator_ = *std::move(opened);
  }

  void Reopen() {
    aggregator_.reset();
    Open();
  }

  v1::Rollup Rollup(const std::string& code, int32_t year) {
    v1::GetRollupRequest request;
    request.set_node_code(code);
    request.set_year(year);
    absl::StatusOr<v1::GetRollupResponse> response = aggregator_->GetRollup(request);
    EXPECT_TRUE(response.ok()) << code << ": " << response.status();
    return response.ok() ? response->rollup() : v1::Rollup();
  }

  v1::ApplyEvaluationResponse Apply(const v1::ApplyEvaluationRequest& request) {
    absl::StatusOr<v1::ApplyEvaluationResponse> response = aggregator_->ApplyEvaluation(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : v1::ApplyEvaluationResponse();
  }

  v1::ApplyEvaluationResponse ApplyUnit(int unit, int32_t year, int32_t version, Figures f,
                                        std::optional<int32_t> score = std::nullopt,
                                        v1::Grade grade = v1::GRADE_GOOD) {
    v1::ScoreCardSummary summary;
    if (score.has_value()) summary = MakeScore(*score, grade, *score + 100, grade);
    return Apply(MakeApply(MakePackage(units_[unit], year, f), version,
                           score.has_value() ? &summary : nullptr));
  }

  v1::RecomputeResponse Recompute(const std::string& code, int32_t year, bool dry_run = false,
                                  EvaluationSource* source = nullptr) {
    v1::RecomputeRequest request;
    request.set_node_code(code);
    request.set_year(year);
    request.set_dry_run(dry_run);
    absl::StatusOr<v1::RecomputeResponse> response = aggregator_->Recompute(request, source);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : v1::RecomputeResponse();
  }

  static Figures F(int64_t executed, int64_t full_year = 100'000'000) {
    Figures f;
    f.executed_fen = executed;
    f.full_year_fen = full_year;
    return f;
  }

  std::optional<testing::TempDir> dir_;
  std::unique_ptr<Aggregator> aggregator_;
  std::vector<std::string> units_;
};

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
  ASSERT_TRUE(node.ok()) << node.status();
  EXPECT_THAT(node->path(), ElementsAre(units_[3], "D2", kDistrict));
}

TEST_F(AggregatorTest, AUnitMovingDepartmentKeepsEarlierYearsWhereTheyWere) {
  ApplyUnit(0, 2023, 1, F(10'000'000));
  ApplyUnit(0, 2024, 1, F(11'000'000));
  ApplyUnit(0, 2025, 1, F(12'000'000));
  v1::MoveNodeRequest move;
  move.set_code(units_[0]);
  move.set_new_parent_code("D2");
  move.set_from_year(2024);
  absl::StatusOr<v1::MoveNodeResponse> moved = aggregator_->MoveNode(move);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->contributions_moved(), 2);  // 2024 and 2025

  EXPECT_EQ(Rollup("D1", 2023).measures().funds().executed_fen(), 10'000'000);
  EXPECT_EQ(Rollup("D2", 2023).measures().funds().executed_fen(), 0);
  EXPECT_EQ(Rollup("D1", 2024).measures().funds().executed_fen(), 0);
  EXPECT_EQ(Rollup("D2", 2024).measures().funds().executed_fen(), 11'000'000);
  EXPECT_EQ(Rollup("D2", 2025).measures().funds().executed_fen(), 12'000'000);
  EXPECT_EQ(Rollup(kDistrict, 2024).measures().funds().executed_fen(), 11'000'000);
  EXPECT_EQ(Rollup("D1", 2023).measures().units().expected(), 2);
  EXPECT_EQ(Rollup("D1", 2024).measures().units().expected(), 1);
  EXPECT_EQ(Rollup("D2", 2024).measures().units().expected(), 3);

  // A version delivered after the move goes to the new department.
  ApplyUnit(0, 2024, 2, F(11'500'000));
  EXPECT_EQ(Rollup("D2", 2024).measures().funds().executed_fen(), 11'500'000);
  EXPECT_EQ(Rollup("D1", 2024).measures().funds().executed_fen(), 0);
  EXPECT_EQ(Recompute(kDistrict, 2024).drift_size(), 0);
  EXPECT_EQ(Recompute(kDistrict, 2023).drift_size(), 0);

  // Moving back from 2025 only.
  move.set_new_parent_code("D1");
  move.set_from_year(2025);
  moved = aggregator_->MoveNode(move);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->contributions_moved(), 1);
  EXPECT_EQ(Rollup("D1", 2025).measures().funds().executed_fen(), 12'000'000);
  EXPECT_EQ(Rollup("D2", 2024).measures().funds().executed_fen(), 11'500'000);
}

TEST_F(AggregatorTest, MovingADepartmentCarriesItsUnits) {
  ApplyUnit(0, 2023, 1, F(10'000'000));
  ApplyUnit(1, 2023, 1, F(20'000'000));
  v1::UpsertNodesRequest add;
  *add.add_nodes() = Node("G", v1::NODE_KIND_DEPARTMENT, kDistrict);
  ASSERT_TRUE(aggregator_->UpsertNodes(add).ok());
  v1::MoveNodeRequest move;
  move.set_code("D1");
  move.set_new_parent_code("G");
  move.set_from_year(2023);
  absl::StatusOr<v1::MoveNodeResponse> moved = aggregator_->MoveNode(move);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->contributions_moved(), 2);
  EXPECT_EQ(Rollup("G", 2023).measures().funds().executed_fen(), 30'000'000);
  EXPECT_EQ(Rollup(kDistrict, 2023).measures().funds().executed_fen(), 30'000'000);
  EXPECT_EQ(Rollup("G", 2023).measures().units().expected(), 2);
  // And a cycle is refused.
  move.set_code(kDistrict);
  move.set_new_parent_code("D1");
  absl::StatusOr<v1::MoveNodeResponse> cycle = aggregator_->MoveNode(move);
  EXPECT_EQ(cycle.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(cycle.status().message()), HasSubstr("cycle"));
  // Nor can a unit take children.
  move.set_code(units_[1]);
  move.set_new_parent_code(units_[0]);
  EXPECT_EQ(aggregator_->MoveNode(move).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(AggregatorTest, AUnitOutsideTheTreeRollsUpUnassignedAndShowsInCoverage) {
  const std::string outsider = MakeUscc(kDistrict, 900);
  v1::ApplyEvaluationResponse applied =
      Apply(MakeApply(MakePackage(outsider, 2023, F(7'000'000)), 1));
  EXPECT_TRUE(applied.unassigned());
  EXPECT_THAT(applied.path(), ElementsAre(outsider, "unassigned-430602", kDistrict));
  ApplyUnit(0, 2023, 1, F(1'000'000));

  const v1::Rollup district = Rollup(kDistrict, 2023);
  EXPECT_EQ(district.measures().funds().executed_fen(), 8'000'000);
  EXPECT_EQ(district.measures().units().filed(), 2);
  EXPECT_EQ(district.measures().units().unassigned(), 1);
  EXPECT_EQ(district.measures().units().filed_share_bp(), 2500);  // 1 of 4 expected
  const v1::Rollup unassigned = Rollup("unassigned-430602", 2023);
  EXPECT_EQ(unassigned.node_kind(), v1::NODE_KIND_UNASSIGNED);
  EXPECT_EQ(unassigned.measures().funds().executed_fen(), 7'000'000);
  EXPECT_EQ(Rollup(outsider, 2023).node_name(), "unit " + outsider);

  v1::CoverageRequest coverage_request;
  coverage_request.set_node_code(kDistrict);
  coverage_request.set_year(2023);
  absl::StatusOr<v1::CoverageResponse> coverage = aggregator_->Coverage(coverage_request);
  ASSERT_TRUE(coverage.ok()) << coverage.status();
  EXPECT_EQ(coverage->units_expected(), 4);
  EXPECT_EQ(coverage->units_filed(), 1);
  EXPECT_EQ(coverage->units_share_bp(), 2500);
  ASSERT_EQ(coverage->unassigned_size(), 1);
  EXPECT_EQ(coverage->unassigned(0).uscc(), outsider);
  EXPECT_EQ(coverage->unassigned(0).unassigned_node(), "unassigned-430602");
  std::vector<std::string> missing;
  for (const v1::MissingUnit& m : coverage->missing()) missing.push_back(m.uscc());
  EXPECT_THAT(missing, ElementsAre(units_[1], units_[2], units_[3]));

  v1::DrilldownRequest drill;
  drill.set_node_code(kDistrict);
  drill.set_year(2023);
  absl::StatusOr<v1::DrilldownResponse> children = aggregator_->Drilldown(drill);
  ASSERT_TRUE(children.ok()) << children.status();
  std::vector<std::string> codes;
  for (const v1::Rollup& r : children->children()) codes.push_back(r.node_code());
  EXPECT_THAT(codes, ElementsAre("D1", "D2", "unassigned-430602"));
  drill.set_node_code("unassigned-430602");
  children = aggregator_->Drilldown(drill);
  ASSERT_TRUE(children.ok()) << children.status();
  ASSERT_EQ(children->children_size(), 1);
  EXPECT_EQ(children->children(0).node_code(), outsider);
  EXPECT_EQ(children->children(0).node_kind(), v1::NODE_KIND_UNIT);
  // No unassigned child in a year without any.
  drill.set_node_code(kDistrict);
  drill.set_year(2024);
  EXPECT_EQ(aggregator_->Drilldown(drill)->children_size(), 2);
  EXPECT_EQ(Recompute(kDistrict, 2023).drift_size(), 0);
}

TEST_F(AggregatorTest, AnUnassignedUnitJoinsTheTreeWithItsFigures) {
  const std::string outsider = MakeUscc(kDistrict, 901);
  Apply(MakeApply(MakePackage(outsider, 2023, F(7'000'000)), 1));
  Apply(MakeApply(MakePackage(outsider, 2024, F(8'000'000)), 1));
  // In the tree from 2024 only: 2023 stays unassigned.
  const std::string csv = "code,name,kind,parent_code,division_code,valid_from_year\n" +
                          outsider + ",新单位,unit,D2,430602,2024\n";
  absl::StatusOr<v1::ImportOrgCsvResponse> imported = aggregator_->ImportOrgCsv(csv);
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_EQ(imported->units(), 1);
  EXPECT_EQ(imported->contributions_moved(), 1);
  EXPECT_EQ(Rollup("D2", 2024).measures().funds().executed_fen(), 8'000'000);
  EXPECT_EQ(Rollup("unassigned-430602", 2024).measures().funds().executed_fen(), 0);
  EXPECT_EQ(Rollup("unassigned-430602", 2023).measures().funds().executed_fen(), 7'000'000);
  EXPECT_EQ(Rollup(kDistrict, 2024).measures().units().unassigned(), 0);
  EXPECT_EQ(Rollup(kDistrict, 2024).measures().funds().executed_fen(), 8'000'000);
  EXPECT_EQ(Rollup(outsider, 2024).node_name(), "新单位");

  v1::CoverageRequest coverage_request;
  coverage_request.set_node_code(kDistrict);
  coverage_request.set_year(2024);
  EXPECT_EQ(aggregator_->Coverage(coverage_request)->unassigned_size(), 0);
  coverage_request.set_year(2023);
  EXPECT_EQ(aggregator_->Coverage(coverage_request)->unassigned_size(), 1);
  EXPECT_EQ(Recompute(kDistrict, 2024).drift_size(), 0);
  EXPECT_EQ(Recompute(kDistrict, 2023).drift_size(), 0);
}

TEST_F(AggregatorTest, AnUnassignedNodeFindsItsDistrictWhenItArrives) {
  const std::string stranger = MakeUscc("430603", 1);
  Apply(MakeApply(MakePackage(stranger, 2023, F(3'000'000), "430603"), 1));
  EXPECT_EQ(Rollup("unassigned-430603", 2023).measures().funds().executed_fen(), 3'000'000);
  v1::GetNodeRequest get;
  get.set_code("unassigned-430603");
  EXPECT_EQ(aggregator_->GetNode(get)->node().parent_code(), "");

  v1::UpsertNodesRequest add;
  *add.add_nodes() = Node("430603", v1::NODE_KIND_DISTRICT, "", "430603");
  ASSERT_TRUE(aggregator_->UpsertNodes(add).ok());
  EXPECT_EQ(aggregator_->GetNode(get)->node().parent_code(), "430603");
  EXPECT_EQ(Rollup("430603", 2023).measures().funds().executed_fen(), 3'000'000);
  EXPECT_EQ(Rollup("430603", 2023).measures().units().unassigned(), 1);
  EXPECT_EQ(Rollup(kDistrict, 2023).measures().funds().executed_fen(), 0);
}

TEST_F(AggregatorTest, ImportReportsEveryBadRowWithItsLine) {
  const std::string csv =
      "code,name,kind,parent_code,division_code\n"
      "D3,部门三,department,430602,430602\n"
      "D4,部门四,agency,430602,430602\n"
      "12430602MB1C04587A,坏单位,unit,D3,430602\n"
      "D5,部门五,department,nowhere,430602\n"
      "D6,部门六,department,D4,430602\n";
  absl::StatusOr<v1::ImportOrgCsvResponse> imported = aggregator_->ImportOrgCsv(csv);
  ASSERT_EQ(imported.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(imported.status().message());
  EXPECT_THAT(message, HasSubstr("3 bad rows"));
  EXPECT_THAT(message, HasSubstr("line 3: kind \"agency\""));
  EXPECT_THAT(message, HasSubstr("line 4: node \"12430602MB1C04587A\""));
  EXPECT_THAT(message, HasSubstr("line 5: node \"D5\": parent \"nowhere\""));
  // D6's parent D4 is a bad row, not an unknown one.
  EXPECT_THAT(message, ::testing::Not(HasSubstr("line 6")));
  v1::ListNodesRequest list;
  list.set_parent_code(kDistrict);
  EXPECT_EQ(aggregator_->ListNodes(list)->nodes_size(), 2);  // nothing written
}

TEST_F(AggregatorTest, ListAndGetNodes) {
  v1::ListNodesRequest list;
  absl::StatusOr<v1::ListNodesResponse> roots = aggregator_->ListNodes(list);
  ASSERT_TRUE(roots.ok());
  ASSERT_EQ(roots->nodes_size(), 1);
  EXPECT_EQ(roots->nodes(0).code(), kDistrict);
  list.set_parent_code("D1");
  list.set_year(2023);
  std::vector<std::string> codes;
  absl::StatusOr<v1::ListNodesResponse> children = aggregator_->ListNodes(list);
  ASSERT_TRUE(children.ok()) << children.status();
  for (const v1::OrgNode& n : children->nodes()) codes.push_back(n.code());
  EXPECT_THAT(codes, UnorderedElementsAre(units_[0], units_[1]));
  list.set_parent_code("nope");
  EXPECT_EQ(aggregator_->ListNodes(list).status().code(), absl::StatusCode::kNotFound);
  v1::GetNodeRequest get;
  get.set_code(kDistrict);
  absl::StatusOr<v1::GetNodeResponse> node = aggregator_->GetNode(get);
  ASSERT_TRUE(node.ok());
  EXPECT_EQ(node->expected_units(), 4);
  get.set_code("nope");
  EXPECT_EQ(aggregator_->GetNode(get).status().code(), absl::StatusCode::kNotFound);
  v1::GetRollupRequest rollup;
  rollup.set_node_code("nope");
  rollup.set_year(2023);
  EXPECT_EQ(aggregator_->GetRollup(rollup).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(AggregatorTest, DrilldownSortsFiltersAndPaginates) {
  ApplyUnit(0, 2023, 1, F(40'000'000), 9500, v1::GRADE_EXCELLENT);
  ApplyUnit(1, 2023, 1, F(10'000'000), 6000, v1::GRADE_POOR);
  ApplyUnit(2, 2023, 1, F(30'000'000), 8000, v1::GRADE_GOOD);
  v1::DrilldownRequest request;
  request.set_node_code("D1");
  request.set_year(2023);
  request.set_sort_by("funds.executed_fen");
  request.set_page_size(1);
  absl::StatusOr<v1::DrilldownResponse> page = aggregator_->Drilldown(request);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->node().measures().funds().executed_fen(), 50'000'000);
  EXPECT_EQ(page->total_children(), 2);
  ASSERT_EQ(page->children_size(), 1);
  EXPECT_EQ(page->children(0).node_code(), units_[1]);
  request.set_page_token(page->next_page_token());
  page = aggregator_->Drilldown(request);
  EXPECT_EQ(page->children(0).node_code(), units_[0]);
  EXPECT_TRUE(page->next_page_token().empty());

  // The district's units' departments, the one with a poor unit left out.
  request.set_node_code(kDistrict);
  request.clear_page_token();
  request.set_page_size(0);
  request.set_descending(true);
  v1::DrilldownFilter* grade = request.add_filters();
  grade->mutable_grades()->add_grades(v1::GRADE_POOR);
  grade->set_negate(true);
  page = aggregator_->Drilldown(request);
  ASSERT_EQ(page->children_size(), 1);
  EXPECT_EQ(page->children(0).node_code(), "D2");
  // Unfiled units show, with zeros: D2's second unit has not filed.
  request.set_node_code("D2");
  request.clear_filters();
  v1::DrilldownFilter* filed = request.add_filters();
  filed->mutable_range()->set_measure("units.filed");
  filed->mutable_range()->set_max(0);
  page = aggregator_->Drilldown(request);
  ASSERT_EQ(page->children_size(), 1);
  EXPECT_EQ(page->children(0).node_code(), units_[3]);
  EXPECT_EQ(page->children(0).measures().units().expected(), 1);
  request.set_sort_by("funds.nope");
  EXPECT_EQ(aggregator_->Drilldown(request).status().code(), absl::StatusCode::kInvalidArgument);
}

// Queries are answered from the query cache once asked; every kind of
// change must show in the next answer all the same.
TEST_F(AggregatorTest, CachedQueriesFollowEveryChange) {
  ApplyUnit(0, 2023, 1, F(40'000'000));
  ApplyUnit(2, 2023, 1, F(30'000'000));
  v1::DrilldownRequest request;
  request.set_node_code(kDistrict);
  request.set_year(2023);
  request.set_sort_by("funds.executed_fen");
  request.set_descending(true);
  auto order = [&]() {
    absl::StatusOr<v1::DrilldownResponse> page = aggregator_->Drilldown(request);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::pair<std::string, int64_t>> rows;
    if (!page.ok()) return rows;
    rows.emplace_back(kDistrict, page->node().measures().funds().executed_fen());
    for (const v1::Rollup& r : page->children()) {
      rows.emplace_back(r.node_code(), r.measures().funds().executed_fen());
    }
    return rows;
  };
  using Rows = std::vector<std::pair<std::string, int64_t>>;
  EXPECT_EQ(order(), (Rows{{kDistrict, 70'000'000}, {"D1", 40'000'000}, {"D2", 30'000'000}}));
  EXPECT_EQ(Rollup("D2", 2023).measures().funds().executed_fen(), 30'000'000);
  // Asked twice: the same answer (from the cache).
  EXPECT_EQ(order(), (Rows{{kDistrict, 70'000'000}, {"D1", 40'000'000}, {"D2", 30'000'000}}));

  // A new version below D2 reorders the departments.
  ApplyUnit(2, 2023, 2, F(50'000'000));
  EXPECT_EQ(order(), (Rows{{kDistrict, 90'000'000}, {"D2", 50'000'000}, {"D1", 40'000'000}}));
  EXPECT_EQ(Rollup("D2", 2023).measures().funds().executed_fen(), 50'000'000);

  // A move carries the unit's figures between departments.
  v1::MoveNodeRequest move;
  move.set_code(units_[0]);
  move.set_new_parent_code("D2");
  move.set_from_year(2023);
  ASSERT_TRUE(aggregator_->MoveNode(move).ok());
  EXPECT_EQ(order(), (Rows{{kDistrict, 90'000'000}, {"D2", 90'000'000}, {"D1", 0}}));
  EXPECT_EQ(Rollup("D1", 2023).measures().funds().executed_fen(), 0);

  // Findings change the findings measures the same way.
  request.set_sort_by("findings.total");
  EXPECT_EQ(aggregator_->Drilldown(request)->children(0).measures().findings().total(), 0);
  v1::RecordFindingsRequest findings;
  findings.set_code(units_[2]);
  findings.set_year(2023);
  findings.set_source("cross-unit");
  findings.mutable_counts()->set_error(2);
  ASSERT_TRUE(aggregator_->RecordFindings(findings).ok());
  absl::StatusOr<v1::DrilldownResponse> by_findings = aggregator_->Drilldown(request);
  ASSERT_TRUE(by_findings.ok());
  EXPECT_EQ(by_findings->node().measures().findings().error(), 2);
  EXPECT_EQ(by_findings->children(0).node_code(), "D2");
  EXPECT_EQ(by_findings->children(0).measures().findings().error(), 2);
  EXPECT_EQ(Rollup(units_[2], 2023).measures().findings().error(), 2);

  // A renamed department shows its new name (a tree change).
  v1::UpsertNodesRequest rename;
  *rename.add_nodes() = Node("D1", v1::NODE_KIND_DEPARTMENT, kDistrict);
  rename.mutable_nodes(0)->set_name("教育局");
  ASSERT_TRUE(aggregator_->UpsertNodes(rename).ok());
  request.set_sort_by("");
  request.set_descending(false);
  absl::StatusOr<v1::DrilldownResponse> by_code = aggregator_->Drilldown(request);
  ASSERT_TRUE(by_code.ok());
  EXPECT_EQ(by_code->children(0).node_name(), "教育局");
  EXPECT_EQ(Rollup("D1", 2023).node_name(), "教育局");
}

// Recompute rewrites a subtree from its root down, without the root's
// parent: the parent's Drilldown shows the repaired child all the same.
TEST_F(AggregatorTest, ARepairShowsInTheParentsCachedDrilldown) {
  ApplyUnit(0, 2023, 1, F(10'000'000));
  ApplyUnit(1, 2023, 1, F(20'000'000));
  aggregator_.reset();
  {
    absl::StatusOr<std::unique_ptr<AggregationStore>> store =
        AggregationStore::Open({DbPath(), false});
    ASSERT_TRUE(store.ok()) << store.status();
    std::unique_ptr<AggregationStore::Mutation> m = (*store)->NewMutation();
    absl::StatusOr<std::optional<v1::Rollup>> d1 = m->GetRollup("D1", 2023);
    ASSERT_TRUE(d1.ok() && d1->has_value());
    v1::Rollup damaged = **d1;
    damaged.mutable_measures()->mutable_funds()->set_executed_fen(1);
    m->PutRollup(damaged);
    ASSERT_TRUE((*store)->Commit(*m).ok());
  }
  Open();
  v1::DrilldownRequest request;
  request.set_node_code(kDistrict);
  request.set_year(2023);
  absl::StatusOr<v1::DrilldownResponse> page = aggregator_->Drilldown(request);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->children(0).measures().funds().executed_fen(), 1);
  EXPECT_TRUE(Recompute("D1", 2023).repaired());
  page = aggregator_->Drilldown(request);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->children(0).node_code(), "D1");
  EXPECT_EQ(page->children(0).measures().funds().executed_fen(), 30'000'000);
}

// Every page of a sorted Drilldown is a slice of one order, whichever page
// is asked first, and the pages together hold every child once.
TEST_F(AggregatorTest, DrilldownPagesAreSlicesOfOneOrder) {
  v1::UpsertNodesRequest upsert;
  std::vector<std::string> codes;
  for (int i = 0; i < 23; ++i) {
    codes.push_back(MakeUscc(kDistrict, 100 + i));
    *upsert.add_nodes() = Node(codes.back(), v1::NODE_KIND_UNIT, "D1");
  }
  ASSERT_TRUE(aggregator_->UpsertNodes(upsert).ok());
  for (int i = 0; i < 23; ++i) {
    // Ties on purpose (i / 2): they go by code.
    Apply(MakeApply(MakePackage(codes[i], 2023, F(1'000'000 * (i / 2))), 1));
  }
  v1::DrilldownRequest request;
  request.set_node_code("D1");
  request.set_year(2023);
  request.set_sort_by("funds.executed_fen");
  request.set_descending(true);
  request.set_page_size(5);
  request.set_page_token("10");  // a later page first
  absl::StatusOr<v1::DrilldownResponse> later = aggregator_->Drilldown(request);
  ASSERT_TRUE(later.ok()) << later.status();
  request.clear_page_token();
  std::vector<std::string> seen;
  std::vector<int64_t> values;
  for (int pages = 0; pages < 10; ++pages) {
    absl::StatusOr<v1::DrilldownResponse> page = aggregator_->Drilldown(request);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->total_children(), 25);  // 23 + the two units of the fixture
    for (const v1::Rollup& r : page->children()) {
      seen.push_back(r.node_code());
      values.push_back(r.measures().funds().executed_fen());
    }
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  ASSERT_EQ(seen.size(), 25u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 25u);
  for (size_t i = 1; i < values.size(); ++i) {
    EXPECT_TRUE(values[i - 1] > values[i] || (values[i - 1] == values[i] && seen[i - 1] < seen[i]))
        << i;
  }
  ASSERT_EQ(later->children_size(), 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(later->children(i).node_code(), seen[10 + i]);
}

TEST_F(AggregatorTest, CoverageSharesOfUnitsAndBudget) {
  // Expected budgets: u0 declared 500; u1 falls back to last year's filed
  // full-year budget (200); u2 and u3 have neither (0).
  v1::UpsertNodesRequest upsert;
  v1::OrgNode u0 = Node(units_[0], v1::NODE_KIND_UNIT, "D1");
  u0.set_expected_budget_fen(500);
  *upsert.add_nodes() = u0;
  ASSERT_TRUE(aggregator_->UpsertNodes(upsert).ok());
  ApplyUnit(1, 2022, 1, F(1, 200));
  ApplyUnit(0, 2023, 1, F(1, 999));
  ApplyUnit(2, 2023, 1, F(1, 999));
  v1::CoverageRequest request;
  request.set_node_code(kDistrict);
  request.set_year(2023);
  absl::StatusOr<v1::CoverageResponse> coverage = aggregator_->Coverage(request);
  ASSERT_TRUE(coverage.ok()) << coverage.status();
  EXPECT_EQ(coverage->units_expected(), 4);
  EXPECT_EQ(coverage->units_filed(), 2);
  EXPECT_EQ(coverage->units_share_bp(), 5000);
  EXPECT_EQ(coverage->budget_expected_fen(), 700);
  EXPECT_EQ(coverage->budget_filed_fen(), 500);
  EXPECT_EQ(coverage->budget_share_bp(), 7143);
  ASSERT_EQ(coverage->missing_size(), 2);
  EXPECT_EQ(coverage->missing(0).uscc(), units_[1]);
  EXPECT_EQ(coverage->missing(0).expected_budget_fen(), 200);
  EXPECT_EQ(coverage->missing(0).parent_code(), "D1");
  request.set_node_code("nope");
  EXPECT_EQ(aggregator_->Coverage(request).status().code(), absl::StatusCode::kNotFound);
}

// A department coded by its USCC files its own package (部门本级): coverage
// expects it and counts it filed, as the rollup's 应报/已报 do.
TEST_F(AggregatorTest, CoverageCountsDepartmentsThatFileTheirOwnPackage) {
  const std::string department = MakeUscc(kDistrict, 950);
  v1::UpsertNodesRequest upsert;
  *upsert.add_nodes() = Node(department, v1::NODE_KIND_DEPARTMENT, kDistrict);
  ASSERT_TRUE(aggregator_->UpsertNodes(upsert).ok());
  Apply(MakeApply(MakePackage(department, 2023, F(1, 100)), 1));
  ApplyUnit(0, 2023, 1, F(1, 100));
  v1::CoverageRequest request;
  request.set_node_code(kDistrict);
  request.set_year(2023);
  absl::StatusOr<v1::CoverageResponse> coverage = aggregator_->Coverage(request);
  ASSERT_TRUE(coverage.ok()) << coverage.status();
  const v1::Rollup rollup = Rollup(kDistrict, 2023);
  EXPECT_EQ(coverage->units_expected(), rollup.measures().units().expected());
  EXPECT_EQ(coverage->units_filed(), rollup.measures().units().filed());
  EXPECT_EQ(coverage->units_filed(), 2);
  for (const auto& missing : coverage->missing()) EXPECT_NE(missing.uscc(), department);
}

TEST_F(AggregatorTest, CompareYearsAndTopN) {
  ApplyUnit(0, 2023, 1, F(10'000'000));
  ApplyUnit(0, 2024, 1, F(15'000'000));
  ApplyUnit(1, 2024, 1, F(5'000'000));
  const std::string outsider = MakeUscc(kDistrict, 902);
  Apply(MakeApply(MakePackage(outsider, 2024, F(9'000'000)), 1));

  v1::CompareYearsRequest compare;
  compare.set_node_code(kDistrict);
  compare.set_year_a(2023);
  compare.set_year_b(2024);
  compare.add_measures("funds.executed_fen");
  compare.add_measures("funds.execution_rate_bp");
  absl::StatusOr<v1::CompareYearsResponse> changes = aggregator_->CompareYears(compare);
  ASSERT_TRUE(changes.ok()) << changes.status();
  ASSERT_EQ(changes->changes_size(), 2);
  EXPECT_EQ(changes->changes(0).value_a(), 10'000'000);
  EXPECT_EQ(changes->changes(0).value_b(), 29'000'000);
  EXPECT_EQ(changes->changes(0).change(), 19'000'000);
  EXPECT_EQ(changes->changes(0).change_bp(), 19000);
  EXPECT_EQ(changes->changes(1).value_a(), 1000);  // 10 of 100
  EXPECT_EQ(changes->changes(1).value_b(), 967);   // 29 of 300
  compare.clear_measures();
  EXPECT_EQ(aggregator_->CompareYears(compare)->changes_size(),
            static_cast<int>(MeasureCatalog::Get().measures().size()));

  v1::TopNRequest top;
  top.set_node_code(kDistrict);
  top.set_year(2024);
  top.set_measure("funds.executed_fen");
  top.set_n(2);
  absl::StatusOr<v1::TopNResponse> ranked = aggregator_->TopN(top);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  ASSERT_EQ(ranked->units_size(), 2);
  EXPECT_EQ(ranked->units(0).uscc(), units_[0]);
  EXPECT_EQ(ranked->units(0).value(), 15'000'000);
  EXPECT_EQ(ranked->units(1).uscc(), outsider);  // the unassigned unit counts too
  EXPECT_EQ(ranked->units(1).rank(), 2);
  top.set_ascending(true);
  top.set_n(0);
  ranked = aggregator_->TopN(top);
  ASSERT_EQ(ranked->units_size(), 3);
  EXPECT_EQ(ranked->units(0).uscc(), units_[1]);
  top.set_node_code("D1");
  top.set_measure("scores.computed.sum_centipoints");
  EXPECT_EQ(aggregator_->TopN(top)->units_size(), 2);
  top.set_measure("scores.computed.mean_centipoints");  // absent: nobody scored
  EXPECT_EQ(aggregator_->TopN(top)->units_size(), 0);
}

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
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  EXPECT_EQ(recorded->recorded().total(), 3);
  EXPECT_EQ(Rollup(kDistrict, 2023).measures().findings().error(), 2);
  EXPECT_EQ(Rollup("D1", 2023).measures().findings().warning(), 1);

  // A node-level source beside it, counts only.
  v1::RecordFindingsRequest node_level;
  node_level.set_code("D1");
  node_level.set_year(2023);
  node_level.set_source("cross-year");
  node_level.mutable_counts()->set_needs_explanation(4);
  ASSERT_TRUE(aggregator_->RecordFindings(node_level).ok());
  EXPECT_EQ(Rollup(kDistrict, 2023).measures().findings().total(), 7);
  EXPECT_EQ(Rollup(units_[0], 2023).measures().findings().total(), 3);

  // The same source again replaces its findings.
  request.clear_findings();
  request.add_findings()->set_severity(v1::SEVERITY_WARNING);
  recorded = aggregator_->RecordFindings(request);
  ASSERT_TRUE(recorded.ok());
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
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->sources_size(), 1);
  EXPECT_EQ(stored->sources(0).source(), "cross-unit");
  EXPECT_EQ(stored->sources(0).findings_size(), 1);
  EXPECT_EQ(stored->sources(0).recorded_at_unix_ms(), 1'700'000'000'000);

  // Findings move with their unit.
  v1::MoveNodeRequest move;
  move.set_code(units_[0]);
  move.set_new_parent_code("D2");
  move.set_from_year(2023);
  ASSERT_TRUE(aggregator_->MoveNode(move).ok());
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
  ASSERT_TRUE(recorded.ok()) << recorded.status();
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
  ASSERT_TRUE(stored.ok());
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
  ASSERT_TRUE(recorded.ok()) << recorded.status();
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
  ASSERT_TRUE(aggregator_->RecordFindings(audit).ok());
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
    ASSERT_TRUE(store.ok()) << store.status();
    std::unique_ptr<AggregationStore::Mutation> m = (*store)->NewMutation();
    absl::StatusOr<std::optional<v1::Rollup>> d1 = m->GetRollup("D1", 2023);
    ASSERT_TRUE(d1.ok() && d1->has_value());
    v1::Rollup damaged = **d1;
    damaged.mutable_measures()->mutable_funds()->set_executed_fen(1);
    damaged.mutable_measures()->mutable_scores()->mutable_computed()->set_max_centipoints(1);
    m->PutRollup(damaged);
    ASSERT_TRUE((*store)->Commit(*m).ok());
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
  ASSERT_TRUE(aggregator_->UpsertNodes(upsert).ok());

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
    ASSERT_TRUE(opened.ok()) << opened.status();
    twin_ = *std::move(opened);
    v1::UpsertNodesRequest request;
    *request.add_nodes() = Node(kDistrict, v1::NODE_KIND_DISTRICT, "");
    *request.add_nodes() = Node("D1", v1::NODE_KIND_DEPARTMENT, kDistrict);
    *request.add_nodes() = Node("D2", v1::NODE_KIND_DEPARTMENT, kDistrict);
    *request.add_nodes() = Node(units_[0], v1::NODE_KIND_UNIT, "D1");
    *request.add_nodes() = Node(units_[1], v1::NODE_KIND_UNIT, "D1");
    *request.add_nodes() = Node(units_[2], v1::NODE_KIND_UNIT, "D2");
    *request.add_nodes() = Node(units_[3], v1::NODE_KIND_UNIT, "D2");
    ASSERT_TRUE(twin_->UpsertNodes(request).ok());
  }

  // Both aggregators get `nodes`.
  void UpsertBoth(const v1::UpsertNodesRequest& request) {
    ASSERT_TRUE(aggregator_->UpsertNodes(request).ok());
    ASSERT_TRUE(twin_->UpsertNodes(request).ok());
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
      ASSERT_TRUE(results.ok()) << results.status();
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
      ASSERT_TRUE(checked.ok()) << checked.status();
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
  EXPECT_TRUE(aggregator_->GetNode(get).ok());
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
  ASSERT_TRUE(response.ok()) << response.status();
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
  EXPECT_TRUE(aggregator_->ApplyBatch({}).ok());
}

TEST(AggregatorListMeasures, ListsTheCatalog) {
  v1::ListMeasuresResponse measures = Aggregator::ListMeasures();
  ASSERT_GT(measures.measures_size(), 90);
  EXPECT_EQ(measures.measures(0).name(), "units.expected");
  EXPECT_EQ(measures.measures(0).kind(), v1::MEASURE_KIND_DERIVED);
}

}  // namespace
}  // namespace budgetperf
