// The cases of the weight rules (W).

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/consistency/rules_test_cases.h"

namespace budgetperf {
namespace rules_test {

std::vector<FireCase> WeightFireCases() {
  return {
      // Weights.
      {"W_01_Level1Declared",
       "W-01",
       [](auto* p) {
         p->mutable_overall()
             ->mutable_indicators(0)
             ->set_declared_weight_centipoints(5500);
       },
       {"W-01"},
       "overall.indicators[0].declared_weight_centipoints",
       "55分",
       "50分",
       "5分",
       "附件2 产出指标 分值 55分 ≠ 三级指标分值之和 50分"},
      {"W_01_Level3Weight",
       "W-01",
       [](auto* p) {
         Households(p)->set_weight_centipoints(2000);
         Households(p)->set_deviation_analysis("按新标准调整");
       },
       {"W-01"},
       "overall.indicators[0].declared_weight_centipoints",
       "50分",
       "55分",
       "-5分"},
      {"W_02_DeclaredWeight",
       "W-02",
       [](auto* p) {
         p->mutable_overall()->mutable_totals()->set_weight_centipoints(10000);
       },
       {"W-02"},
       "overall.totals.weight_centipoints",
       "100分",
       "110分",
       "-10分",
       "(执行率 10分 + 指标 100分)"},
      {"W_03_DeclaredSelfScore",
       "W-03",
       [](auto* p) {
         p->mutable_overall()->mutable_totals()->set_self_score_centipoints(
             10000);
       },
       {"W-03"},
       "overall.totals.self_score_centipoints",
       "100分",
       "105.52分",
       "-5.52分"},
      {"W_04_FundsRowHoldsTotal",
       "W-04",
       [](auto* p) {
         auto* project = p->mutable_projects(0);
         project->mutable_funds()->set_weight_centipoints(10000);
         project->mutable_funds()->set_self_score_centipoints(9800);
         project->mutable_totals()->set_weight_centipoints(10000);
         project->mutable_totals()->set_self_score_centipoints(9800);
       },
       {"W-04"},
       "projects[0].funds.weight_centipoints",
       "100分",
       "执行率分值 (通常10分)",
       ""},
      {"W_05_ScoreAboveWeight",
       "W-05",
       [](auto* p) {
         Households(p)->set_self_score_centipoints(1600);
         ShiftAtt2SelfTotal(p, 100);
       },
       {"W-05"},
       "overall.indicators[0].level2[0].indicators[0].self_score_c"
       "entipoints",
       "16分",
       "≤ 15分",
       "1分"},
      {"W_05_NegativeScore",
       "W-05",
       [](auto* p) {
         auto* economic = Att2(p, 1, 0);
         economic->set_self_score_centipoints(-100);
         economic->set_deviation_analysis("误填");
         ShiftAtt2SelfTotal(p, -1100);
       },
       {"W-05"},
       "overall.indicators[1].level2[0].indicators[0].self_score_c"
       "entipoints",
       "-1分",
       "≥ 0分",
       "-1分"},
      {"W_06_WeightWithoutScore",
       "W-06",
       [](auto* p) {
         Satisfaction(p)->clear_self_score_centipoints();
         ShiftAtt2SelfTotal(p, -800);
       },
       {"W-06"},
       "overall.indicators[2].level2[0].indicators[0].self_score_c"
       "entipoints",
       "(未填)",
       "自评得分",
       ""},
      {"W_06_ScoreWithoutWeight",
       "W-06",
       [](auto* p) { Satisfaction(p)->clear_weight_centipoints(); },
       {"W-06"},
       "overall.indicators[2].level2[0].indicators[0].weight_centi"
       "points",
       "(未填)",
       "分值",
       ""},
  };
}

std::vector<QuietCase> WeightQuietCases() {
  return {
      {"W_01_NoLevel3Weights", "W-01",
       [](auto* p) {
         // Satisfaction has no weighted line left: nothing to add up, and
         // W-02 takes the declared (10 分) for it.
         Satisfaction(p)->clear_weight_centipoints();
         Satisfaction(p)->clear_self_score_centipoints();
         ShiftAtt2SelfTotal(p, -800);
       }},
      {"W_02_BlankDeclared", "W-02",
       [](auto* p) {
         p->mutable_overall()->mutable_totals()->clear_weight_centipoints();
       }},
      {"W_03_BlankDeclared", "W-03",
       [](auto* p) {
         p->mutable_overall()->mutable_totals()->clear_self_score_centipoints();
       }},
      {"W_04_ExecutionWeight", "W-04",
       [](auto* p) {
         p->mutable_projects(0)->mutable_funds()->set_weight_centipoints(1000);
       }},
      {"W_05_FullScore", "W-05",
       [](auto* p) {
         Satisfaction(p)->set_self_score_centipoints(1000);
         ShiftAtt2SelfTotal(p, 200);
       }},
      {"W_06_NotApplicableRow", "W-06",
       [](auto* p) {
         // Attachment 3's "/" rows: neither weight nor score.
         ASSERT_EQ(Att3(p, 1, 2)->name(), "/");
       }},
  };
}

}  // namespace rules_test
}  // namespace budgetperf
