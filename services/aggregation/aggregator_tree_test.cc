// The tree in Aggregator: moves carry their units' figures (earlier years
// stay where they were), units outside the tree roll up unassigned until
// they join it, CSV imports report their bad rows, nodes are listed.

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

TEST_F(AggregatorTest, AUnitMovingDepartmentKeepsEarlierYearsWhereTheyWere) {
  ApplyUnit(0, 2023, 1, F(10'000'000));
  ApplyUnit(0, 2024, 1, F(11'000'000));
  ApplyUnit(0, 2025, 1, F(12'000'000));
  v1::MoveNodeRequest move;
  move.set_code(units_[0]);
  move.set_new_parent_code("D2");
  move.set_from_year(2024);
  absl::StatusOr<v1::MoveNodeResponse> moved = aggregator_->MoveNode(move);
  ASSERT_THAT(moved, IsOk());
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
  ASSERT_THAT(moved, IsOk());
  EXPECT_EQ(moved->contributions_moved(), 1);
  EXPECT_EQ(Rollup("D1", 2025).measures().funds().executed_fen(), 12'000'000);
  EXPECT_EQ(Rollup("D2", 2024).measures().funds().executed_fen(), 11'500'000);
}

TEST_F(AggregatorTest, MovingADepartmentCarriesItsUnits) {
  ApplyUnit(0, 2023, 1, F(10'000'000));
  ApplyUnit(1, 2023, 1, F(20'000'000));
  v1::UpsertNodesRequest add;
  *add.add_nodes() = Node("G", v1::NODE_KIND_DEPARTMENT, kDistrict);
  ASSERT_THAT(aggregator_->UpsertNodes(add), IsOk());
  v1::MoveNodeRequest move;
  move.set_code("D1");
  move.set_new_parent_code("G");
  move.set_from_year(2023);
  absl::StatusOr<v1::MoveNodeResponse> moved = aggregator_->MoveNode(move);
  ASSERT_THAT(moved, IsOk());
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
  ASSERT_THAT(coverage, IsOk());
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
  ASSERT_THAT(children, IsOk());
  std::vector<std::string> codes;
  for (const v1::Rollup& r : children->children()) codes.push_back(r.node_code());
  EXPECT_THAT(codes, ElementsAre("D1", "D2", "unassigned-430602"));
  drill.set_node_code("unassigned-430602");
  children = aggregator_->Drilldown(drill);
  ASSERT_THAT(children, IsOk());
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
  ASSERT_THAT(imported, IsOk());
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
  ASSERT_THAT(aggregator_->UpsertNodes(add), IsOk());
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
  ASSERT_THAT(roots, IsOk());
  ASSERT_EQ(roots->nodes_size(), 1);
  EXPECT_EQ(roots->nodes(0).code(), kDistrict);
  list.set_parent_code("D1");
  list.set_year(2023);
  std::vector<std::string> codes;
  absl::StatusOr<v1::ListNodesResponse> children = aggregator_->ListNodes(list);
  ASSERT_THAT(children, IsOk());
  for (const v1::OrgNode& n : children->nodes()) codes.push_back(n.code());
  EXPECT_THAT(codes, UnorderedElementsAre(units_[0], units_[1]));
  list.set_parent_code("nope");
  EXPECT_EQ(aggregator_->ListNodes(list).status().code(), absl::StatusCode::kNotFound);
  v1::GetNodeRequest get;
  get.set_code(kDistrict);
  absl::StatusOr<v1::GetNodeResponse> node = aggregator_->GetNode(get);
  ASSERT_THAT(node, IsOk());
  EXPECT_EQ(node->expected_units(), 4);
  get.set_code("nope");
  EXPECT_EQ(aggregator_->GetNode(get).status().code(), absl::StatusCode::kNotFound);
  v1::GetRollupRequest rollup;
  rollup.set_node_code("nope");
  rollup.set_year(2023);
  EXPECT_EQ(aggregator_->GetRollup(rollup).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace aggregator_test
}  // namespace budgetperf
