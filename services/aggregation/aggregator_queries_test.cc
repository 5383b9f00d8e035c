// The read side of Aggregator (aggregator_queries.cc): drilldowns sorted,
// filtered and paginated, the cache following every change, coverage,
// year comparisons and top-N.

#include <algorithm>
#include <map>
#include <optional>
#include <set>
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
  ASSERT_THAT(page, IsOk());
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
    EXPECT_THAT(page, IsOk());
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
  ASSERT_THAT(aggregator_->MoveNode(move), IsOk());
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
  ASSERT_THAT(aggregator_->RecordFindings(findings), IsOk());
  absl::StatusOr<v1::DrilldownResponse> by_findings = aggregator_->Drilldown(request);
  ASSERT_THAT(by_findings, IsOk());
  EXPECT_EQ(by_findings->node().measures().findings().error(), 2);
  EXPECT_EQ(by_findings->children(0).node_code(), "D2");
  EXPECT_EQ(by_findings->children(0).measures().findings().error(), 2);
  EXPECT_EQ(Rollup(units_[2], 2023).measures().findings().error(), 2);

  // A renamed department shows its new name (a tree change).
  v1::UpsertNodesRequest rename;
  *rename.add_nodes() = Node("D1", v1::NODE_KIND_DEPARTMENT, kDistrict);
  rename.mutable_nodes(0)->set_name("教育局");
  ASSERT_THAT(aggregator_->UpsertNodes(rename), IsOk());
  request.set_sort_by("");
  request.set_descending(false);
  absl::StatusOr<v1::DrilldownResponse> by_code = aggregator_->Drilldown(request);
  ASSERT_THAT(by_code, IsOk());
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
    ASSERT_THAT(store, IsOk());
    std::unique_ptr<AggregationStore::Mutation> m = (*store)->NewMutation();
    absl::StatusOr<std::optional<v1::Rollup>> d1 = m->GetRollup("D1", 2023);
    ASSERT_THAT(d1, IsOk());
    ASSERT_TRUE(d1->has_value());
    v1::Rollup damaged = **d1;
    damaged.mutable_measures()->mutable_funds()->set_executed_fen(1);
    m->PutRollup(damaged);
    ASSERT_THAT((*store)->Commit(*m), IsOk());
  }
  Open();
  v1::DrilldownRequest request;
  request.set_node_code(kDistrict);
  request.set_year(2023);
  absl::StatusOr<v1::DrilldownResponse> page = aggregator_->Drilldown(request);
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(page->children(0).measures().funds().executed_fen(), 1);
  EXPECT_TRUE(Recompute("D1", 2023).repaired());
  page = aggregator_->Drilldown(request);
  ASSERT_THAT(page, IsOk());
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
  ASSERT_THAT(aggregator_->UpsertNodes(upsert), IsOk());
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
  ASSERT_THAT(later, IsOk());
  request.clear_page_token();
  std::vector<std::string> seen;
  std::vector<int64_t> values;
  for (int pages = 0; pages < 10; ++pages) {
    absl::StatusOr<v1::DrilldownResponse> page = aggregator_->Drilldown(request);
    ASSERT_THAT(page, IsOk());
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
  ASSERT_THAT(aggregator_->UpsertNodes(upsert), IsOk());
  ApplyUnit(1, 2022, 1, F(1, 200));
  ApplyUnit(0, 2023, 1, F(1, 999));
  ApplyUnit(2, 2023, 1, F(1, 999));
  v1::CoverageRequest request;
  request.set_node_code(kDistrict);
  request.set_year(2023);
  absl::StatusOr<v1::CoverageResponse> coverage = aggregator_->Coverage(request);
  ASSERT_THAT(coverage, IsOk());
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
  ASSERT_THAT(aggregator_->UpsertNodes(upsert), IsOk());
  Apply(MakeApply(MakePackage(department, 2023, F(1, 100)), 1));
  ApplyUnit(0, 2023, 1, F(1, 100));
  v1::CoverageRequest request;
  request.set_node_code(kDistrict);
  request.set_year(2023);
  absl::StatusOr<v1::CoverageResponse> coverage = aggregator_->Coverage(request);
  ASSERT_THAT(coverage, IsOk());
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
  ASSERT_THAT(changes, IsOk());
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
  ASSERT_THAT(ranked, IsOk());
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

}  // namespace
}  // namespace aggregator_test
}  // namespace budgetperf
