#include "services/consistency/test_packages.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "common/money/rate.h"
#include "common/package/package_json.h"

namespace budgetperf {
namespace test_packages {

const v1::EvaluationPackage& Seed() {
  static const v1::EvaluationPackage* const seed = [] {
    auto loaded = LoadPackageJsonFile(std::string(BUDGETPERF_SOURCE_DIR) +
                                      "/tests/data/seed-2023.json");
    if (!loaded.ok()) {
      std::cerr << "cannot load the seed fixture: " << loaded.status() << "\n";
      std::abort();
    }
    return new v1::EvaluationPackage(*std::move(loaded));
  }();
  return *seed;
}

void SetRate(v1::FiledRate* rate, const std::string& text) {
  auto parsed = ParseFiledRate(text);
  rate->set_text(text);
  rate->set_basis_points(
      parsed.ok() ? static_cast<int32_t>(parsed->basis_points) : 0);
  rate->set_decimals(parsed.ok() ? parsed->decimals : 0);
}

v1::EvaluationPackage CleanPackage() {
  v1::EvaluationPackage p = Seed();

  // Attachment 1: 项目支出 2023 final is its one line, 40.
  p.mutable_basic_data()
      ->mutable_project_spending()
      ->mutable_total()
      ->set_final_fen(Wan(4000));

  // Attachment 2: funds of 292.57 budgeted, 292.47 executed (99.97%), split
  // by source (280.01 + 12.56) and by nature (252.47 basic + 40 project), so
  // that they agree with the report and attachment 3.
  v1::OverallSelfEvaluation* overall = p.mutable_overall();
  v1::FundsColumns* amounts = overall->mutable_funds()->mutable_amounts();
  amounts->set_full_year_budget_fen(Wan(29257));
  amounts->set_executed_fen(Wan(29247));
  SetRate(overall->mutable_funds()->mutable_execution_rate(), "99.97%");
  overall->mutable_by_source()->set_general_public_budget_fen(Wan(28001));
  overall->mutable_by_nature()->set_basic_fen(Wan(25247));
  overall->mutable_by_nature()->set_project_fen(Wan(4000));

  // Attachment 2 indicators: the cost overrun scored by the ratio rule
  // (765 ÷ 916.60 × 15 = 12.52) with its deviation analysis; the
  // satisfaction deduction explained; totals that include the execution
  // rate: weight 10 + 100 = 110, score 10 + 95.52 = 105.52.
  v1::Level3Indicator* cost =
      overall->mutable_indicators(0)->mutable_level2(3)->mutable_indicators(0);
  cost->set_self_score_centipoints(1252);
  cost->set_deviation_analysis(
      "补贴标准提高50%，补贴户数增加，成本超出年初预算");
  overall->mutable_indicators(2)
      ->mutable_level2(0)
      ->mutable_indicators(0)
      ->set_deviation_analysis("部分群众对补贴发放进度有意见，下一步加快审核");
  overall->mutable_totals()->set_weight_centipoints(11000);
  overall->mutable_totals()->set_self_score_centipoints(10552);

  // Attachment 3: the funds row weighs the execution rate (10, scored 10),
  // the totals include it, the timeliness indicator has a name, and the
  // satisfaction deduction is explained.
  v1::ProjectSelfEvaluation* project = p.mutable_projects(0);
  project->mutable_funds()->set_weight_centipoints(1000);
  project->mutable_funds()->set_self_score_centipoints(1000);
  project->mutable_totals()->set_weight_centipoints(11000);
  project->mutable_totals()->set_self_score_centipoints(10800);
  project->mutable_indicators(0)
      ->mutable_level2(2)
      ->mutable_indicators(0)
      ->set_name("工作完成及时率");
  project->mutable_indicators(2)
      ->mutable_level2(0)
      ->mutable_indicators(0)
      ->set_deviation_analysis("个别服务对象不满意，下一步改进服务");

  // Report: the one personnel item without a figure gets its 7.27; income
  // of 292.57 = 280.01 general public budget + 12.56 other funds; shares of
  // the 292.47 general-public-budget expenditure.
  v1::SelfEvaluationReport* report = p.mutable_report();
  report->mutable_basic_spending()->mutable_personnel_items(10)->set_amount_fen(
      Wan(727));
  report->mutable_income()->set_total_fen(Wan(29257));
  report->mutable_income()->set_general_public_budget_fen(Wan(28001));
  v1::NamedAmount* other = report->mutable_income()->add_other_sources();
  other->set_name("其他资金");
  other->set_amount_fen(Wan(1256));
  const char* shares[] = {"21.78%", "70.53%", "5.17%", "2.52%"};
  for (int i = 0; i < 4; ++i) {
    SetRate(report->mutable_general_public_budget_expenditure()
                ->mutable_by_function(i)
                ->mutable_share(),
            shares[i]);
  }
  return p;
}

std::vector<std::string> Keys(const std::vector<v1::Finding>& findings) {
  std::vector<std::string> keys;
  for (const v1::Finding& f : findings)
    keys.push_back(absl::StrCat(f.rule_id(), " ", f.field_path()));
  return keys;
}

std::vector<std::string> RuleIds(const std::vector<v1::Finding>& findings) {
  std::vector<std::string> ids;
  for (const v1::Finding& f : findings) ids.push_back(f.rule_id());
  return ids;
}

}  // namespace test_packages
}  // namespace budgetperf
