// Every package rule, one by one: a package where it fires (the clean copy of
// the seed with one mistake put in) and packages where it must not (near
// misses: the filer's own rounding, blank cells, subsets). A fire case lists
// every finding the mistake produces, so that "one mistake, one finding" is
// pinned too.

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/consistency/package_checker.h"
#include "services/consistency/rule_catalogue.h"
#include "services/consistency/test_packages.h"

namespace budgetperf {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using testing_packages::CleanPackage;
using testing_packages::Keys;
using testing_packages::RuleIds;
using testing_packages::SetRate;
using testing_packages::Wan;
using Mutation = std::function<void(v1::EvaluationPackage*)>;

// --- Navigation in the clean package -----------------------------------------

v1::Level3Indicator* Att2(v1::EvaluationPackage* p, int i, int j) {
  return p->mutable_overall()
      ->mutable_indicators(i)
      ->mutable_level2(j)
      ->mutable_indicators(0);
}
v1::Level3Indicator* Att3(v1::EvaluationPackage* p, int i, int j) {
  return p->mutable_projects(0)
      ->mutable_indicators(i)
      ->mutable_level2(j)
      ->mutable_indicators(0);
}
// Attachment 2's first indicator, 补贴发放户数 2600户 → 3079户, 15 of 15.
v1::Level3Indicator* Households(v1::EvaluationPackage* p) {
  return Att2(p, 0, 0);
}
// Attachment 2's cost indicator, 765万元 → 916.60万元, 12.52 of 15 (explained).
v1::Level3Indicator* Cost(v1::EvaluationPackage* p) { return Att2(p, 0, 3); }
// Attachment 2's satisfaction indicator, 95% → 95%, 8 of 10 (explained).
v1::Level3Indicator* Satisfaction(v1::EvaluationPackage* p) {
  return Att2(p, 2, 0);
}
// Adds `centipoints` to attachment 2's declared self-score total, to keep
// W-03 quiet when a case changes a line's self-score.
void ShiftAtt2SelfTotal(v1::EvaluationPackage* p, int centipoints) {
  auto* totals = p->mutable_overall()->mutable_totals();
  totals->set_self_score_centipoints(totals->self_score_centipoints() +
                                     centipoints);
}
v1::ProjectSpendingTable* ProjectSpending(v1::EvaluationPackage* p) {
  return p->mutable_basic_data()->mutable_project_spending();
}
v1::ThreePublicExpenses* ThreePublic(v1::EvaluationPackage* p) {
  return p->mutable_basic_data()->mutable_three_public_expenses();
}
v1::CostControlRow Row(int64_t prior, int64_t budget, int64_t final) {
  v1::CostControlRow row;
  row.set_prior_year_final_fen(prior);
  row.set_budget_fen(budget);
  row.set_final_fen(final);
  return row;
}

// --- Fire cases
// ----------------------------------------------------------------

struct FireCase {
  std::string name;  // test name
  std::string rule;  // the rule under test
  Mutation mutate;
  // Every finding's rule id, in output order (catalogue order).
  std::vector<std::string> all_rules;
  // The finding of `rule`: its cell and figures ("" = not checked).
  std::string field_path;
  std::string found;
  std::string expected;
  std::string difference;
  std::string message_contains = "";
};

std::vector<FireCase> FireCases() {
  return {
      // Attachment 1.
      {"T1_01_StaffingRate",
       "T1-01",
       [](auto* p) {
         SetRate(p->mutable_basic_data()
                     ->mutable_staffing()
                     ->mutable_control_rate(),
                 "90.00%");
       },
       {"T1-01"},
       "basic_data.staffing.control_rate",
       "90.00%",
       "92.86%",
       "-2.86个百分点",
       "实际在职人数 13 ÷ 编制数 14 = 92.86%"},
      {"T1_02_ThreePublicTotal",
       "T1-02",
       [](auto* p) {
         ThreePublic(p)->mutable_total()->set_final_fen(Wan(100));
       },
       {"T1-02"},
       "basic_data.three_public_expenses.total.final_fen",
       "1.00万元",
       "0.00万元",
       "1.00万元",
       "附件1 三公经费 2023年决算数 1.00万元 ≠ 各项之和 0.00万元"},
      {"T1_03_Vehicles",
       "T1-03",
       [](auto* p) {
         ThreePublic(p)->mutable_vehicle_purchase()->set_budget_fen(Wan(50));
       },
       {"T1-03"},
       "basic_data.three_public_expenses.official_vehicles.budget_"
       "fen",
       "0.00万元",
       "0.50万元",
       "-0.50万元",
       "2023年预算数"},
      // A wrong vehicles subtotal breaks T1-03 and T1-02; only T1-03 reports
      // it.
      {"T1_03_SubtotalAloneWrongReportedOnce",
       "T1-03",
       [](auto* p) {
         auto* t = ThreePublic(p);
         t->mutable_vehicle_purchase()->set_final_fen(Wan(100));
         t->mutable_vehicle_operation()->set_final_fen(Wan(100));
         t->mutable_official_vehicles()->set_final_fen(Wan(300));
         t->mutable_total()->set_final_fen(Wan(200));
       },
       {"T1-03"},
       "basic_data.three_public_expenses.official_vehicles.final_f"
       "en",
       "3.00万元",
       "2.00万元",
       "1.00万元"},
      {"T1_04_ProjectSpendingLines",
       "T1-04",
       [](auto* p) {
         *ProjectSpending(p)->add_other_lines() = Row(0, 0, Wan(500));
       },
       {"T1-04"},
       "basic_data.project_spending.total.final_fen",
       "40.00万元",
       "45.00万元",
       "-5.00万元",
       "附件1 项目支出 2023年决算数 40.00万元 ≠ 各项之和 "
       "45.00万元 (差 -5.00万元)"},
      // The seed's mistake on its own: attachment 1's total alone is wrong, its
      // lines agree with attachment 2; X-01 stays quiet.
      {"T1_04_TotalAloneWrongX01Quiet",
       "T1-04",
       [](auto* p) {
         ProjectSpending(p)->mutable_total()->set_final_fen(Wan(4500));
       },
       {"T1-04"},
       "basic_data.project_spending.total.final_fen",
       "45.00万元",
       "40.00万元",
       "5.00万元"},
      {"T1_05_HeadingRow",
       "T1-05",
       [](auto* p) {
         auto* ps = ProjectSpending(p);
         *ps->add_district_special_funds() = Row(0, Wan(1000), 0);
         ps->mutable_total()->set_budget_fen(Wan(5000));
       },
       {"T1-05"},
       "basic_data.project_spending.district_special_funds_total.b"
       "udget_fen",
       "0.00万元",
       "10.00万元",
       "-10.00万元",
       "附件1 区级专项资金 2023年预算数"},
      {"T1_06_PublicFundsSubsetExceeds",
       "T1-06",
       [](auto* p) {
         p->mutable_basic_data()
             ->mutable_public_funds()
             ->mutable_office()
             ->set_final_fen(Wan(3000));
       },
       {"T1-06"},
       "basic_data.public_funds.total.final_fen",
       "23.40万元",
       "30.56万元",
       "-7.16万元",
       "附件1 公用经费 2023年决算数 23.40万元 < 其中各项之和 "
       "30.56万元"},
      {"T1_07_BuildingArea",
       "T1-07",
       [](auto* p) {
         auto* b = p->mutable_basic_data()->add_building_projects();
         b->set_name("综合楼");
         b->set_approved_area_centi_m2(100000);
         b->set_actual_area_centi_m2(90000);
         SetRate(b->mutable_area_control_rate(), "95%");
       },
       {"T1-07"},
       "basic_data.building_projects[0].area_control_rate",
       "95%",
       "90.00%",
       "5.00个百分点",
       "实际规模 900.00m² ÷ 批复规模 1000.00m²"},
      {"T1_08_BuildingInvestment",
       "T1-08",
       [](auto* p) {
         auto* b = p->mutable_basic_data()->add_building_projects();
         b->set_name("综合楼");
         b->set_budgeted_investment_fen(Wan(10000));
         b->set_actual_investment_fen(Wan(11000));
         SetRate(b->mutable_investment_control_rate(), "100%");
       },
       {"T1-08"},
       "basic_data.building_projects[0].investment_control_rate",
       "100%",
       "110.00%",
       "-10.00个百分点"},
      // Attachment 2.
      {"T2_01_ExecutionRate",
       "T2-01",
       [](auto* p) {
         SetRate(
             p->mutable_overall()->mutable_funds()->mutable_execution_rate(),
             "99.90%");
       },
       {"T2-01"},
       "overall.funds.execution_rate",
       "99.90%",
       "99.97%",
       "-0.07个百分点",
       "全年执行数 292.47万元 ÷ 全年预算数 292.57万元"},
      {"T2_02_BySource",
       "T2-02",
       [](auto* p) {
         p->mutable_overall()->mutable_by_source()->set_other_funds_fen(
             Wan(1200));
       },
       {"T2-02"},
       "overall.funds.amounts.full_year_budget_fen",
       "292.57万元",
       "292.01万元",
       "0.56万元",
       "附件2 年度资金总额 全年预算数 292.57万元 ≠ "
       "按收入性质分之和 292.01万元"},
      // One wrong by-nature cell breaks the split and the report comparison.
      {"T2_03_ByNature",
       "T2-03",
       [](auto* p) {
         p->mutable_overall()->mutable_by_nature()->set_basic_fen(Wan(25000));
       },
       {"T2-03", "R-01"},
       "overall.funds.amounts.executed_fen",
       "292.47万元",
       "290.00万元",
       "2.47万元"},
      // Attachment 3.
      {"T3_01_ProjectFundsSources",
       "T3-01",
       [](auto* p) {
         p->mutable_projects(0)->mutable_carry_over()->set_executed_fen(
             Wan(100));
       },
       {"T3-01"},
       "projects[0].funds.amounts.executed_fen",
       "40.00万元",
       "41.00万元",
       "-1.00万元",
       "附件3「业务工作经费40万元」 年度资金总额 全年执行数"},
      {"T3_02_ProjectExecutionRate",
       "T3-02",
       [](auto* p) {
         SetRate(
             p->mutable_projects(0)->mutable_funds()->mutable_execution_rate(),
             "98%");
       },
       {"T3-02"},
       "projects[0].funds.execution_rate",
       "98%",
       "100.00%",
       "-2.00个百分点"},
      // Attachments 4-6.
      {"T4_01_SpecialBudgetRate",
       "T4-01",
       [](auto* p) {
         auto* line = p->mutable_government_funds()->add_lines();
         line->set_name("专项债券");
         line->set_budget_fen(Wan(1000));
         line->set_executed_fen(Wan(900));
         SetRate(line->mutable_execution_rate(), "80%");
       },
       {"T4-01"},
       "government_funds.lines[0].execution_rate",
       "80%",
       "90.00%",
       "-10.00个百分点",
       "附件4 政府性基金预算支出「专项债券」 执行率"},
      // The report's own figures.
      {"RT_01_BasicSpending",
       "RT-01",
       [](auto* p) {
         p->mutable_report()->mutable_basic_spending()->set_total_fen(
             Wan(25347));
       },
       {"RT-01"},
       "report.basic_spending.total_fen",
       "253.47万元",
       "252.47万元",
       "1.00万元"},
      {"RT_02_PersonnelItems",
       "RT-02",
       [](auto* p) {
         p->mutable_report()
             ->mutable_basic_spending()
             ->mutable_personnel_items(0)
             ->set_amount_fen(Wan(6532));
       },
       {"RT-02"},
       "report.basic_spending.personnel_fen",
       "229.07万元",
       "230.07万元",
       "-1.00万元"},
      // A wrong personnel subtotal breaks RT-02 and RT-01; only RT-02 reports
      // it.
      {"RT_02_SubtotalAloneWrongReportedOnce",
       "RT-02",
       [](auto* p) {
         p->mutable_report()->mutable_basic_spending()->set_personnel_fen(
             Wan(23007));
       },
       {"RT-02"},
       "report.basic_spending.personnel_fen",
       "230.07万元",
       "229.07万元",
       "1.00万元"},
      {"RT_03_GoodsItems",
       "RT-03",
       [](auto* p) {
         p->mutable_report()
             ->mutable_basic_spending()
             ->mutable_goods_services_items(0)
             ->set_amount_fen(Wan(400));
       },
       {"RT-03"},
       "report.basic_spending.goods_services_fen",
       "23.40万元",
       "24.40万元",
       "-1.00万元"},
      {"RT_04_ProjectItems",
       "RT-04",
       [](auto* p) {
         p->mutable_report()
             ->mutable_project_spending()
             ->mutable_items(0)
             ->set_amount_fen(Wan(4100));
       },
       {"RT-04"},
       "report.project_spending.total_fen",
       "40.00万元",
       "41.00万元",
       "-1.00万元"},
      {"RT_05_ItemWithoutFigure",
       "RT-05",
       [](auto* p) {
         p->mutable_report()
             ->mutable_basic_spending()
             ->mutable_personnel_items(10)
             ->clear_amount_fen();
       },
       {"RT-05"},
       "report.basic_spending.personnel_fen",
       "229.07万元",
       "221.80万元 + 「其他对个人和家庭的补助」(未填金额)",
       "7.27万元",
       "「其他对个人和家庭的补助」列出但未填金额"},
      // Items with figures already above the total are an error, blanks or not.
      {"RT_02_ItemsExceedDespiteBlank",
       "RT-02",
       [](auto* p) {
         auto* basic = p->mutable_report()->mutable_basic_spending();
         basic->mutable_personnel_items(10)->clear_amount_fen();
         basic->mutable_personnel_items(0)->set_amount_fen(Wan(7432));
       },
       {"RT-02"},
       "report.basic_spending.personnel_fen",
       "229.07万元",
       "231.80万元",
       "-2.73万元",
       "< 已填各项之和"},
      {"RT_06_IncomeSources",
       "RT-06",
       [](auto* p) {
         p->mutable_report()->mutable_income()->set_general_public_budget_fen(
             Wan(28101));
       },
       {"RT-06"},
       "report.income.total_fen",
       "292.57万元",
       "293.57万元",
       "-1.00万元"},
      // A wrong total off its functions: RT-07 reports it; the shares, right
      // against the functions' sum, are not reported again.
      {"RT_07_FunctionalAmounts",
       "RT-07",
       [](auto* p) {
         p->mutable_report()
             ->mutable_general_public_budget_expenditure()
             ->set_total_fen(Wan(30000));
       },
       {"RT-07"},
       "report.general_public_budget_expenditure.total_fen",
       "300.00万元",
       "292.47万元",
       "7.53万元"},
      // The expenditure's 201 一般公共服务支出 is named without an amount: the
      // 7.53 may be its, so RT-05 asks; attachment 2's 292.47 executed
      // disagrees with the total all the same.
      {"RT_05_FunctionWithoutAmount",
       "RT-05",
       [](auto* p) {
         p->mutable_report()->mutable_expenditure()->set_total_fen(Wan(30000));
       },
       {"RT-05", "R-04"},
       "report.expenditure.total_fen",
       "300.00万元",
       "292.47万元 + 「一般公共服务支出」(未填金额)",
       "7.53万元"},
      // A wrong total whose functions are all filed and agree with attachment
      // 2: RT-07 reports it, R-04 stays quiet.
      {"RT_07_TotalAloneWrongR04Quiet",
       "RT-07",
       [](auto* p) {
         auto* e = p->mutable_report()->mutable_expenditure();
         e->mutable_by_function(4)->set_amount_fen(0);
         e->set_total_fen(Wan(30000));
       },
       {"RT-07"},
       "report.expenditure.total_fen",
       "300.00万元",
       "292.47万元",
       "7.53万元"},
      {"RT_07_FunctionAmountWrong",
       "RT-07",
       [](auto* p) {
         p->mutable_report()
             ->mutable_expenditure()
             ->mutable_by_function(0)
             ->set_amount_fen(Wan(6471));
       },
       {"RT-07"},
       "report.expenditure.total_fen",
       "292.47万元",
       "293.47万元",
       "-1.00万元"},
      {"RT_08_Share",
       "RT-08",
       [](auto* p) {
         SetRate(p->mutable_report()
                     ->mutable_general_public_budget_expenditure()
                     ->mutable_by_function(0)
                     ->mutable_share(),
                 "25.23%");
       },
       {"RT-08"},
       "report.general_public_budget_expenditure.by_function[0].sh"
       "are",
       "25.23%",
       "21.78%",
       "3.45个百分点",
       "疑以基本支出为分母"},
      {"RT_09_FunctionChanges",
       "RT-09",
       [](auto* p) {
         p->mutable_report()
             ->mutable_expenditure()
             ->mutable_by_function(0)
             ->set_change_from_prior_year_fen(Wan(808));
       },
       {"RT-09"},
       "report.expenditure.change_from_prior_year_fen",
       "48.66万元",
       "49.66万元",
       "-1.00万元"},
      {"RT_10_BasicProjectChanges",
       "RT-10",
       [](auto* p) {
         p->mutable_report()
             ->mutable_expenditure()
             ->set_project_change_from_prior_year_fen(Wan(100));
       },
       {"RT-10"},
       "report.expenditure.change_from_prior_year_fen",
       "48.66万元",
       "49.66万元",
       "-1.00万元"},
      // The report against the tables.
      {"R_01_BasicSpending",
       "R-01",
       [](auto* p) {
         auto* basic = p->mutable_report()->mutable_basic_spending();
         basic->set_total_fen(Wan(25000));
         basic->set_personnel_fen(Wan(22660));
         basic->mutable_personnel_items(0)->set_amount_fen(Wan(6185));
       },
       {"R-01"},
       "report.basic_spending.total_fen",
       "250.00万元",
       "252.47万元",
       "-2.47万元",
       "报告 基本支出 250.00万元 ≠ 附件2 按支出性质分 基本支出 "
       "252.47万元"},
      {"R_02_ProjectSpending",
       "R-02",
       [](auto* p) {
         auto* project = p->mutable_report()->mutable_project_spending();
         project->set_total_fen(Wan(4500));
         project->mutable_items(0)->set_amount_fen(Wan(4500));
       },
       {"R-02"},
       "report.project_spending.total_fen",
       "45.00万元",
       "40.00万元",
       "5.00万元"},
      {"R_03_GoodsVsPublicFunds",
       "R-03",
       [](auto* p) {
         p->mutable_basic_data()
             ->mutable_public_funds()
             ->mutable_total()
             ->set_final_fen(Wan(2440));
       },
       {"R-03"},
       "report.basic_spending.goods_services_fen",
       "23.40万元",
       "24.40万元",
       "-1.00万元",
       "附件1 公用经费 2023年决算数 24.40万元"},
      {"R_04_Expenditure",
       "R-04",
       [](auto* p) {
         auto* report = p->mutable_report();
         report->mutable_basic_spending()->clear_total_fen();
         report->mutable_project_spending()->clear_total_fen();
         report->mutable_expenditure()->set_total_fen(Wan(30000));
         report->mutable_expenditure()->mutable_by_function(2)->set_amount_fen(
             Wan(21380));
       },
       {"R-04"},
       "report.expenditure.total_fen",
       "300.00万元",
       "292.47万元",
       "7.53万元"},
      {"R_05_Income",
       "R-05",
       [](auto* p) {
         auto* income = p->mutable_report()->mutable_income();
         income->set_total_fen(Wan(30000));
         income->set_general_public_budget_fen(Wan(28744));
       },
       {"R-05"},
       "report.income.total_fen",
       "300.00万元",
       "292.57万元",
       "7.43万元"},
      // Across the tables.
      {"X_01_Attachment1VsAttachment2",
       "X-01",
       [](auto* p) {
         auto* ps = ProjectSpending(p);
         *ps->add_other_lines() = Row(0, 0, Wan(500));
         ps->mutable_total()->set_final_fen(Wan(4500));
       },
       {"X-01"},
       "basic_data.project_spending.total.final_fen",
       "45.00万元",
       "40.00万元",
       "5.00万元"},
      {"X_02_Attachment2VsAttachment3",
       "X-02",
       [](auto* p) {
         *p->add_projects() = p->projects(0);
         p->mutable_projects(1)->set_name("业务工作经费B");
       },
       {"X-02"},
       "overall.by_nature.project_fen",
       "40.00万元",
       "80.00万元",
       "-40.00万元"},
      // Attachment 2's project figure alone wrong: X-02 names attachment 1 as
      // agreeing with attachment 3, X-01 stays quiet.
      {"X_02_Attachment2AloneWrongX01Quiet",
       "X-02",
       [](auto* p) {
         p->mutable_overall()->mutable_by_nature()->set_project_fen(Wan(4500));
       },
       {"T2-03", "X-02"},
       "overall.by_nature.project_fen",
       "45.00万元",
       "40.00万元",
       "5.00万元",
       "与附件3一致的有：报告 项目支出 40.00万元、附件1 项目支出 "
       "2023年决算数 40.00万元"},
      {"X_03_NoAttachment3",
       "X-03",
       [](auto* p) { p->clear_projects(); },
       {"X-03"},
       "projects",
       "0张",
       "≥1张 (每个一级项目一张)",
       "",
       "附件3 项目支出绩效自评表为0张"},
      {"X_04_PublicFundsAboveBasic",
       "X-04",
       [](auto* p) {
         p->mutable_basic_data()
             ->mutable_public_funds()
             ->mutable_total()
             ->set_final_fen(Wan(30000));
         p->mutable_report()
             ->mutable_basic_spending()
             ->clear_goods_services_fen();
       },
       {"X-04"},
       "basic_data.public_funds.total.final_fen",
       "300.00万元",
       "≤ 252.47万元",
       "47.53万元"},
      // Attachment 1's public funds alone wrong: R-03 reports it, X-04 quiet.
      {"X_04_QuietWhenReportSidesWithBasic",
       "R-03",
       [](auto* p) {
         p->mutable_basic_data()
             ->mutable_public_funds()
             ->mutable_total()
             ->set_final_fen(Wan(30000));
       },
       {"R-03"},
       "report.basic_spending.goods_services_fen",
       "23.40万元",
       "300.00万元",
       "-276.60万元"},
      // Weights.
      {"W_01_Level1Declared",
       "W-01",
       [](auto* p) {
         p->mutable_overall()
             ->mutable_indicators(0)
             ->set_declared_weight_centipoints(5500);
       },
       {"W-01"},
       "overall.indicators[0].declared_weight_centipoints",
       "55分",
       "50分",
       "5分",
       "附件2 产出指标 分值 55分 ≠ 三级指标分值之和 50分"},
      {"W_01_Level3Weight",
       "W-01",
       [](auto* p) {
         Households(p)->set_weight_centipoints(2000);
         Households(p)->set_deviation_analysis("按新标准调整");
       },
       {"W-01"},
       "overall.indicators[0].declared_weight_centipoints",
       "50分",
       "55分",
       "-5分"},
      {"W_02_DeclaredWeight",
       "W-02",
       [](auto* p) {
         p->mutable_overall()->mutable_totals()->set_weight_centipoints(10000);
       },
       {"W-02"},
       "overall.totals.weight_centipoints",
       "100分",
       "110分",
       "-10分",
       "(执行率 10分 + 指标 100分)"},
      {"W_03_DeclaredSelfScore",
       "W-03",
       [](auto* p) {
         p->mutable_overall()->mutable_totals()->set_self_score_centipoints(
             10000);
       },
       {"W-03"},
       "overall.totals.self_score_centipoints",
       "100分",
       "105.52分",
       "-5.52分"},
      {"W_04_FundsRowHoldsTotal",
       "W-04",
       [](auto* p) {
         auto* project = p->mutable_projects(0);
         project->mutable_funds()->set_weight_centipoints(10000);
         project->mutable_funds()->set_self_score_centipoints(9800);
         project->mutable_totals()->set_weight_centipoints(10000);
         project->mutable_totals()->set_self_score_centipoints(9800);
       },
       {"W-04"},
       "projects[0].funds.weight_centipoints",
       "100分",
       "执行率分值 (通常10分)",
       ""},
      {"W_05_ScoreAboveWeight",
       "W-05",
       [](auto* p) {
         Households(p)->set_self_score_centipoints(1600);
         ShiftAtt2SelfTotal(p, 100);
       },
       {"W-05"},
       "overall.indicators[0].level2[0].indicators[0].self_score_c"
       "entipoints",
       "16分",
       "≤ 15分",
       "1分"},
      {"W_05_NegativeScore",
       "W-05",
       [](auto* p) {
         auto* economic = Att2(p, 1, 0);
         economic->set_self_score_centipoints(-100);
         economic->set_deviation_analysis("误填");
         ShiftAtt2SelfTotal(p, -1100);
       },
       {"W-05"},
       "overall.indicators[1].level2[0].indicators[0].self_score_c"
       "entipoints",
       "-1分",
       "≥ 0分",
       "-1分"},
      {"W_06_WeightWithoutScore",
       "W-06",
       [](auto* p) {
         Satisfaction(p)->clear_self_score_centipoints();
         ShiftAtt2SelfTotal(p, -800);
       },
       {"W-06"},
       "overall.indicators[2].level2[0].indicators[0].self_score_c"
       "entipoints",
       "(未填)",
       "自评得分",
       ""},
      {"W_06_ScoreWithoutWeight",
       "W-06",
       [](auto* p) { Satisfaction(p)->clear_weight_centipoints(); },
       {"W-06"},
       "overall.indicators[2].level2[0].indicators[0].weight_centi"
       "points",
       "(未填)",
       "分值",
       ""},
      // Indicators.
      {"I_01_Unreadable",
       "I-01",
       [](auto* p) { Households(p)->mutable_target()->set_text("≥≤2600户"); },
       {"I-01"},
       "overall.indicators[0].level2[0].indicators[0].target",
       "≥≤2600户",
       "",
       ""},
      {"I_01_BlankOnWeightedLine",
       "I-01",
       [](auto* p) { Households(p)->mutable_actual()->set_text(""); },
       {"I-01"},
       "overall.indicators[0].level2[0].indicators[0].actual",
       "(未填)",
       "",
       "",
       "未填"},
      {"I_02_Units",
       "I-02",
       [](auto* p) { Households(p)->mutable_actual()->set_text("3079人"); },
       {"I-02"},
       "overall.indicators[0].level2[0].indicators[0].actual",
       "3079人",
       "单位「户」",
       ""},
      {"I_02_QuantityAgainstPeriod",
       "I-02",
       [](auto* p) { Households(p)->mutable_actual()->set_text("2023年度"); },
       {"I-02"},
       "overall.indicators[0].level2[0].indicators[0].actual",
       "2023年度",
       "数量",
       ""},
      {"I_03_NameIsValue",
       "I-03",
       [](auto* p) { Att2(p, 0, 2)->set_name("2023年度"); },
       {"I-03"},
       "overall.indicators[0].level2[2].indicators[0].name",
       "2023年度",
       "指标名称",
       ""},
      {"I_04_CostOverrunFullScore",
       "I-04",
       [](auto* p) {
         Cost(p)->set_self_score_centipoints(1500);
         ShiftAtt2SelfTotal(p, 248);
       },
       {"I-04"},
       "overall.indicators[0].level2[3].indicators[0].self_score_c"
       "entipoints",
       "916.60万元",
       "≤ 765万元",
       "151.60万元",
       "仍自评满分 15分"},
      // ≤ in the target makes any indicator lower-is-better.
      {"I_04_ComparatorLowerIsBetter",
       "I-04",
       [](auto* p) { Att2(p, 1, 2)->mutable_target()->set_text("≤765万元"); },
       {"I-04"},
       "overall.indicators[1].level2[2].indicators[0].self_score_c"
       "entipoints",
       "916.60万元",
       "≤ 765万元",
       "151.60万元"},
      {"I_05_MetButDeducted",
       "I-05",
       [](auto* p) { Satisfaction(p)->clear_deviation_analysis(); },
       {"I-05"},
       "overall.indicators[2].level2[0].indicators[0].deviation_an"
       "alysis",
       "8分",
       "10分",
       "-2分"},
      {"I_06_MissedWithoutAnalysis",
       "I-06",
       [](auto* p) {
         Households(p)->mutable_actual()->set_text("2500户");
         Households(p)->set_self_score_centipoints(1442);
         ShiftAtt2SelfTotal(p, -58);
       },
       {"I-06"},
       "overall.indicators[0].level2[0].indicators[0].deviation_an"
       "alysis",
       "2500户",
       "2600户",
       "-100户"},
      {"I_07_OverAchievement",
       "I-07",
       [](auto* p) { Households(p)->mutable_actual()->set_text("3380户"); },
       {"I-07"},
       "overall.indicators[0].level2[0].indicators[0].deviation_an"
       "alysis",
       "3380户",
       "",
       "130.00%",
       "年度指标是否定得过低"},
      {"I_08_MissedFullScore",
       "I-08",
       [](auto* p) { Households(p)->mutable_actual()->set_text("2500户"); },
       {"I-08"},
       "overall.indicators[0].level2[0].indicators[0].self_score_c"
       "entipoints",
       "2500户",
       "≥ 2600户",
       "-100户"},
  };
}

class FireTest : public ::testing::TestWithParam<FireCase> {};

TEST_P(FireTest, FiresWithFigures) {
  const FireCase& c = GetParam();
  v1::EvaluationPackage package = CleanPackage();
  c.mutate(&package);
  const std::vector<v1::Finding> findings = PackageChecker().Check(package);
  ASSERT_THAT(RuleIds(findings), ElementsAreArray(c.all_rules))
      << ::testing::PrintToString(Keys(findings));
  const v1::Finding* finding = nullptr;
  for (const v1::Finding& f : findings) {
    if (f.rule_id() == c.rule) {
      finding = &f;
      break;
    }
  }
  ASSERT_NE(finding, nullptr);
  EXPECT_EQ(finding->field_path(), c.field_path);
  if (!c.found.empty()) {
    EXPECT_EQ(finding->value_found(), c.found);
  }
  if (!c.expected.empty()) {
    EXPECT_EQ(finding->value_expected(), c.expected);
  }
  if (!c.difference.empty()) {
    EXPECT_EQ(finding->difference(), c.difference);
  }
  if (!c.message_contains.empty()) {
    EXPECT_THAT(finding->message(), HasSubstr(c.message_contains));
  }
  // The message names the figures it is about.
  if (!c.found.empty() && c.found != "(未填)" && c.rule.rfind("W-0", 0) != 0) {
    EXPECT_THAT(finding->message(), HasSubstr(c.found));
  }
  const v1::RuleDescriptor* rule = RuleCatalogue::Default().Find(c.rule);
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(finding->severity(), rule->default_severity());
  EXPECT_EQ(finding->scope(), rule->scope());
}

INSTANTIATE_TEST_SUITE_P(Rules, FireTest, ::testing::ValuesIn(FireCases()),
                         [](const auto& param_info) {
                           return param_info.param.name;
                         });

// --- Quiet cases
// ---------------------------------------------------------------

struct QuietCase {
  std::string name;
  std::string rule;  // the rule this near miss guards
  Mutation mutate;
};

std::vector<QuietCase> QuietCases() {
  return {
      {"T1_01_OneDecimalRounding", "T1-01",
       [](auto* p) {
         SetRate(p->mutable_basic_data()
                     ->mutable_staffing()
                     ->mutable_control_rate(),
                 "92.9%");
       }},
      {"T1_01_WholePercent", "T1-01",
       [](auto* p) {
         SetRate(p->mutable_basic_data()
                     ->mutable_staffing()
                     ->mutable_control_rate(),
                 "93%");
       }},
      {"T1_01_BlankPosts", "T1-01",
       [](auto* p) {
         auto* s = p->mutable_basic_data()->mutable_staffing();
         s->clear_authorized_posts();
         SetRate(s->mutable_control_rate(), "50%");
       }},
      {"T1_02_VehiclesCarryTheTotal", "T1-02",
       [](auto* p) {
         auto* t = ThreePublic(p);
         t->mutable_vehicle_purchase()->set_final_fen(Wan(200));
         t->mutable_official_vehicles()->set_final_fen(Wan(200));
         t->mutable_total()->set_final_fen(Wan(200));
       }},
      {"T1_02_BlankPart", "T1-02",
       [](auto* p) { ThreePublic(p)->clear_overseas_travel(); }},
      {"T1_03_BlankSubtotal", "T1-03",
       [](auto* p) {
         ThreePublic(p)->mutable_vehicle_purchase()->set_budget_fen(Wan(50));
         ThreePublic(p)->mutable_official_vehicles()->clear_budget_fen();
         ThreePublic(p)->mutable_total()->clear_budget_fen();
       }},
      {"T1_04_SpecialFundLines", "T1-04",
       [](auto* p) {
         auto* ps = ProjectSpending(p);
         *ps->add_district_special_funds() = Row(0, Wan(1000), 0);
         ps->mutable_district_special_funds_total()->set_budget_fen(Wan(1000));
         ps->mutable_total()->set_budget_fen(Wan(5000));
       }},
      {"T1_04_BlankTotal", "T1-04",
       [](auto* p) {
         ProjectSpending(p)->mutable_total()->clear_budget_fen();
         *ProjectSpending(p)->add_other_lines() = Row(0, Wan(500), 0);
       }},
      {"T1_05_TransferLinesAgree", "T1-05",
       [](auto* p) {
         auto* ps = ProjectSpending(p);
         *ps->add_higher_transfers() = Row(0, Wan(300), 0);
         *ps->add_higher_transfers() = Row(0, Wan(700), 0);
         ps->mutable_higher_transfers_total()->set_budget_fen(Wan(1000));
         ps->mutable_total()->set_budget_fen(Wan(5000));
       }},
      {"T1_06_OfWhichBelowTotal", "T1-06",
       [](auto* p) {
         // 3.00 + 0.50 + 0.06 = 3.56 of 23.40: partial by design (the seed).
         p->mutable_basic_data()
             ->mutable_public_funds()
             ->mutable_meetings_training()
             ->clear_final_fen();
       }},
      {"T1_07_T1_08_RatesAgree", "T1-07",
       [](auto* p) {
         auto* b = p->mutable_basic_data()->add_building_projects();
         b->set_approved_area_centi_m2(100000);
         b->set_actual_area_centi_m2(90000);
         SetRate(b->mutable_area_control_rate(), "90%");
         b->set_budgeted_investment_fen(Wan(10000));
         b->set_actual_investment_fen(Wan(11000));
         SetRate(b->mutable_investment_control_rate(), "110.0%");
       }},
      {"T1_08_BlankInvestment", "T1-08",
       [](auto* p) {
         auto* b = p->mutable_basic_data()->add_building_projects();
         b->set_budgeted_investment_fen(Wan(10000));
         SetRate(b->mutable_investment_control_rate(), "100%");
       }},
      {"T2_01_WholePercentRounding", "T2-01",
       [](auto* p) {
         // 292.47 ÷ 292.57 = 99.966%: "100%" is right at no decimals.
         SetRate(
             p->mutable_overall()->mutable_funds()->mutable_execution_rate(),
             "100%");
       }},
      {"T2_02_SplitOfExecuted", "T2-02",
       [](auto* p) {
         p->mutable_overall()
             ->mutable_by_source()
             ->set_general_public_budget_fen(Wan(27991));
       }},
      {"T2_03_BlankPart", "T2-03",
       [](auto* p) {
         p->mutable_overall()->mutable_by_nature()->clear_project_fen();
       }},
      {"T3_01_BlankSource", "T3-01",
       [](auto* p) { p->mutable_projects(0)->clear_carry_over(); }},
      {"T3_02_OneDecimal", "T3-02",
       [](auto* p) {
         SetRate(
             p->mutable_projects(0)->mutable_funds()->mutable_execution_rate(),
             "100.0%");
       }},
      {"T4_01_RateAgrees", "T4-01",
       [](auto* p) {
         auto* line = p->mutable_social_insurance_funds()->add_lines();
         line->set_budget_fen(Wan(1000));
         line->set_executed_fen(Wan(900));
         SetRate(line->mutable_execution_rate(), "90%");
       }},
      {"T4_01_ZeroBudget", "T4-01",
       [](auto* p) {
         auto* line = p->mutable_government_funds()->add_lines();
         line->set_budget_fen(0);
         line->set_executed_fen(0);
         SetRate(line->mutable_execution_rate(), "0%");
       }},
      {"RT_01_BlankSubtotal", "RT-01",
       [](auto* p) {
         p->mutable_report()->mutable_basic_spending()->clear_personnel_fen();
       }},
      {"RT_02_BlankItemHoldsNothing", "RT-02",
       [](auto* p) {
         auto* basic = p->mutable_report()->mutable_basic_spending();
         basic->mutable_personnel_items(10)->clear_amount_fen();
         basic->mutable_personnel_items(0)->set_amount_fen(Wan(7159));
       }},
      {"RT_03_NoItems", "RT-03",
       [](auto* p) {
         p->mutable_report()
             ->mutable_basic_spending()
             ->clear_goods_services_items();
       }},
      {"RT_04_BlankTotal", "RT-04",
       [](auto* p) {
         p->mutable_report()->mutable_project_spending()->clear_total_fen();
       }},
      {"RT_05_UnmentionedSourceIsNotNamed", "RT-05",
       [](auto* p) {
         // A fixed income source the report does not mention is not an item
         // named without a figure.
         auto* income = p->mutable_report()->mutable_income();
         income->clear_higher_subsidy_fen();
         income->set_general_public_budget_fen(Wan(27001));
       }},
      {"RT_06_BlankSource", "RT-06",
       [](auto* p) {
         p->mutable_report()->mutable_income()->clear_business_income_fen();
       }},
      {"RT_07_ZeroFunction", "RT-07",
       [](auto* p) {
         auto* f =
             p->mutable_report()->mutable_expenditure()->add_by_function();
         f->set_code("213");
         f->set_name("农林水支出");
         f->set_amount_fen(0);
         f->set_change_from_prior_year_fen(0);
       }},
      {"RT_08_OneDecimal", "RT-08",
       [](auto* p) {
         SetRate(p->mutable_report()
                     ->mutable_general_public_budget_expenditure()
                     ->mutable_by_function(1)
                     ->mutable_share(),
                 "70.5%");
       }},
      {"RT_08_WholePercent", "RT-08",
       [](auto* p) {
         SetRate(p->mutable_report()
                     ->mutable_general_public_budget_expenditure()
                     ->mutable_by_function(0)
                     ->mutable_share(),
                 "22%");
       }},
      {"RT_08_BlankTotal", "RT-08",
       [](auto* p) {
         auto* e =
             p->mutable_report()->mutable_general_public_budget_expenditure();
         e->clear_total_fen();
         SetRate(e->mutable_by_function(0)->mutable_share(), "25.23%");
       }},
      {"RT_09_IncompleteChanges", "RT-09",
       [](auto* p) {
         auto* e = p->mutable_report()->mutable_expenditure();
         e->mutable_by_function(4)->clear_change_from_prior_year_fen();
         e->mutable_by_function(0)->set_change_from_prior_year_fen(Wan(808));
       }},
      {"RT_10_ZeroProjectChange", "RT-10",
       [](auto* p) {
         p->mutable_report()
             ->mutable_expenditure()
             ->set_project_change_from_prior_year_fen(0);
       }},
      {"R_01_BlankReportTotal", "R-01",
       [](auto* p) {
         p->mutable_report()->mutable_basic_spending()->clear_total_fen();
       }},
      {"R_02_ReportSidesWithAttachment3", "R-02",
       [](auto* p) {
         p->mutable_overall()->mutable_by_nature()->clear_project_fen();
         ProjectSpending(p)->mutable_total()->clear_final_fen();
       }},
      {"R_03_BlankPublicFunds", "R-03",
       [](auto* p) {
         p->mutable_basic_data()
             ->mutable_public_funds()
             ->mutable_total()
             ->clear_final_fen();
       }},
      {"R_04_NoFunctions", "R-04",
       [](auto* p) {
         p->mutable_report()->mutable_expenditure()->clear_by_function();
       }},
      {"R_05_BlankIncome", "R-05",
       [](auto* p) {
         auto* income = p->mutable_report()->mutable_income();
         income->clear_total_fen();
       }},
      {"X_01_BlankAttachment2", "X-01",
       [](auto* p) {
         p->mutable_overall()->mutable_by_nature()->clear_project_fen();
       }},
      {"X_02_BlankExecuted", "X-02",
       [](auto* p) {
         *p->add_projects() = p->projects(0);
         p->mutable_projects(1)
             ->mutable_funds()
             ->mutable_amounts()
             ->clear_executed_fen();
         p->mutable_projects(1)
             ->mutable_funds()
             ->mutable_execution_rate()
             ->Clear();
         p->mutable_projects(1)
             ->mutable_current_year_appropriation()
             ->clear_executed_fen();
       }},
      {"X_03_NoProjectSpending", "X-03",
       [](auto* p) {
         p->clear_projects();
         p->mutable_overall()->mutable_by_nature()->clear_project_fen();
       }},
      {"X_04_PublicFundsWithinBasic", "X-04",
       [](auto* p) {
         p->mutable_basic_data()
             ->mutable_public_funds()
             ->mutable_total()
             ->clear_final_fen();
         p->mutable_report()
             ->mutable_basic_spending()
             ->clear_goods_services_fen();
       }},
      {"W_01_NoLevel3Weights", "W-01",
       [](auto* p) {
         // Satisfaction has no weighted line left: nothing to add up, and
         // W-02 takes the declared (10 分) for it.
         Satisfaction(p)->clear_weight_centipoints();
         Satisfaction(p)->clear_self_score_centipoints();
         ShiftAtt2SelfTotal(p, -800);
       }},
      {"W_02_BlankDeclared", "W-02",
       [](auto* p) {
         p->mutable_overall()->mutable_totals()->clear_weight_centipoints();
       }},
      {"W_03_BlankDeclared", "W-03",
       [](auto* p) {
         p->mutable_overall()->mutable_totals()->clear_self_score_centipoints();
       }},
      {"W_04_ExecutionWeight", "W-04",
       [](auto* p) {
         p->mutable_projects(0)->mutable_funds()->set_weight_centipoints(1000);
       }},
      {"W_05_FullScore", "W-05",
       [](auto* p) {
         Satisfaction(p)->set_self_score_centipoints(1000);
         ShiftAtt2SelfTotal(p, 200);
       }},
      {"W_06_NotApplicableRow", "W-06",
       [](auto* p) {
         // Attachment 3's "/" rows: neither weight nor score.
         ASSERT_EQ(Att3(p, 1, 2)->name(), "/");
       }},
      {"I_01_NotApplicableUnweighted", "I-01",
       [](auto* p) { Att3(p, 1, 3)->mutable_target()->set_text(""); }},
      {"I_02_SameUnits", "I-02",
       [](auto* p) { Households(p)->mutable_actual()->set_text("3,079户"); }},
      {"I_03_NameWithNumberInside", "I-03",
       [](auto* p) { Households(p)->set_name("发放2600户补贴"); }},
      {"I_04_CostWithinTarget", "I-04",
       [](auto* p) {
         Cost(p)->mutable_actual()->set_text("700万元");
         Cost(p)->set_self_score_centipoints(1500);
         ShiftAtt2SelfTotal(p, 248);
       }},
      {"I_05_Explained", "I-05",
       [](auto* p) {
         Satisfaction(p)->set_deviation_analysis("服务态度有待改进");
       }},
      {"I_06_MissedExplained", "I-06",
       [](auto* p) {
         Households(p)->mutable_actual()->set_text("2500户");
         Households(p)->set_self_score_centipoints(1442);
         Households(p)->set_deviation_analysis("部分申请人资格复核未通过");
         ShiftAtt2SelfTotal(p, -58);
       }},
      {"I_07_JustBelowThreshold", "I-07",
       [](auto* p) { Households(p)->mutable_actual()->set_text("3379户"); }},
      {"I_08_QualitativeDirection", "I-08",
       [](auto* p) {
         Households(p)->mutable_actual()->set_text("2500户");
         Households(p)->set_direction(v1::QUALITATIVE);
       }},
  };
}

class QuietTest : public ::testing::TestWithParam<QuietCase> {};

TEST_P(QuietTest, NoFinding) {
  const QuietCase& c = GetParam();
  v1::EvaluationPackage package = CleanPackage();
  c.mutate(&package);
  EXPECT_THAT(Keys(PackageChecker().Check(package)), ::testing::IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Rules, QuietTest, ::testing::ValuesIn(QuietCases()),
                         [](const auto& param_info) {
                           return param_info.param.name;
                         });

// Every package rule of the catalogue has a case where it fires and one
// where it must not.
TEST(RuleCoverage, EveryPackageRuleHasBothCases) {
  std::set<std::string> fired;
  for (const FireCase& c : FireCases()) fired.insert(c.rule);
  std::set<std::string> guarded;
  for (const QuietCase& c : QuietCases()) guarded.insert(c.rule);
  guarded.insert("T1-08");  // T1_07_T1_08_RatesAgree guards both
  for (const v1::RuleDescriptor& rule : RuleCatalogue::Default().rules()) {
    if (rule.scope() == v1::RULE_SCOPE_CROSS_UNIT ||
        rule.scope() == v1::RULE_SCOPE_CROSS_YEAR) {
      continue;
    }
    EXPECT_TRUE(fired.count(rule.id())) << rule.id() << " has no fire case";
    EXPECT_TRUE(guarded.count(rule.id())) << rule.id() << " has no quiet case";
  }
}

}  // namespace
}  // namespace budgetperf
