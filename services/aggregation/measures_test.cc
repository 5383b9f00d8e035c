#include "services/aggregation/measures.h"

#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/seed.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace {

using ::testing::Contains;

TEST(MeasureCatalog, NamesAreDottedFieldPathsWithKinds) {
  const MeasureCatalog& catalog = MeasureCatalog::Get();
  std::set<std::string> names;
  for (const MeasureDef& def : catalog.measures()) {
    EXPECT_TRUE(names.insert(def.name).second) << "duplicate " << def.name;
  }
  auto kind_of = [&](const char* name) {
    const MeasureDef* def = catalog.Find(name);
    EXPECT_NE(def, nullptr) << name;
    return def == nullptr ? v1::MEASURE_KIND_UNSPECIFIED : def->kind;
  };
  EXPECT_EQ(kind_of("units.filed"), v1::MEASURE_KIND_SUM);
  EXPECT_EQ(kind_of("units.expected"), v1::MEASURE_KIND_DERIVED);
  EXPECT_EQ(kind_of("funds.executed_fen"), v1::MEASURE_KIND_SUM);
  EXPECT_EQ(kind_of("funds.execution_rate_bp"), v1::MEASURE_KIND_DERIVED);
  EXPECT_EQ(kind_of("funds.by_source.general_public_budget_fen"), v1::MEASURE_KIND_SUM);
  EXPECT_EQ(kind_of("three_public_expenses.official_reception.budget_fen"),
            v1::MEASURE_KIND_SUM);
  EXPECT_EQ(kind_of("project_spending.total.final_to_budget_bp"), v1::MEASURE_KIND_DERIVED);
  EXPECT_EQ(kind_of("scores.computed.min_centipoints"), v1::MEASURE_KIND_EXTREME);
  EXPECT_EQ(kind_of("scores.self.mean_centipoints"), v1::MEASURE_KIND_DERIVED);
  EXPECT_EQ(kind_of("findings.needs_explanation"), v1::MEASURE_KIND_SUM);
  EXPECT_EQ(catalog.Find("funds.nope"), nullptr);
  EXPECT_THAT(catalog.Require("funds.nope"), StatusIs(absl::StatusCode::kInvalidArgument));
  // Every leaf of the proto is a measure: 9 sections, 16 cost rows.
  EXPECT_GT(catalog.measures().size(), 90u);
}

TEST(MeasureCatalog, ValueAndSetValue) {
  const MeasureDef* def = MeasureCatalog::Get().Find("public_funds.office.final_fen");
  ASSERT_NE(def, nullptr);
  v1::RollupMeasures m;
  EXPECT_EQ(MeasureCatalog::Value(m, *def), 0);
  MeasureCatalog::SetValue(&m, *def, 1234);
  EXPECT_EQ(m.public_funds().office().final_fen(), 1234);
  const MeasureDef* rate = MeasureCatalog::Get().Find("funds.execution_rate_bp");
  EXPECT_EQ(MeasureCatalog::Value(m, *rate), std::nullopt);
}

TEST(FiguresOfPackage, TakesTheSeedPackagesFigures) {
  v1::RollupMeasures m = FiguresOfPackage(SeedPackage(), nullptr);
  EXPECT_EQ(m.units().filed(), 1);
  EXPECT_EQ(m.units().scored(), 0);
  EXPECT_EQ(m.staffing().authorized_posts(), 14);
  EXPECT_EQ(m.staffing().actual_staff(), 13);
  EXPECT_EQ(m.funds().initial_budget_fen(), 292'470'000);
  EXPECT_EQ(m.funds().full_year_budget_fen(), 385'370'000);
  EXPECT_EQ(m.funds().executed_fen(), 385'270'000);
  EXPECT_EQ(m.funds().by_source().general_public_budget_fen(), 372'810'000);
  EXPECT_EQ(m.funds().by_source().other_funds_fen(), 12'560'000);
  EXPECT_EQ(m.funds().by_nature().basic_fen(), 248'750'000);
  EXPECT_EQ(m.project_spending().total().final_fen(), 136'520'000);
  EXPECT_EQ(m.project_spending().total().budget_fen(), 40'000'000);
  EXPECT_EQ(m.public_funds().total().prior_year_final_fen(), 42'910'000);
  EXPECT_EQ(m.public_funds().meetings_training().final_fen(), 60'000);
  EXPECT_EQ(m.procurement().budget_fen(), 9'140'000);
  EXPECT_EQ(m.scores().computed().count(), 0);

  FillDerived(&m, 1);
  EXPECT_EQ(m.staffing().control_rate_bp(), 9286);  // 13 ÷ 14 = 92.86%
  EXPECT_EQ(m.funds().execution_rate_bp(), 9997);   // 385.27 ÷ 385.37 = 99.97%
  EXPECT_EQ(m.project_spending().total().final_to_budget_bp(), 34130);
  EXPECT_EQ(m.units().expected(), 1);
  EXPECT_EQ(m.units().filed_share_bp(), 10000);
  EXPECT_FALSE(m.three_public_expenses().total().has_final_to_budget_bp());  // budget 0
  EXPECT_FALSE(m.scores().computed().has_mean_centipoints());
}

TEST(FiguresOfPackage, ScoresCountOnceWithTheirGrades) {
  v1::ScoreCardSummary score;
  score.set_graded_centipoints(9150);
  score.set_grade(v1::GRADE_EXCELLENT);
  score.set_self_graded_centipoints(9800);
  score.set_self_grade(v1::GRADE_UNSPECIFIED);
  v1::RollupMeasures m = FiguresOfPackage(v1::EvaluationPackage(), &score);
  EXPECT_EQ(m.units().scored(), 1);
  EXPECT_EQ(m.scores().computed().count(), 1);
  EXPECT_EQ(m.scores().computed().sum_centipoints(), 9150);
  EXPECT_EQ(m.scores().computed().excellent(), 1);
  EXPECT_EQ(m.scores().self().sum_centipoints(), 9800);
  EXPECT_EQ(m.scores().self().ungraded(), 1);
  // Blank cells count as 0, not as missing units.
  EXPECT_EQ(m.funds().executed_fen(), 0);
  EXPECT_EQ(m.units().filed(), 1);
}

TEST(AddSums, AddsAndTakesBackExactly) {
  v1::ScoreCardSummary score;
  score.set_graded_centipoints(8000);
  score.set_grade(v1::GRADE_GOOD);
  v1::EvaluationPackage p;
  p.mutable_overall()->mutable_funds()->mutable_amounts()->set_executed_fen(123'456'789);
  p.mutable_basic_data()->mutable_three_public_expenses()->mutable_official_reception()
      ->set_final_fen(33);
  const v1::RollupMeasures a = FiguresOfPackage(p, &score);
  v1::RollupMeasures total;
  total.mutable_scores()->mutable_computed()->set_min_centipoints(5);  // an extreme: untouched
  ASSERT_THAT(AddSums(&total, a, +1), IsOk());
  ASSERT_THAT(AddSums(&total, a, +1), IsOk());
  EXPECT_EQ(total.funds().executed_fen(), 246'913'578);
  EXPECT_EQ(total.three_public_expenses().official_reception().final_fen(), 66);
  EXPECT_EQ(total.scores().computed().good(), 2);
  EXPECT_EQ(total.scores().computed().min_centipoints(), 5);
  ASSERT_THAT(AddSums(&total, a, -1), IsOk());
  ASSERT_THAT(AddSums(&total, a, -1), IsOk());
  EXPECT_TRUE(SumsAreZero(total));
}

TEST(AddSums, RefusesToOverflow) {
  v1::RollupMeasures big;
  big.mutable_funds()->set_executed_fen(INT64_MAX - 1);
  v1::RollupMeasures two;
  two.mutable_funds()->set_executed_fen(2);
  EXPECT_THAT(AddSums(&big, two, +1), StatusIs(absl::StatusCode::kOutOfRange));
  v1::RollupMeasures low;
  low.mutable_funds()->set_executed_fen(INT64_MIN + 1);
  EXPECT_THAT(AddSums(&low, two, -1), StatusIs(absl::StatusCode::kOutOfRange));
}

TEST(ClearDerived, LeavesSumsAndExtremes) {
  v1::RollupMeasures m;
  m.mutable_funds()->set_executed_fen(10);
  m.mutable_funds()->set_full_year_budget_fen(20);
  m.mutable_scores()->mutable_computed()->set_count(1);
  m.mutable_scores()->mutable_computed()->set_sum_centipoints(7777);
  m.mutable_scores()->mutable_computed()->set_min_centipoints(7777);
  FillDerived(&m, 3);
  EXPECT_EQ(m.funds().execution_rate_bp(), 5000);
  EXPECT_EQ(m.scores().computed().mean_centipoints(), 7777);
  ClearDerived(&m);
  EXPECT_FALSE(m.funds().has_execution_rate_bp());
  EXPECT_FALSE(m.units().has_expected());
  EXPECT_FALSE(m.scores().computed().has_mean_centipoints());
  EXPECT_EQ(m.scores().computed().min_centipoints(), 7777);
  EXPECT_EQ(m.funds().executed_fen(), 10);
}

TEST(FillDerived, MeansRoundHalfUp) {
  v1::RollupMeasures m;
  m.mutable_scores()->mutable_computed()->set_count(2);
  m.mutable_scores()->mutable_computed()->set_sum_centipoints(8001);  // 4000.5
  m.mutable_scores()->mutable_self()->set_count(3);
  m.mutable_scores()->mutable_self()->set_sum_centipoints(8000);  // 2666.67
  FillDerived(&m, std::nullopt);
  EXPECT_EQ(m.scores().computed().mean_centipoints(), 4001);
  EXPECT_EQ(m.scores().self().mean_centipoints(), 2667);
  EXPECT_FALSE(m.units().has_expected());
  EXPECT_FALSE(m.units().has_filed_share_bp());
}

TEST(DivideRoundHalfUp, RoundsHalvesAwayFromZero) {
  EXPECT_EQ(DivideRoundHalfUp(5, 2), 3);
  EXPECT_EQ(DivideRoundHalfUp(-5, 2), -3);
  EXPECT_EQ(DivideRoundHalfUp(7, 3), 2);
  EXPECT_EQ(DivideRoundHalfUp(8, 3), 3);
  EXPECT_EQ(DivideRoundHalfUp(-8, 3), -3);
  EXPECT_EQ(DivideRoundHalfUp(0, 7), 0);
  EXPECT_EQ(DivideRoundHalfUp(INT64_MAX, 1), INT64_MAX);
}

}  // namespace
}  // namespace budgetperf
