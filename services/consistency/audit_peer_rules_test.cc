// The peer rules (U-03, U-07, U-08), one by one, on small hand-made
// districts: a case where each fires and near misses where it must not.

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

// --- U-03, U-07, U-08 --------------------------------------------------------

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

}  // namespace
}  // namespace audit_test
}  // namespace budgetperf
