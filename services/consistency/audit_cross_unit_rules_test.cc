// The cross-unit rules (U-02, U-04, U-05), one by one, on small hand-made
// districts: a case where each fires (with every finding the mistake makes)
// and near misses where it must not.

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

// --- U-02 ------------------------------------------------------------------

TEST_F(AuditRulesTest, U02FiresForOneProjectInTwoPackages) {
  MakeDistrict(3);
  // Units 0 and 2 file the same 学校运转经费 with the same amounts.
  for (size_t i : {0u, 2u}) {
    SetFunds(
        Current(i)->mutable_projects(0)->mutable_funds()->mutable_amounts(),
        Wan(3000), Wan(3200), Wan(3100));
  }
  const std::vector<v1::Finding> findings = Run();
  EXPECT_THAT(Keys(findings),
              ElementsAre(Key("U-02", UnitCode(2),
                              "projects[0].funds.amounts.executed_fen")));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity(), v1::SEVERITY_WARNING);
  EXPECT_THAT(findings[0].message(), HasSubstr(UnitName(0)));
  EXPECT_THAT(findings[0].related_field_paths(0),
              HasSubstr(UnitCode(0) + "@2023:projects[0]"));
}

TEST_F(AuditRulesTest, U02QuietForNearMisses) {
  MakeDistrict(6);
  auto amounts = [this](size_t i) {
    return Current(i)->mutable_projects(0)->mutable_funds()->mutable_amounts();
  };
  // Same amounts, another name.
  SetFunds(amounts(0), Wan(3000), Wan(3200), Wan(3100));
  SetFunds(amounts(1), Wan(3000), Wan(3200), Wan(3100));
  Current(1)->mutable_projects(0)->set_name("校园安全经费");
  // Same name and amount executed, another full-year budget.
  SetFunds(amounts(2), Wan(3000), Wan(3200), Wan(2000));
  SetFunds(amounts(3), Wan(3000), Wan(3300), Wan(2000));
  // Nothing executed.
  SetFunds(amounts(4), 0, 0, 0);
  SetFunds(amounts(5), 0, 0, 0);
  EXPECT_THAT(Run(), IsEmpty());
}

// --- U-05 ------------------------------------------------------------------

// The department's first project becomes 校舍维修改造 of 40.00/50.00/45.00万元,
// carried out by `implementing`; each unit of `parts` files its part.
void DepartmentProject(v1::EvaluationPackage* department,
                       const std::string& implementing) {
  v1::ProjectSelfEvaluation* project = department->mutable_projects(0);
  project->set_name("校舍维修改造");
  project->set_implementing_unit(implementing);
  SetFunds(project->mutable_funds()->mutable_amounts(), Wan(4000), Wan(5000),
           Wan(4500));
}
void UnitPart(v1::EvaluationPackage* unit, int64_t initial, int64_t full_year,
              int64_t executed) {
  v1::ProjectSelfEvaluation* project = unit->add_projects();
  project->set_name("校舍维修改造");
  project->set_implementing_unit(unit->unit().name());
  SetFunds(project->mutable_funds()->mutable_amounts(), initial, full_year,
           executed);
}

TEST_F(AuditRulesTest, U05FiresWhenDepartmentAndImplementingUnitDisagree) {
  MakeDistrict(3, /*department_files=*/true);
  DepartmentProject(Current(0), UnitName(1));
  UnitPart(Current(2), Wan(4000), Wan(5000), Wan(4400));  // unit 1 is index 2
  const std::vector<v1::Finding> findings = Run();
  ASSERT_THAT(Keys(findings),
              ElementsAre(Key("U-05", kDepartment,
                              "projects[0].funds.amounts.executed_fen")));
  EXPECT_EQ(findings[0].value_found(), "45.00万元");
  EXPECT_EQ(findings[0].value_expected(), "44.00万元");
  EXPECT_EQ(findings[0].difference(), "1.00万元");
  EXPECT_THAT(findings[0].message(), HasSubstr("主管部门与实施单位"));
}

TEST_F(AuditRulesTest, U05QuietWhenTheyAgreeAndU02DoesNotCountThemTwice) {
  MakeDistrict(3, /*department_files=*/true);
  DepartmentProject(Current(0), UnitName(1));
  UnitPart(Current(2), Wan(4000), Wan(5000), Wan(4500));
  EXPECT_THAT(Run(), IsEmpty());
}

TEST_F(AuditRulesTest, U05FiresWhenSeveralUnitsDoNotAddUp) {
  MakeDistrict(3, /*department_files=*/true);
  DepartmentProject(Current(0), UnitName(0) + "、" + UnitName(1));
  UnitPart(Current(1), Wan(2000), Wan(2500), Wan(2000));
  UnitPart(Current(2), Wan(2000), Wan(2500), Wan(2600));
  EXPECT_THAT(Keys(Run()),
              ElementsAre(Key("U-05", kDepartment,
                              "projects[0].funds.amounts.executed_fen")));
}

TEST_F(AuditRulesTest, U05WithTheDepartmentAmongImplementersOnlyBoundsTheSum) {
  MakeDistrict(3, /*department_files=*/true);
  // The department carries out part itself: its units' parts may fall short
  // of the project (quiet), never exceed it.
  DepartmentProject(Current(0), absl::StrCat(kDepartmentName, "，", UnitName(0),
                                             "；", UnitName(1)));
  UnitPart(Current(1), Wan(1000), Wan(1000), Wan(1000));
  UnitPart(Current(2), Wan(1000), Wan(1000), Wan(1000));
  EXPECT_THAT(Run(), IsEmpty());
  Current(2)
      ->mutable_projects(1)
      ->mutable_funds()
      ->mutable_amounts()
      ->set_executed_fen(Wan(3600));
  const std::vector<v1::Finding> findings = Run();
  ASSERT_THAT(Keys(findings),
              ElementsAre(Key("U-05", kDepartment,
                              "projects[0].funds.amounts.executed_fen")));
  EXPECT_THAT(findings[0].message(), HasSubstr("< 所列实施单位"));
  EXPECT_EQ(findings[0].difference(), "-1.00万元");
}

TEST_F(AuditRulesTest, U05QuietWithoutNamedUnits) {
  // The department carries out its own 学校运转经费, as each unit does its
  // own: same project name, no part of it.
  MakeDistrict(3, /*department_files=*/true);
  SetFunds(Current(0)->mutable_projects(0)->mutable_funds()->mutable_amounts(),
           Wan(100), Wan(100), Wan(100));
  EXPECT_THAT(Run(), IsEmpty());
}

// --- U-04 ------------------------------------------------------------------

TEST_F(AuditRulesTest, U04FiresForALongSectionCopiedFromAnotherUnit) {
  MakeDistrict(3);
  const std::string text =
      "本单位严格落实预算绩效管理要求，建立健全绩效目标管理、绩效运行监控、"
      "绩效评价和结果应用全过程预算绩效管理链条，绩效管理水平进一步提升。";
  for (size_t i : {0u, 2u}) {
    v1::NarrativeSection* section =
        Current(i)->mutable_report()->add_sections();
    section->set_heading("四、绩效管理工作开展情况");
    // Copying with other spacing is still copying.
    section->set_text(i == 0 ? text : "  " + text + "\n");
  }
  const std::vector<v1::Finding> findings = Run();
  ASSERT_THAT(Keys(findings),
              ElementsAre(Key("U-04", UnitCode(2), "report.sections[1].text")));
  EXPECT_EQ(findings[0].severity(), v1::SEVERITY_NEEDS_EXPLANATION);
  EXPECT_THAT(findings[0].message(), HasSubstr(UnitName(0)));
}

TEST_F(AuditRulesTest, U04QuietForShortBoilerplate) {
  MakeDistrict(3);
  for (size_t i : {0u, 1u, 2u}) {
    v1::NarrativeSection* section =
        Current(i)->mutable_report()->add_sections();
    section->set_heading("八、下一步改进措施");
    section->set_text("加强预算执行监控，强化绩效目标管理。");
  }
  EXPECT_THAT(Run(), IsEmpty());
}

}  // namespace
}  // namespace audit_test
}  // namespace budgetperf
