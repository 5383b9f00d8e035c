// The audit rules as a whole, on small hand-made districts: a clean district
// has no findings, the config decides each rule's enabling, severity and
// tolerance, the findings come in catalogue order. Each rule is tested on its
// own in the test file of its family (audit_identity_rules_test.cc, ...).

#include "services/consistency/audit_rules.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/consistency/audit_rules_test_fixture.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace audit_test {
namespace {

TEST_F(AuditRulesTest, CleanDistrictHasNoFindings) {
  MakeDistrict(10, /*department_files=*/true);
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
  ASSERT_THAT(config, IsOk());
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
  ASSERT_THAT(config, IsOk());
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
}  // namespace audit_test
}  // namespace budgetperf
