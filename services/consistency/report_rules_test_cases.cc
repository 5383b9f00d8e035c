// The cases of the report rules (RT, R): the report's own figures, and the
// report against the tables.

#include <string>
#include <vector>

#include "services/consistency/rules_test_cases.h"

namespace budgetperf {
namespace rules_test {

std::vector<FireCase> ReportFireCases() {
  return {
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
  };
}

std::vector<QuietCase> ReportQuietCases() {
  return {
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
  };
}

}  // namespace rules_test
}  // namespace budgetperf
