// The identity rules (U-01, U-06), one by one, on small hand-made districts:
// a case where each fires (with every finding the mistake makes, so that
// "one mistake, one finding" is pinned too) and near misses where it must
// not.

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
  for (const std::string& name :
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

}  // namespace
}  // namespace audit_test
}  // namespace budgetperf
