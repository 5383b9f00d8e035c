// Every cross-unit and cross-year rule, one by one, on small hand-made
// districts: a case where it fires (with every finding the mistake makes, so
// that "one mistake, one finding" is pinned too) and near misses where it
// must not.

#include "services/consistency/audit_rules.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/consistency/rule_catalogue.h"

namespace budgetperf {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kDistrict[] = "430602";
constexpr char kDepartment[] = "11430602MBDEPT0001";
constexpr char kDepartmentName[] = "岳阳楼区教育局";
constexpr int32_t kYear = 2023;

// 万元 with two decimals written as hundredths → fen: Wan(13652) = 136.52万元.
constexpr int64_t Wan(int64_t hundredths) { return hundredths * 10'000; }

std::string UnitCode(int i) { return absl::StrCat("12430602MBUNIT", 1000 + i); }
std::string UnitName(int i) { return absl::StrCat("岳阳楼区第", i, "中学"); }

// "U-01 USCC field_path" per finding.
std::vector<std::string> Keys(const std::vector<v1::Finding>& findings) {
  std::vector<std::string> keys;
  for (const v1::Finding& f : findings) {
    keys.push_back(
        absl::StrCat(f.rule_id(), " ", f.unit_uscc(), " ", f.field_path()));
  }
  return keys;
}

std::string Key(const std::string& rule, const std::string& uscc,
                const std::string& path) {
  return absl::StrCat(rule, " ", uscc, " ", path);
}

void SetRow(v1::CostControlRow* row, int64_t prior, int64_t budget,
            int64_t final) {
  row->set_prior_year_final_fen(prior);
  row->set_budget_fen(budget);
  row->set_final_fen(final);
}

void SetFunds(v1::FundsColumns* columns, int64_t initial, int64_t full_year,
              int64_t executed) {
  columns->set_initial_budget_fen(initial);
  columns->set_full_year_budget_fen(full_year);
  columns->set_executed_fen(executed);
}

// The number the code ends in (UnitCode(3) → 1003, kDepartment → 1), to
// give every unit's project amounts of its own.
int64_t Serial(const std::string& uscc) {
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
v1::EvaluationPackage Package(const std::string& uscc, const std::string& name,
                              int32_t year,
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

v1::OrgNode Node(const std::string& code, const std::string& name,
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

TEST_F(AuditRulesTest, CleanDistrictHasNoFindings) {
  MakeDistrict(10, /*department_files=*/true);
  EXPECT_THAT(Run(), IsEmpty());
}

// --- U-01 ------------------------------------------------------------------

TEST_F(AuditRulesTest, U01FiresForACodeFiledUnderAnotherName) {
  MakeDistrict(3);
  // Unit 2 files under unit 1's code, with its own figures and history.
  v1::EvaluationPackage wrong = Package(UnitCode(1), UnitName(2), kYear);
  wrong.mutable_report()->mutable_income()->set_change_from_prior_year_fen(
      Wan(999));  // would be Y-02 if cross-year rules ran on it
  *Current(1) = wrong;
  const std::vector<v1::Finding> findings = Run();
  ASSERT_THAT(Keys(findings),
              ElementsAre(Key("U-01", UnitCode(1), "unit.name")));
  EXPECT_EQ(findings[0].severity(), v1::SEVERITY_ERROR);
  EXPECT_EQ(findings[0].value_found(), UnitName(2));
  EXPECT_EQ(findings[0].value_expected(), UnitName(1));
  EXPECT_THAT(findings[0].message(), HasSubstr(UnitCode(1)));
}

TEST_F(AuditRulesTest, U01FiresForAnotherDivision) {
  MakeDistrict(2);
  Current(0)->mutable_unit()->set_division_code("430603");
  EXPECT_THAT(Keys(Run()),
              ElementsAre(Key("U-01", UnitCode(0), "unit.division_code")));
  // A tree that files the unit under its city is no contradiction.
  input_.nodes[2].set_division_code("430600");
  EXPECT_THAT(Run(), IsEmpty());
}

TEST_F(AuditRulesTest, U01DisabledStillKeepsTheDoubtfulPackageOutOfOtherRules) {
  MakeDistrict(3);
  *Current(1) = Package(UnitCode(1), UnitName(2), kYear);
  Current(1)
      ->mutable_report()
      ->mutable_income()
      ->set_change_from_prior_year_fen(Wan(999));
  config_ = *ConsistencyConfig::FromText(
      R"pb(overrides { rule_id: "U-01" enabled: false })pb");
  EXPECT_THAT(Run(), IsEmpty());
}

TEST_F(AuditRulesTest, U01FiresForTwoPackagesOfOneCodeOutsideTheTree) {
  MakeDistrict(0);
  input_.current.push_back(
      {Package("12430602MBNOTREE01", "甲单位", kYear), {}});
  input_.current.push_back(
      {Package("12430602MBNOTREE01", "乙单位", kYear), {}});
  const std::vector<v1::Finding> findings = Run();
  ASSERT_THAT(Keys(findings),
              ElementsAre(Key("U-01", "12430602MBNOTREE01", "unit.name")));
  // The first by name (in UTF-8 order, 乙 before 甲) is taken as the code's.
  EXPECT_EQ(findings[0].unit_name(), "甲单位");
}

TEST_F(AuditRulesTest, U01QuietForSpacingAndFullWidthBrackets) {
  MakeDistrict(2);
  input_.nodes.back().set_name("岳阳楼区第1中学(2)");
  Current(1)->mutable_unit()->set_name("岳阳楼区 第1中学（2）");
  Prior(1)->mutable_unit()->set_name("岳阳楼区 第1中学（2）");
  EXPECT_THAT(Run(), IsEmpty());
}

TEST_F(AuditRulesTest, U01QuietForARegionQualifierButNotForAnotherUnit) {
  MakeDistrict(2);
  Current(1)->mutable_unit()->set_name("湖南省岳阳市" + UnitName(1));
  EXPECT_THAT(Run(), IsEmpty());
  // 第1中学附属小学 is another unit, and so is 城东第1中学 (not a region).
  for (const std::string name :
       {UnitName(1) + "附属小学", "城东" + UnitName(1).substr(12)}) {
    Current(1)->mutable_unit()->set_name(name);
    EXPECT_THAT(Keys(Run()), ElementsAre(Key("U-01", UnitCode(1), "unit.name")))
        << name;
  }
}

TEST_F(AuditRulesTest, U01QuietForACodeTheTreeDoesNotHave) {
  MakeDistrict(2);
  input_.current.push_back(
      {Package("12430602MBNOTREE01", "新单位", kYear), {}});
  EXPECT_THAT(Run(), IsEmpty());
}

// --- U-06 ------------------------------------------------------------------

TEST_F(AuditRulesTest, U06FiresForOneNameUnderTwoCodes) {
  MakeDistrict(3);
  // Unit 1 files again under a code the tree does not know: its package
  // duplicates the first in every project and section, which U-02 and U-04
  // must not repeat.
  AuditPackage twin = input_.current[1];
  twin.package.mutable_unit()->set_uscc("12430602MBNEWCODE1");
  input_.current.push_back(twin);
  const std::vector<v1::Finding> findings = Run();
  ASSERT_THAT(Keys(findings),
              ElementsAre(Key("U-06", "12430602MBNEWCODE1", "unit.uscc")));
  EXPECT_EQ(findings[0].value_expected(), UnitCode(1));
  EXPECT_THAT(findings[0].message(), HasSubstr("组织树中的代码"));
}

TEST_F(AuditRulesTest, U06QuietForDifferentNames) {
  MakeDistrict(2);
  input_.current.push_back(
      {Package("12430602MBNEWCODE1", UnitName(1) + "（2）", kYear), {}});
  EXPECT_THAT(Run(), IsEmpty());
}

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

// --- U-03, U-07, U-08 --------------------------------------------------------

TEST(RobustOutliersTest, MedianAndMadInIntegers) {
  int64_t median2 = 0;
  int64_t mad4 = 0;
  // Median 14, deviations {0,1,1,2,2,3,3,4,86}: MAD 2, limit 3.5 × 1.4826 ×
  // 2 = 10.38.
  EXPECT_THAT(RobustOutliers({10, 11, 12, 13, 14, 15, 16, 17, 100}, 35000, 8,
                             &median2, &mad4),
              ElementsAre(false, false, false, false, false, false, false,
                          false, true));
  EXPECT_EQ(median2, 28);
  EXPECT_EQ(mad4, 8);
  // An even count: median 2.5, MAD 1, both exact.
  RobustOutliers({4, 1, 3, 2}, 35000, 1, &median2, &mad4);
  EXPECT_EQ(median2, 5);
  EXPECT_EQ(mad4, 4);
}

TEST(RobustOutliersTest, QuietForSmallGroupsAndZeroMad) {
  EXPECT_THAT(RobustOutliers({10, 11, 12, 13, 14, 15, 100}, 35000, 8),
              ElementsAre(false, false, false, false, false, false, false));
  EXPECT_THAT(RobustOutliers({10, 10, 10, 10, 10, 11, 12, 13, 1000}, 35000, 8),
              ElementsAre(false, false, false, false, false, false, false,
                          false, false));
}

TEST(RobustOutliersTest, TheLimitItselfIsNotAnOutlier) {
  // Median 0 and MAD 10000: the limit is 3.5 × 1.4826 × 10000 = 51891.
  std::vector<int64_t> values = {-30000, -20000, -10000, -10000, 0,
                                 10000,  10000,  20000,  51891};
  EXPECT_FALSE(RobustOutliers(values, 35000, 8).back());
  values.back() = 51892;
  EXPECT_TRUE(RobustOutliers(values, 35000, 8).back());
}

// Public funds per head of unit i: 0.50 + 0.02 × i 万元, 10 staff.
void SpreadPublicFunds(AuditInput* input) {
  for (size_t i = 0; i < input->current.size(); ++i) {
    input->current[i]
        .package.mutable_basic_data()
        ->mutable_public_funds()
        ->mutable_total()
        ->set_final_fen(Wan(500 + 20 * static_cast<int64_t>(i)));
  }
}

TEST_F(AuditRulesTest, U03FiresForPublicFundsPerHeadFarAbovePeers) {
  MakeDistrict(10);
  SpreadPublicFunds(&input_);
  Current(7)
      ->mutable_basic_data()
      ->mutable_public_funds()
      ->mutable_total()
      ->set_final_fen(
          Wan(6000));  // 6.00万元 a head against a median of about 0.59
  const std::vector<v1::Finding> findings = Run();
  ASSERT_THAT(Keys(findings),
              ElementsAre(Key("U-03", UnitCode(7),
                              "basic_data.public_funds.total.final_fen")));
  EXPECT_EQ(findings[0].value_found(), "6.00万元/人");
  EXPECT_THAT(findings[0].message(),
              HasSubstr("公用经费 60.00万元 ÷ 实际在职人数 10人"));
  EXPECT_THAT(findings[0].message(), HasSubstr(kDepartmentName));
}

TEST_F(AuditRulesTest, U03QuietBelowPeersInSmallGroupsAndWhenNotMaterial) {
  MakeDistrict(10);
  SpreadPublicFunds(&input_);
  // Far below its peers: spending less per head is no finding.
  Current(7)
      ->mutable_basic_data()
      ->mutable_public_funds()
      ->mutable_total()
      ->set_final_fen(Wan(10));
  EXPECT_THAT(Run(), IsEmpty());
  // 1.10万元 a head: 8 MADs above the median, but not twice the median.
  Current(7)
      ->mutable_basic_data()
      ->mutable_public_funds()
      ->mutable_total()
      ->set_final_fen(Wan(1100));
  EXPECT_THAT(Run(), IsEmpty());
  // Far above, in a group of 7.
  MakeDistrict(7);
  SpreadPublicFunds(&input_);
  Current(3)
      ->mutable_basic_data()
      ->mutable_public_funds()
      ->mutable_total()
      ->set_final_fen(Wan(6000));
  EXPECT_THAT(Run(), IsEmpty());
  AuditOptions options;
  options.min_peer_group = 7;
  EXPECT_THAT(Keys(Run(options)),
              ElementsAre(Key("U-03", UnitCode(3),
                              "basic_data.public_funds.total.final_fen")));
}

TEST_F(AuditRulesTest, U03DepartmentsAreNotTheirUnitsPeers) {
  MakeDistrict(10, /*department_files=*/true);
  SpreadPublicFunds(&input_);
  // The department's own 6.00万元 a head is judged among departments (one
  // here: too few), not among its units.
  Current(0)
      ->mutable_basic_data()
      ->mutable_public_funds()
      ->mutable_total()
      ->set_final_fen(Wan(6000));
  EXPECT_THAT(Run(), IsEmpty());
}

TEST_F(AuditRulesTest, U07FiresForAnExecutionRateFarFromPeers) {
  MakeDistrict(10);
  for (size_t i = 0; i < input_.current.size(); ++i) {
    Current(i)
        ->mutable_overall()
        ->mutable_funds()
        ->mutable_amounts()
        ->set_executed_fen(
            Wan(9500 + 50 * static_cast<int64_t>(i)));  // 95.0% to 99.5%
  }
  Current(4)
      ->mutable_overall()
      ->mutable_funds()
      ->mutable_amounts()
      ->set_executed_fen(Wan(6000));  // 60%
  const std::vector<v1::Finding> findings = Run();
  ASSERT_THAT(Keys(findings), ElementsAre(Key("U-07", UnitCode(4),
                                              "overall.funds.execution_rate")));
  EXPECT_EQ(findings[0].value_found(), "60.00%");
  EXPECT_THAT(findings[0].message(), HasSubstr("低于"));
  // 92%: 5 percentage points below the median: nothing to look at.
  Current(4)
      ->mutable_overall()
      ->mutable_funds()
      ->mutable_amounts()
      ->set_executed_fen(Wan(9200));
  EXPECT_THAT(Run(), IsEmpty());
}

TEST_F(AuditRulesTest, U07QuietWhenMostPeersShareOneRate) {
  MakeDistrict(10);  // every unit 95.00%: MAD 0
  Current(4)
      ->mutable_overall()
      ->mutable_funds()
      ->mutable_amounts()
      ->set_executed_fen(Wan(5000));
  EXPECT_THAT(Run(), IsEmpty());
}

TEST_F(AuditRulesTest, U08FiresForASelfScoreFarMoreGenerousThanPeers) {
  MakeDistrict(10);
  for (size_t i = 0; i < input_.current.size(); ++i) {
    v1::ScoreCardSummary score;
    score.set_graded_centipoints(8500);
    score.set_self_graded_centipoints(8500 + 50 * static_cast<int32_t>(i));
    input_.current[i].score = score;
  }
  input_.current[6].score->set_self_graded_centipoints(8500 + 1500);
  input_.current[9].score.reset();  // not scored yet: left out
  const std::vector<v1::Finding> findings = Run();
  ASSERT_THAT(Keys(findings),
              ElementsAre(Key("U-08", UnitCode(6),
                              "overall.totals.self_score_centipoints")));
  EXPECT_EQ(findings[0].value_found(), "15分");
  // More modest than its peers: no finding.
  input_.current[6].score->set_self_graded_centipoints(8500 - 1500);
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

// --- Config ------------------------------------------------------------------

TEST_F(AuditRulesTest, ConfigDisablesRulesAndSetsSeverityPerRegion) {
  MakeDistrict(2);
  Current(0)
      ->mutable_report()
      ->mutable_income()
      ->set_change_from_prior_year_fen(Wan(300));
  Current(1)
      ->mutable_report()
      ->mutable_income()
      ->set_change_from_prior_year_fen(Wan(300));
  Current(1)->mutable_unit()->set_division_code("430603");
  input_.nodes.back().set_division_code("430603");
  absl::StatusOr<ConsistencyConfig> config = ConsistencyConfig::FromText(R"pb(
    regions {
      division_prefix: "430602"
      overrides { rule_id: "Y-02" severity: SEVERITY_WARNING }
    }
    regions {
      division_prefix: "430603"
      overrides { rule_id: "Y-02" enabled: false }
    }
  )pb");
  ASSERT_TRUE(config.ok()) << config.status();
  config_ = *config;
  const std::vector<v1::Finding> findings = Run();
  ASSERT_THAT(Keys(findings),
              ElementsAre(Key("Y-02", UnitCode(0),
                              "report.income.change_from_prior_year_fen")));
  EXPECT_EQ(findings[0].severity(), v1::SEVERITY_WARNING);
  EXPECT_EQ(findings[0].division_code(), "430602");
}

TEST_F(AuditRulesTest, ConfigSetsTheOutlierFactor) {
  MakeDistrict(10);
  SpreadPublicFunds(&input_);
  Current(7)
      ->mutable_basic_data()
      ->mutable_public_funds()
      ->mutable_total()
      ->set_final_fen(
          Wan(1400));  // 1.40万元 a head: 2.4 × the median, 13 MADs above it
  EXPECT_THAT(Keys(Run()),
              ElementsAre(Key("U-03", UnitCode(7),
                              "basic_data.public_funds.total.final_fen")));
  absl::StatusOr<ConsistencyConfig> config = ConsistencyConfig::FromText(
      R"pb(overrides { rule_id: "U-03" tolerance_bp: 150000 })pb");
  ASSERT_TRUE(config.ok()) << config.status();
  config_ = *config;  // k = 15
  EXPECT_THAT(Run(), IsEmpty());
}

TEST_F(AuditRulesTest, FindingsComeInCatalogueOrder) {
  MakeDistrict(3);
  Current(2)
      ->mutable_report()
      ->mutable_income()
      ->set_change_from_prior_year_fen(Wan(300));
  Current(1)->mutable_unit()->set_division_code("430603");
  Current(0)
      ->mutable_basic_data()
      ->mutable_public_funds()
      ->mutable_office()
      ->set_prior_year_final_fen(Wan(150));
  EXPECT_THAT(
      Keys(Run()),
      ElementsAre(Key("U-01", UnitCode(1), "unit.division_code"),
                  Key("Y-01", UnitCode(0),
                      "basic_data.public_funds.office.prior_year_final_fen"),
                  Key("Y-02", UnitCode(2),
                      "report.income.change_from_prior_year_fen")));
}

TEST(AuditCatalogueTest, EveryAuditRuleIsCatalogued) {
  const RuleCatalogue& catalogue = RuleCatalogue::Default();
  for (const char* id :
       {"U-01", "U-02", "U-03", "U-04", "U-05", "U-06", "U-07", "U-08"}) {
    const v1::RuleDescriptor* rule = catalogue.Find(id);
    ASSERT_NE(rule, nullptr) << id;
    EXPECT_EQ(rule->scope(), v1::RULE_SCOPE_CROSS_UNIT) << id;
  }
  for (const char* id : {"Y-01", "Y-02", "Y-03", "Y-04"}) {
    const v1::RuleDescriptor* rule = catalogue.Find(id);
    ASSERT_NE(rule, nullptr) << id;
    EXPECT_EQ(rule->scope(), v1::RULE_SCOPE_CROSS_YEAR) << id;
  }
  EXPECT_EQ(catalogue.Find("U-03")->tolerance_bp(), 35000);
  EXPECT_EQ(catalogue.Find("Y-04")->tolerance_bp(), 13000);
}

TEST(NormalizeUnitNameTest, RemovesSpacesAndFoldsBrackets) {
  EXPECT_EQ(NormalizeUnitName(" 岳阳楼区\u3000第一中学（2）\n"),
            "岳阳楼区第一中学(2)");
  EXPECT_EQ(NormalizeUnitName("ABC"), "ABC");
}

}  // namespace
}  // namespace budgetperf
