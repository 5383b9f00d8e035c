#ifndef BUDGETPERF_SERVICES_CONSISTENCY_AUDIT_RULES_TEST_FIXTURE_H_
#define BUDGETPERF_SERVICES_CONSISTENCY_AUDIT_RULES_TEST_FIXTURE_H_

// The small hand-made districts the audit rule tests share: a department
// and its units, each filed for two years, consistent across the years, so
// that each test makes the one mistake it is about.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/consistency/audit_rules.h"
#include "services/consistency/consistency_config.h"

namespace budgetperf {
namespace audit_test {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

inline constexpr char kDistrict[] = "430602";
inline constexpr char kDepartment[] = "11430602MBDEPT0001";
inline constexpr char kDepartmentName[] = "岳阳楼区教育局";
inline constexpr int32_t kYear = 2023;

// 万元 with two decimals written as hundredths → fen: Wan(13652) = 136.52万元.
constexpr int64_t Wan(int64_t hundredths) { return hundredths * 10'000; }

inline std::string UnitCode(int i) {
  return absl::StrCat("12430602MBUNIT", 1000 + i);
}
inline std::string UnitName(int i) {
  return absl::StrCat("岳阳楼区第", i, "中学");
}

// "U-01 USCC field_path" per finding.
inline std::vector<std::string> Keys(const std::vector<v1::Finding>& findings) {
  std::vector<std::string> keys;
  for (const v1::Finding& f : findings) {
    keys.push_back(
        absl::StrCat(f.rule_id(), " ", f.unit_uscc(), " ", f.field_path()));
  }
  return keys;
}

inline std::string Key(const std::string& rule, const std::string& uscc,
                       const std::string& path) {
  return absl::StrCat(rule, " ", uscc, " ", path);
}

inline void SetRow(v1::CostControlRow* row, int64_t prior, int64_t budget,
                   int64_t final) {
  row->set_prior_year_final_fen(prior);
  row->set_budget_fen(budget);
  row->set_final_fen(final);
}

inline void SetFunds(v1::FundsColumns* columns, int64_t initial,
                     int64_t full_year, int64_t executed) {
  columns->set_initial_budget_fen(initial);
  columns->set_full_year_budget_fen(full_year);
  columns->set_executed_fen(executed);
}

// The number the code ends in (UnitCode(3) → 1003, kDepartment → 1), to
// give every unit's project amounts of its own.
inline int64_t Serial(const std::string& uscc) {
  size_t i = uscc.size();
  while (i > 0 && i + 4 > uscc.size() && uscc[i - 1] >= '0' &&
         uscc[i - 1] <= '9')
    --i;
  return i == uscc.size() ? 0 : std::stoll(uscc.substr(i));
}

// A unit's package for `year`: 10 staff, 5.00万元 of public funds (0.50 a
// head), 95.00 of 100.00万元 executed, one project (学校运转经费, amounts of
// its own), and a report with income and expenditure that agree with
// `Package(uscc, name, year - 1)`'s.
inline v1::EvaluationPackage Package(
    const std::string& uscc, const std::string& name, int32_t year,
    const std::string& department = kDepartment) {
  v1::EvaluationPackage p;
  v1::UnitIdentity* unit = p.mutable_unit();
  unit->set_uscc(uscc);
  unit->set_name(name);
  unit->set_division_code(kDistrict);
  unit->set_supervising_department(kDepartmentName);
  unit->set_supervising_department_uscc(department);
  p.set_year(year);
  const int64_t step = year - kYear;  // figures grow 1.00万元 a year
  v1::BasicDataTable* basic = p.mutable_basic_data();
  basic->mutable_staffing()->set_authorized_posts(10);
  basic->mutable_staffing()->set_actual_staff(10);
  v1::PublicFunds* funds = basic->mutable_public_funds();
  SetRow(funds->mutable_total(), Wan(400 + 100 * step), Wan(520),
         Wan(500 + 100 * step));
  SetRow(funds->mutable_office(), Wan(100 + 100 * step), Wan(200),
         Wan(200 + 100 * step));
  SetRow(funds->mutable_utilities_travel(), Wan(100), Wan(100), Wan(100));
  SetRow(funds->mutable_meetings_training(), Wan(50), Wan(50), Wan(50));
  v1::ProjectSpendingTable* projects = basic->mutable_project_spending();
  SetRow(projects->mutable_total(), Wan(3000 + 100 * step), Wan(3200),
         Wan(3100 + 100 * step));
  SetRow(projects->mutable_operating_work_funds(), Wan(3000 + 100 * step),
         Wan(3200), Wan(3100 + 100 * step));
  SetRow(basic->mutable_government_procurement(), Wan(900 + 100 * step),
         Wan(1100), Wan(1000 + 100 * step));
  SetFunds(p.mutable_overall()->mutable_funds()->mutable_amounts(), Wan(9000),
           Wan(10000), Wan(9500));
  v1::ProjectSelfEvaluation* project = p.add_projects();
  project->set_name("学校运转经费");
  project->set_supervising_department(kDepartmentName);
  project->set_implementing_unit(name);
  SetFunds(project->mutable_funds()->mutable_amounts(), Wan(3000), Wan(3200),
           Wan(3100 + 100 * step + Serial(uscc)));
  v1::SelfEvaluationReport* report = p.mutable_report();
  report->mutable_income()->set_total_fen(Wan(10000 + 100 * step));
  report->mutable_income()->set_change_from_prior_year_fen(Wan(100));
  v1::ExpenditureReport* spending = report->mutable_expenditure();
  spending->set_total_fen(Wan(9500 + 100 * step));
  spending->set_change_from_prior_year_fen(Wan(100));
  spending->set_basic_change_from_prior_year_fen(0);
  spending->set_project_change_from_prior_year_fen(Wan(100));
  report->mutable_basic_spending()->set_total_fen(Wan(6400));
  report->mutable_project_spending()->set_total_fen(Wan(3100 + 100 * step));
  v1::FunctionalSpending* education = spending->add_by_function();
  education->set_code("205");
  education->set_name("教育支出");
  education->set_amount_fen(Wan(9500 + 100 * step));
  education->set_change_from_prior_year_fen(Wan(100));
  v1::NarrativeSection* section = report->add_sections();
  section->set_heading("一、单位基本情况");
  section->set_text(absl::StrCat(name, "隶属", kDepartmentName, "。"));
  return p;
}

inline v1::OrgNode Node(const std::string& code, const std::string& name,
                        v1::NodeKind kind, const std::string& parent) {
  v1::OrgNode node;
  node.set_code(code);
  node.set_name(name);
  node.set_kind(kind);
  node.set_parent_code(parent);
  node.set_division_code(kDistrict);
  if (kind == v1::NODE_KIND_UNIT) node.set_uscc(code);
  return node;
}

// A district with one department and `units` units (codes UnitCode(0..)),
// each filed for 2023 and 2022, consistent across the years.
class AuditRulesTest : public ::testing::Test {
 protected:
  void MakeDistrict(int units, bool department_files = false) {
    input_ = AuditInput();
    input_.year = kYear;
    input_.nodes.push_back(
        Node(kDistrict, "岳阳楼区", v1::NODE_KIND_DISTRICT, ""));
    input_.nodes.push_back(Node(kDepartment, kDepartmentName,
                                v1::NODE_KIND_DEPARTMENT, kDistrict));
    if (department_files) {
      AddFiling(kDepartment, kDepartmentName);
    }
    for (int i = 0; i < units; ++i) {
      input_.nodes.push_back(
          Node(UnitCode(i), UnitName(i), v1::NODE_KIND_UNIT, kDepartment));
      AddFiling(UnitCode(i), UnitName(i));
    }
  }

  void AddFiling(const std::string& uscc, const std::string& name) {
    input_.current.push_back({Package(uscc, name, kYear), std::nullopt});
    input_.prior.push_back({Package(uscc, name, kYear - 1), std::nullopt});
  }

  // This year's package of unit i (the department is index 0 when it
  // files, so units start at 1 then).
  v1::EvaluationPackage* Current(size_t i) {
    return &input_.current[i].package;
  }
  v1::EvaluationPackage* Prior(size_t i) { return &input_.prior[i].package; }

  std::vector<v1::Finding> Run(const AuditOptions& options = {}) {
    return RunAuditRules(input_, config_, options);
  }

  AuditInput input_;
  ConsistencyConfig config_;
};

// Public funds per head of unit i: 0.50 + 0.02 × i 万元, 10 staff.
inline void SpreadPublicFunds(AuditInput* input) {
  for (size_t i = 0; i < input->current.size(); ++i) {
    input->current[i]
        .package.mutable_basic_data()
        ->mutable_public_funds()
        ->mutable_total()
        ->set_final_fen(Wan(500 + 20 * static_cast<int64_t>(i)));
  }
}

}  // namespace audit_test
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_CONSISTENCY_AUDIT_RULES_TEST_FIXTURE_H_
