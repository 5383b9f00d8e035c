// The cross-year rules (Y-01 to Y-04), one by one, on small hand-made
// districts filed for two years: a case where each fires and near misses
// where it must not.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/consistency/audit_rules.h"
#include "services/consistency/audit_rules_test_fixture.h"

namespace budgetperf {
namespace audit_test {
namespace {

// --- Y-01 ------------------------------------------------------------------

TEST_F(AuditRulesTest, Y01FiresForAPriorYearFigureNotLastYearsFiling) {
  MakeDistrict(2);
  Current(1)
      ->mutable_basic_data()
      ->mutable_public_funds()
      ->mutable_office()
      ->set_prior_year_final_fen(
          Wan(150));  // last year's package filed 1.00万元
  const std::vector<v1::Finding> findings = Run();
  ASSERT_THAT(
      Keys(findings),
      ElementsAre(Key("Y-01", UnitCode(1),
                      "basic_data.public_funds.office.prior_year_final_fen")));
  EXPECT_EQ(findings[0].scope(), v1::RULE_SCOPE_CROSS_YEAR);
  EXPECT_EQ(findings[0].value_found(), "1.50万元");
  EXPECT_EQ(findings[0].value_expected(), "1.00万元");
  EXPECT_EQ(findings[0].difference(), "0.50万元");
  EXPECT_EQ(findings[0].message(),
            "附件1 办公经费 2022年决算数 1.50万元 ≠ 2022年度包所填2022年决算数 "
            "1.00万元 (差 0.50万元)");
  EXPECT_THAT(findings[0].related_field_paths(0),
              HasSubstr("@2022:basic_data.public_funds.office.final_fen"));
}

TEST_F(AuditRulesTest, Y01ReportsALineNotTheTotalItExplains) {
  MakeDistrict(1);
  // The unit restated last year's 业务工作经费 and, consistently, 项目支出.
  v1::ProjectSpendingTable* projects =
      Current(0)->mutable_basic_data()->mutable_project_spending();
  projects->mutable_operating_work_funds()->set_prior_year_final_fen(Wan(2800));
  projects->mutable_total()->set_prior_year_final_fen(Wan(2800));
  EXPECT_THAT(Keys(Run()),
              ElementsAre(Key("Y-01", UnitCode(0),
                              "basic_data.project_spending.operating_work_"
                              "funds.prior_year_final_fen")));
  // A total restated alone is the total's finding.
  projects->mutable_operating_work_funds()->set_prior_year_final_fen(Wan(3000));
  EXPECT_THAT(Keys(Run()),
              ElementsAre(Key(
                  "Y-01", UnitCode(0),
                  "basic_data.project_spending.total.prior_year_final_fen")));
}

TEST_F(AuditRulesTest, Y01QuietForBlanksNewLinesAndTolerance) {
  MakeDistrict(2);
  // Last year's cell blank; a special fund new this year with 0 last year;
  // a special fund whose label changed (cannot be matched).
  Prior(0)
      ->mutable_basic_data()
      ->mutable_government_procurement()
      ->clear_final_fen();
  Current(0)
      ->mutable_basic_data()
      ->mutable_government_procurement()
      ->set_prior_year_final_fen(Wan(1));
  v1::ProjectSpendingTable* projects =
      Current(1)->mutable_basic_data()->mutable_project_spending();
  v1::CostControlRow* fund = projects->add_district_special_funds();
  fund->set_label("区级学生资助专项资金");
  SetRow(fund, 0, Wan(100), Wan(100));
  v1::CostControlRow* renamed = projects->add_higher_transfers();
  renamed->set_label("中央转移支付义务教育经费");
  SetRow(renamed, Wan(70), Wan(100), Wan(100));
  v1::CostControlRow* last_year = Prior(1)
                                      ->mutable_basic_data()
                                      ->mutable_project_spending()
                                      ->add_higher_transfers();
  last_year->set_label("中央转移支付学校运转经费");
  SetRow(last_year, 0, Wan(70), Wan(70));
  EXPECT_THAT(Run(), IsEmpty());
  // A difference within the region's tolerance.
  Current(1)
      ->mutable_basic_data()
      ->mutable_public_funds()
      ->mutable_office()
      ->set_prior_year_final_fen(Wan(101));
  v1::ConsistencyConfig proto;
  v1::RuleOverride* o = proto.add_overrides();
  o->set_rule_id("Y-01");
  o->set_tolerance_fen(Wan(1));
  config_ = *ConsistencyConfig::FromProto(proto);
  EXPECT_THAT(Run(), IsEmpty());
}

// --- Y-02, Y-03
// ----------------------------------------------------------------

TEST_F(AuditRulesTest, Y02FiresForAStatedIncomeChangeThatDoesNotMatch) {
  MakeDistrict(1);
  Current(0)
      ->mutable_report()
      ->mutable_income()
      ->set_change_from_prior_year_fen(Wan(300));
  const std::vector<v1::Finding> findings = Run();
  ASSERT_THAT(Keys(findings),
              ElementsAre(Key("Y-02", UnitCode(0),
                              "report.income.change_from_prior_year_fen")));
  EXPECT_EQ(findings[0].message(),
            "报告 收入较去年增减 +3.00万元 ≠ 2023年 100.00万元 − 2022年 "
            "99.00万元 = +1.00万元 (差 2.00万元)");
}

TEST_F(AuditRulesTest, Y02QuietWithoutLastYearsIncome) {
  MakeDistrict(1);
  Current(0)
      ->mutable_report()
      ->mutable_income()
      ->set_change_from_prior_year_fen(Wan(300));
  Prior(0)->mutable_report()->mutable_income()->clear_total_fen();
  EXPECT_THAT(Run(), IsEmpty());
  input_.prior.clear();  // first year filed
  EXPECT_THAT(Run(), IsEmpty());
}

TEST_F(AuditRulesTest, Y03FiresForEachStatedExpenditureChangeThatDoesNotMatch) {
  MakeDistrict(1);
  v1::ExpenditureReport* spending =
      Current(0)->mutable_report()->mutable_expenditure();
  spending->set_change_from_prior_year_fen(Wan(150));
  spending->set_basic_change_from_prior_year_fen(Wan(10));
  spending->set_project_change_from_prior_year_fen(Wan(140));
  spending->mutable_by_function(0)->set_change_from_prior_year_fen(Wan(150));
  EXPECT_THAT(
      Keys(Run()),
      ElementsAre(
          Key("Y-03", UnitCode(0),
              "report.expenditure.basic_change_from_prior_year_fen"),
          Key("Y-03", UnitCode(0),
              "report.expenditure.by_function[0].change_from_prior_year_fen"),
          Key("Y-03", UnitCode(0),
              "report.expenditure.change_from_prior_year_fen"),
          Key("Y-03", UnitCode(0),
              "report.expenditure.project_change_from_prior_year_fen")));
}

TEST_F(AuditRulesTest, Y03CountsAFunctionMissingFromOneYearAsZero) {
  MakeDistrict(1);
  // 208 spent last year only, stated as −5.00万元 this year; 210 new this
  // year, stated as +2.00万元.
  v1::FunctionalSpending* social =
      Prior(0)->mutable_report()->mutable_expenditure()->add_by_function();
  social->set_code("208");
  social->set_amount_fen(Wan(500));
  v1::ExpenditureReport* now =
      Current(0)->mutable_report()->mutable_expenditure();
  v1::FunctionalSpending* gone = now->add_by_function();
  gone->set_code("208");
  gone->set_change_from_prior_year_fen(-Wan(500));
  v1::FunctionalSpending* added = now->add_by_function();
  added->set_code("210");
  added->set_amount_fen(Wan(200));
  added->set_change_from_prior_year_fen(Wan(200));
  EXPECT_THAT(Run(), IsEmpty());
  added->set_change_from_prior_year_fen(Wan(100));
  EXPECT_THAT(
      Keys(Run()),
      ElementsAre(
          Key("Y-03", UnitCode(0),
              "report.expenditure.by_function[2].change_from_prior_year_fen")));
}

// --- Y-04 ------------------------------------------------------------------

void AddHouseholds(v1::EvaluationPackage* p, const std::string& target,
                   const std::string& actual) {
  v1::Level1Indicator* output = p->mutable_overall()->add_indicators();
  output->set_category(v1::LEVEL1_OUTPUT);
  v1::Level2Indicator* quantity = output->add_level2();
  quantity->set_category(v1::LEVEL2_QUANTITY);
  v1::Level3Indicator* households = quantity->add_indicators();
  households->set_name("补贴发放户数");
  households->mutable_target()->set_text(target);
  households->mutable_actual()->set_text(actual);
}

TEST_F(AuditRulesTest, Y04FiresForATargetKeptAfterOverAchievement) {
  MakeDistrict(1);
  AddHouseholds(Prior(0), "2600户", "3400户");  // 130.77%
  AddHouseholds(Current(0), "2600户", "3100户");
  const std::vector<v1::Finding> findings = Run();
  ASSERT_THAT(
      Keys(findings),
      ElementsAre(Key("Y-04", UnitCode(0),
                      "overall.indicators[0].level2[0].indicators[0].target")));
  EXPECT_THAT(findings[0].message(), HasSubstr("130.77%"));
}

TEST_F(AuditRulesTest, Y04QuietForRaisedTargetsModestOverAchievementAndCosts) {
  MakeDistrict(1);
  AddHouseholds(Prior(0), "2600户", "3400户");
  AddHouseholds(Current(0), "3000户", "3100户");  // raised
  EXPECT_THAT(Run(), IsEmpty());
  MakeDistrict(1);
  AddHouseholds(Prior(0), "2600户", "3300户");  // 126.92%
  AddHouseholds(Current(0), "2600户", "3100户");
  EXPECT_THAT(Run(), IsEmpty());
  MakeDistrict(1);
  AddHouseholds(Prior(0), "≤2600户", "3400户");  // lower is better
  AddHouseholds(Current(0), "≤2600户", "3100户");
  EXPECT_THAT(Run(), IsEmpty());
}

}  // namespace
}  // namespace audit_test
}  // namespace budgetperf
