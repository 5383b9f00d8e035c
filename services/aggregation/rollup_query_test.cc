#include "services/aggregation/rollup_query.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace {

using ::testing::ElementsAre;

v1::Rollup Row(const std::string& code, v1::NodeKind kind, int64_t executed,
               int64_t full_year, v1::Grade grade) {
  v1::Rollup r;
  r.set_node_code(code);
  r.set_year(2023);
  r.set_node_kind(kind);
  r.mutable_measures()->mutable_funds()->set_executed_fen(executed);
  r.mutable_measures()->mutable_funds()->set_full_year_budget_fen(full_year);
  if (grade != v1::GRADE_UNSPECIFIED) {
    v1::ScoreStats* s = r.mutable_measures()->mutable_scores()->mutable_computed();
    s->set_count(1);
    if (grade == v1::GRADE_EXCELLENT) s->set_excellent(1);
    if (grade == v1::GRADE_GOOD) s->set_good(1);
    if (grade == v1::GRADE_POOR) s->set_poor(1);
  }
  FillDerived(r.mutable_measures(), 1);
  return r;
}

std::vector<v1::Rollup> Rows() {
  return {
      Row("e", v1::NODE_KIND_UNIT, 50, 100, v1::GRADE_GOOD),       // 50.00%
      Row("a", v1::NODE_KIND_UNIT, 90, 100, v1::GRADE_EXCELLENT),  // 90.00%
      Row("c", v1::NODE_KIND_DEPARTMENT, 90, 0, v1::GRADE_POOR),   // no rate
      Row("b", v1::NODE_KIND_UNIT, 10, 100, v1::GRADE_UNSPECIFIED),
      Row("d", v1::NODE_KIND_UNIT, 90, 200, v1::GRADE_GOOD),       // 45.00%
  };
}

std::vector<std::string> Codes(const std::vector<v1::Rollup>& rows) {
  std::vector<std::string> out;
  for (const v1::Rollup& r : rows) out.push_back(r.node_code());
  return out;
}

absl::StatusOr<RollupPage> Select(const v1::DrilldownRequest& request) {
  return SelectRollups(Rows(), request);
}

TEST(SelectRollups, SortsByAMeasureWithTiesByCodeAndAbsentLast) {
  v1::DrilldownRequest request;
  request.set_sort_by("funds.executed_fen");
  request.set_descending(true);
  absl::StatusOr<RollupPage> page = Select(request);
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(Codes(page->rows), ElementsAre("a", "c", "d", "e", "b"));

  request.set_sort_by("funds.execution_rate_bp");
  page = Select(request);
  EXPECT_THAT(Codes(page->rows), ElementsAre("a", "e", "d", "b", "c"));
  request.set_descending(false);
  page = Select(request);
  EXPECT_THAT(Codes(page->rows), ElementsAre("b", "d", "e", "a", "c"));

  request.clear_sort_by();
  page = Select(request);
  EXPECT_THAT(Codes(page->rows), ElementsAre("a", "b", "c", "d", "e"));
}

TEST(SelectRollups, FiltersByKindGradeRangeAndTheirNegation) {
  v1::DrilldownRequest request;
  v1::DrilldownFilter* kinds = request.add_filters();
  kinds->mutable_kinds()->add_kinds(v1::NODE_KIND_UNIT);
  EXPECT_THAT(Codes(Select(request)->rows), ElementsAre("a", "b", "d", "e"));

  kinds->set_negate(true);
  EXPECT_THAT(Codes(Select(request)->rows), ElementsAre("c"));

  request.clear_filters();
  v1::DrilldownFilter* grades = request.add_filters();
  grades->mutable_grades()->add_grades(v1::GRADE_GOOD);
  grades->mutable_grades()->add_grades(v1::GRADE_POOR);
  EXPECT_THAT(Codes(Select(request)->rows), ElementsAre("c", "d", "e"));
  grades->set_negate(true);
  EXPECT_THAT(Codes(Select(request)->rows), ElementsAre("a", "b"));

  request.clear_filters();
  v1::DrilldownFilter* range = request.add_filters();
  range->mutable_range()->set_measure("funds.execution_rate_bp");
  range->mutable_range()->set_min(4500);
  range->mutable_range()->set_max(5000);
  EXPECT_THAT(Codes(Select(request)->rows), ElementsAre("d", "e"));
  // An absent rate is outside every range, so inside its negation.
  range->set_negate(true);
  EXPECT_THAT(Codes(Select(request)->rows), ElementsAre("a", "b", "c"));

  // Filters combine: units only, executed ≥ 50.
  request.clear_filters();
  request.add_filters()->mutable_kinds()->add_kinds(v1::NODE_KIND_UNIT);
  request.add_filters()->mutable_range()->set_measure("funds.executed_fen");
  request.mutable_filters(1)->mutable_range()->set_min(50);
  absl::StatusOr<RollupPage> page = Select(request);
  EXPECT_THAT(Codes(page->rows), ElementsAre("a", "d", "e"));
  EXPECT_EQ(page->total, 3);
}

TEST(SelectRollups, Paginates) {
  v1::DrilldownRequest request;
  request.set_page_size(2);
  absl::StatusOr<RollupPage> page = Select(request);
  EXPECT_THAT(Codes(page->rows), ElementsAre("a", "b"));
  EXPECT_EQ(page->total, 5);
  ASSERT_FALSE(page->next_page_token.empty());
  request.set_page_token(page->next_page_token);
  page = Select(request);
  EXPECT_THAT(Codes(page->rows), ElementsAre("c", "d"));
  request.set_page_token(page->next_page_token);
  page = Select(request);
  EXPECT_THAT(Codes(page->rows), ElementsAre("e"));
  EXPECT_TRUE(page->next_page_token.empty());
}

TEST(ValidateDrilldown, NamesTheProblem) {
  v1::DrilldownRequest request;
  request.set_sort_by("funds.nope");
  EXPECT_THAT(ValidateDrilldown(request), StatusIs(absl::StatusCode::kInvalidArgument));
  request.clear_sort_by();
  request.add_filters();
  EXPECT_THAT(std::string(ValidateDrilldown(request).message()),
              ::testing::HasSubstr("filters[0] has no condition"));
  request.clear_filters();
  request.set_page_token("x");
  EXPECT_THAT(ValidateDrilldown(request), StatusIs(absl::StatusCode::kInvalidArgument));
  request.clear_page_token();
  request.set_page_size(5000);
  EXPECT_THAT(ValidateDrilldown(request), StatusIs(absl::StatusCode::kInvalidArgument));
  request.set_page_size(10);
  v1::DrilldownFilter* range = request.add_filters();
  range->mutable_range()->set_measure("units.filed");
  range->mutable_range()->set_min(3);
  range->mutable_range()->set_max(2);
  EXPECT_THAT(ValidateDrilldown(request), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace budgetperf
