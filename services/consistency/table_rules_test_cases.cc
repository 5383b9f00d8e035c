// The cases of the table rules (T1 to T4, X): attachments 1 to 4 and the
// checks across them.

#include <string>
#include <vector>

#include "services/consistency/rules_test_cases.h"

namespace budgetperf {
namespace rules_test {

std::vector<FireCase> TableFireCases() {
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
  };
}

std::vector<QuietCase> TableQuietCases() {
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
  };
}

}  // namespace rules_test
}  // namespace budgetperf
