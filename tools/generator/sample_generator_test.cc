#include "tools/generator/sample_generator.h"

#include <set>

#include "common/codes/uscc.h"
#include "common/money/rate.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace {

using google::protobuf::util::MessageDifferencer;

TEST(SampleGeneratorTest, SameSeedSameSample) {
  SampleGenerator a(7), b(7), c(8);
  SampleDistrict da = a.District("430602", "岳阳楼区", 5, 40);
  SampleDistrict db = b.District("430602", "岳阳楼区", 5, 40);
  ASSERT_EQ(da.units.size(), 45u);
  for (size_t i = 0; i < da.units.size(); ++i) {
    EXPECT_EQ(da.units[i].uscc, db.units[i].uscc);
    EXPECT_TRUE(MessageDifferencer::Equals(a.Package(da.units[i], 2023),
                                           b.Package(db.units[i], 2023)));
  }
  SampleDistrict dc = c.District("430602", "岳阳楼区", 5, 40);
  EXPECT_NE(dc.units.back().uscc, da.units.back().uscc);
}

TEST(SampleGeneratorTest, CodesAndTreeAreValid) {
  SampleDistrict district = SampleGenerator(1).District("430602", "岳阳楼区", 8, 300);
  std::set<std::string> codes, names;
  for (const OrgRow& row : district.org) {
    EXPECT_TRUE(codes.insert(row.code).second) << "duplicate code " << row.code;
    EXPECT_TRUE(names.insert(row.name).second) << "duplicate name " << row.name;
    if (row.kind != "district") {
      EXPECT_THAT(ValidateUscc(row.code), IsOk()) << row.code;
      EXPECT_TRUE(codes.count(row.parent_code)) << "parent before child: " << row.code;
    }
  }
  EXPECT_EQ(district.org.size(), 1u + 8u + 300u);
}

// The figures a checker compares must agree in a package without anomalies.
TEST(SampleGeneratorTest, CleanPackagesAddUp) {
  SampleGenerator generator(3);
  SampleDistrict district = generator.District("430602", "岳阳楼区", 6, 60);
  for (const SampleUnit& unit : district.units) {
    const v1::EvaluationPackage p = generator.Package(unit, 2023);
    const auto& a1 = p.basic_data();
    const auto& ps = a1.project_spending();
    int64_t lines = ps.operating_work_funds().final_fen() + ps.operations_maintenance().final_fen() +
                    ps.district_special_funds_total().final_fen() + ps.higher_transfers_total().final_fen();
    EXPECT_EQ(ps.total().final_fen(), lines) << unit.name;
    const auto& tp = a1.three_public_expenses();
    EXPECT_EQ(tp.total().final_fen(), tp.official_vehicles().final_fen() +
                                          tp.overseas_travel().final_fen() +
                                          tp.official_reception().final_fen());
    const auto& a2 = p.overall();
    EXPECT_EQ(a2.by_source().general_public_budget_fen() + a2.by_source().other_funds_fen(),
              a2.funds().amounts().full_year_budget_fen());
    EXPECT_EQ(a2.by_nature().basic_fen() + a2.by_nature().project_fen(),
              a2.funds().amounts().executed_fen());
    EXPECT_EQ(a2.by_nature().project_fen(), ps.total().final_fen());
    int64_t projects_executed = 0;
    for (const auto& t : p.projects()) projects_executed += t.funds().amounts().executed_fen();
    EXPECT_EQ(projects_executed, ps.total().final_fen());
    EXPECT_EQ(p.report().basic_spending().total_fen(), a2.by_nature().basic_fen());
    EXPECT_EQ(p.report().basic_spending().goods_services_fen(), a1.public_funds().total().final_fen());
    EXPECT_TRUE(FiledRateAgrees(a2.funds().execution_rate().basis_points(), 2,
                                a2.funds().amounts().executed_fen(),
                                a2.funds().amounts().full_year_budget_fen()));
    int64_t by_function = 0, changes = 0;
    for (const auto& f : p.report().expenditure().by_function()) {
      by_function += f.amount_fen();
      changes += f.change_from_prior_year_fen();
    }
    EXPECT_EQ(by_function, p.report().expenditure().total_fen());
    EXPECT_EQ(changes, p.report().expenditure().change_from_prior_year_fen());
    int32_t weights = a2.funds().weight_centipoints(), scores = a2.funds().self_score_centipoints();
    for (const auto& l1 : a2.indicators()) {
      int32_t l1_weights = 0;
      for (const auto& l2 : l1.level2()) {
        for (const auto& l3 : l2.indicators()) {
          l1_weights += l3.weight_centipoints();
          scores += l3.self_score_centipoints();
        }
      }
      EXPECT_EQ(l1_weights, l1.declared_weight_centipoints());
      weights += l1_weights;
    }
    EXPECT_EQ(weights, a2.totals().weight_centipoints());
    EXPECT_EQ(scores, a2.totals().self_score_centipoints());
  }
}

TEST(SampleGeneratorTest, PriorYearColumnIsLastYearsFinal) {
  SampleGenerator generator(5);
  SampleDistrict district = generator.District("430602", "岳阳楼区", 3, 10);
  for (const SampleUnit& unit : district.units) {
    const v1::EvaluationPackage last = generator.Package(unit, 2022);
    const v1::EvaluationPackage now = generator.Package(unit, 2023);
    EXPECT_EQ(now.basic_data().public_funds().total().prior_year_final_fen(),
              last.basic_data().public_funds().total().final_fen());
    EXPECT_EQ(now.basic_data().project_spending().total().prior_year_final_fen(),
              last.basic_data().project_spending().total().final_fen());
    EXPECT_EQ(now.report().expenditure().change_from_prior_year_fen(),
              now.report().expenditure().total_fen() - last.report().expenditure().total_fen());
  }
}

TEST(SampleGeneratorTest, EachAnomalyChangesThePackage) {
  SampleGenerator generator(9);
  SampleDistrict district = generator.District("430602", "岳阳楼区", 2, 4);
  const SampleUnit& unit = district.units.back();
  const v1::EvaluationPackage clean = generator.Package(unit, 2023);
  for (Anomaly anomaly : AllAnomalies()) {
    EXPECT_FALSE(MessageDifferencer::Equals(clean, generator.Package(unit, 2023, anomaly)))
        << AnomalyName(anomaly);
  }
  int planted = 0;
  for (int i = 0; i < 200; ++i) {
    SampleUnit u = unit;
    u.uscc = std::to_string(i);
    if (generator.PlantedAnomaly(u, 2023, 10) != Anomaly::kNone) ++planted;
  }
  EXPECT_GT(planted, 5);
  EXPECT_LT(planted, 45);
}

}  // namespace
}  // namespace budgetperf
