#include "services/ingestion/test_packages.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/codes/uscc.h"
#include "common/package/package_json.h"

namespace budgetperf {
namespace ingestion {
namespace test_packages {

std::string SeedPath() { return std::string(BUDGETPERF_SOURCE_DIR) + "/tests/data/seed-2023.json"; }

v1::EvaluationPackage SeedPackage() {
  absl::StatusOr<v1::EvaluationPackage> seed = LoadPackageJsonFile(SeedPath());
  if (!seed.ok()) {
    std::cerr << "cannot load the seed fixture: " << seed.status() << std::endl;
    std::abort();
  }
  return *std::move(seed);
}

std::string TestUscc(int n) {
  const std::string body = absl::StrFormat("12430602MB1C%05d", n);
  absl::StatusOr<char> check = UsccCheckCharacter(body);
  if (!check.ok()) std::abort();  // the body is well formed by construction
  return body + *check;
}

v1::EvaluationPackage PackageForUnit(int n, const std::string& division_code) {
  v1::EvaluationPackage package = SeedPackage();
  package.mutable_unit()->set_uscc(TestUscc(n));
  package.mutable_unit()->set_name(absl::StrCat("测试单位", n));
  package.mutable_unit()->set_division_code(division_code);
  return package;
}

std::vector<MalformedCase> MalformedCases() {
  using P = v1::EvaluationPackage;
  auto l3 = [](P* p, int l1, int l2, int i) {
    return p->mutable_overall()->mutable_indicators(l1)->mutable_level2(l2)->mutable_indicators(i);
  };
  return {
      {"missing unit name", [](P* p) { p->mutable_unit()->clear_name(); }, "unit.name", "required"},
      {"missing USCC", [](P* p) { p->mutable_unit()->clear_uscc(); }, "unit.uscc", "required"},
      {"USCC check character", [](P* p) { p->mutable_unit()->set_uscc("12430602MB1C04587A"); },
       "unit.uscc", "uscc_check_character"},
      {"USCC too short", [](P* p) { p->mutable_unit()->set_uscc("12430602MB1C0458"); }, "unit.uscc",
       "uscc_format"},
      {"USCC forbidden letter", [](P* p) { p->mutable_unit()->set_uscc("12430602MB1C0458OD"); },
       "unit.uscc", "uscc_format"},
      {"supervising department USCC check character",
       [](P* p) { p->mutable_unit()->set_supervising_department_uscc("12430602MB1C04587E"); },
       "unit.supervising_department_uscc", "uscc_check_character"},
      {"missing division code", [](P* p) { p->mutable_unit()->clear_division_code(); },
       "unit.division_code", "required"},
      {"division code not digits", [](P* p) { p->mutable_unit()->set_division_code("43060A"); },
       "unit.division_code", "division_code"},
      {"division code county without prefecture",
       [](P* p) { p->mutable_unit()->set_division_code("430002"); }, "unit.division_code",
       "division_code"},
      {"missing year", [](P* p) { p->clear_year(); }, "year", "required"},
      {"year too early", [](P* p) { p->set_year(1999); }, "year", "year_range"},
      {"year too late", [](P* p) { p->set_year(2101); }, "year", "year_range"},
      {"negative public funds",
       [](P* p) {
         p->mutable_basic_data()->mutable_public_funds()->mutable_total()->set_final_fen(-1);
       },
       "basic_data.public_funds.total.final_fen", "non_negative"},
      {"negative executed amount",
       [](P* p) { p->mutable_overall()->mutable_funds()->mutable_amounts()->set_executed_fen(-5); },
       "overall.funds.amounts.executed_fen", "non_negative"},
      {"negative report personnel item",
       [](P* p) {
         p->mutable_report()->mutable_basic_spending()->mutable_personnel_items(0)->set_amount_fen(
             -100);
       },
       "report.basic_spending.personnel_items[0].amount_fen", "non_negative"},
      {"negative building area",
       [](P* p) { p->mutable_basic_data()->add_building_projects()->set_actual_area_centi_m2(-1); },
       "basic_data.building_projects[0].actual_area_centi_m2", "non_negative"},
      {"weight above 100 points", [l3](P* p) { l3(p, 0, 1, 0)->set_weight_centipoints(10001); },
       "overall.indicators[0].level2[1].indicators[0].weight_centipoints", "weight_range"},
      {"negative declared weight",
       [](P* p) {
         p->mutable_overall()->mutable_indicators(0)->set_declared_weight_centipoints(-100);
       },
       "overall.indicators[0].declared_weight_centipoints", "weight_range"},
      {"self-score above its weight",
       [l3](P* p) { l3(p, 0, 0, 0)->set_self_score_centipoints(1501); },
       "overall.indicators[0].level2[0].indicators[0].self_score_centipoints", "self_score_range"},
      {"negative self-score",
       [](P* p) { p->mutable_projects(0)->mutable_funds()->set_self_score_centipoints(-1); },
       "projects[0].funds.self_score_centipoints", "self_score_range"},
      {"negative rate",
       [](P* p) {
         p->mutable_basic_data()->mutable_staffing()->mutable_control_rate()->set_basis_points(-1);
       },
       "basic_data.staffing.control_rate.basis_points", "basis_points_range"},
      {"absurd share",
       [](P* p) {
         p->mutable_report()
             ->mutable_general_public_budget_expenditure()
             ->mutable_by_function(0)
             ->mutable_share()
             ->set_basis_points(2'000'000);
       },
       "report.general_public_budget_expenditure.by_function[0].share.basis_points",
       "basis_points_range"},
      {"rate decimals",
       [](P* p) {
         p->mutable_overall()->mutable_funds()->mutable_execution_rate()->set_decimals(9);
       },
       "overall.funds.execution_rate.decimals", "decimals_range"},
      {"negative headcount",
       [](P* p) { p->mutable_basic_data()->mutable_staffing()->set_authorized_posts(-3); },
       "basic_data.staffing.authorized_posts", "headcount_range"},
      {"unknown level-1 category",
       [](P* p) {
         p->mutable_overall()->mutable_indicators(0)->set_category(
             static_cast<v1::Level1Category>(99));
       },
       "overall.indicators[0].category", "enum_value"},
      {"unknown indicator direction",
       [](P* p) {
         p->mutable_projects(0)
             ->mutable_indicators(1)
             ->mutable_level2(0)
             ->mutable_indicators(0)
             ->set_direction(static_cast<v1::IndicatorDirection>(42));
       },
       "projects[0].indicators[1].level2[0].indicators[0].direction", "enum_value"},
      {"too many projects",
       [](P* p) {
         const v1::ProjectSelfEvaluation project = p->projects(0);
         while (p->projects_size() <= 200) *p->add_projects() = project;
       },
       "projects", "max_items"},
      {"too many level-3 indicators",
       [](P* p) {
         auto* l2 = p->mutable_overall()->mutable_indicators(0)->mutable_level2(0);
         const v1::Level3Indicator indicator = l2->indicators(0);
         for (int i = 0; i < 500; ++i) *l2->add_indicators() = indicator;
       },
       "overall.indicators", "max_level3_indicators"},
      {"oversize text",
       [](P* p) { p->mutable_report()->mutable_sections(0)->set_text(std::string(40'000, 'x')); },
       "report.sections[0].text", "max_text_bytes"},
      {"oversize package",
       [](P* p) {
         for (int i = 0; i < 150; ++i) {
           p->mutable_report()->add_sections()->set_text(std::string(30'000, 'y'));
         }
       },
       "", "max_package_bytes"},
  };
}

}  // namespace test_packages
}  // namespace ingestion
}  // namespace budgetperf
