// The cases of the indicator rules (I).

#include <string>
#include <vector>

#include "services/consistency/rules_test_cases.h"

namespace budgetperf {
namespace rules_test {

std::vector<FireCase> IndicatorFireCases() {
  return {
      // Indicators.
      {"I_01_Unreadable",
       "I-01",
       [](auto* p) { Households(p)->mutable_target()->set_text("≥≤2600户"); },
       {"I-01"},
       "overall.indicators[0].level2[0].indicators[0].target",
       "≥≤2600户",
       "",
       ""},
      {"I_01_BlankOnWeightedLine",
       "I-01",
       [](auto* p) { Households(p)->mutable_actual()->set_text(""); },
       {"I-01"},
       "overall.indicators[0].level2[0].indicators[0].actual",
       "(未填)",
       "",
       "",
       "未填"},
      {"I_02_Units",
       "I-02",
       [](auto* p) { Households(p)->mutable_actual()->set_text("3079人"); },
       {"I-02"},
       "overall.indicators[0].level2[0].indicators[0].actual",
       "3079人",
       "单位「户」",
       ""},
      {"I_02_QuantityAgainstPeriod",
       "I-02",
       [](auto* p) { Households(p)->mutable_actual()->set_text("2023年度"); },
       {"I-02"},
       "overall.indicators[0].level2[0].indicators[0].actual",
       "2023年度",
       "数量",
       ""},
      {"I_03_NameIsValue",
       "I-03",
       [](auto* p) { Att2(p, 0, 2)->set_name("2023年度"); },
       {"I-03"},
       "overall.indicators[0].level2[2].indicators[0].name",
       "2023年度",
       "指标名称",
       ""},
      {"I_04_CostOverrunFullScore",
       "I-04",
       [](auto* p) {
         Cost(p)->set_self_score_centipoints(1500);
         ShiftAtt2SelfTotal(p, 248);
       },
       {"I-04"},
       "overall.indicators[0].level2[3].indicators[0].self_score_c"
       "entipoints",
       "916.60万元",
       "≤ 765万元",
       "151.60万元",
       "仍自评满分 15分"},
      // ≤ in the target makes any indicator lower-is-better.
      {"I_04_ComparatorLowerIsBetter",
       "I-04",
       [](auto* p) { Att2(p, 1, 2)->mutable_target()->set_text("≤765万元"); },
       {"I-04"},
       "overall.indicators[1].level2[2].indicators[0].self_score_c"
       "entipoints",
       "916.60万元",
       "≤ 765万元",
       "151.60万元"},
      {"I_05_MetButDeducted",
       "I-05",
       [](auto* p) { Satisfaction(p)->clear_deviation_analysis(); },
       {"I-05"},
       "overall.indicators[2].level2[0].indicators[0].deviation_an"
       "alysis",
       "8分",
       "10分",
       "-2分"},
      {"I_06_MissedWithoutAnalysis",
       "I-06",
       [](auto* p) {
         Households(p)->mutable_actual()->set_text("2500户");
         Households(p)->set_self_score_centipoints(1442);
         ShiftAtt2SelfTotal(p, -58);
       },
       {"I-06"},
       "overall.indicators[0].level2[0].indicators[0].deviation_an"
       "alysis",
       "2500户",
       "2600户",
       "-100户"},
      {"I_07_OverAchievement",
       "I-07",
       [](auto* p) { Households(p)->mutable_actual()->set_text("3380户"); },
       {"I-07"},
       "overall.indicators[0].level2[0].indicators[0].deviation_an"
       "alysis",
       "3380户",
       "",
       "130.00%",
       "年度指标是否定得过低"},
      {"I_08_MissedFullScore",
       "I-08",
       [](auto* p) { Households(p)->mutable_actual()->set_text("2500户"); },
       {"I-08"},
       "overall.indicators[0].level2[0].indicators[0].self_score_c"
       "entipoints",
       "2500户",
       "≥ 2600户",
       "-100户"},
  };
}

std::vector<QuietCase> IndicatorQuietCases() {
  return {
      {"I_01_NotApplicableUnweighted", "I-01",
       [](auto* p) { Att3(p, 1, 3)->mutable_target()->set_text(""); }},
      {"I_02_SameUnits", "I-02",
       [](auto* p) { Households(p)->mutable_actual()->set_text("3,079户"); }},
      {"I_03_NameWithNumberInside", "I-03",
       [](auto* p) { Households(p)->set_name("发放2600户补贴"); }},
      {"I_04_CostWithinTarget", "I-04",
       [](auto* p) {
         Cost(p)->mutable_actual()->set_text("700万元");
         Cost(p)->set_self_score_centipoints(1500);
         ShiftAtt2SelfTotal(p, 248);
       }},
      {"I_05_Explained", "I-05",
       [](auto* p) {
         Satisfaction(p)->set_deviation_analysis("服务态度有待改进");
       }},
      {"I_06_MissedExplained", "I-06",
       [](auto* p) {
         Households(p)->mutable_actual()->set_text("2500户");
         Households(p)->set_self_score_centipoints(1442);
         Households(p)->set_deviation_analysis("部分申请人资格复核未通过");
         ShiftAtt2SelfTotal(p, -58);
       }},
      {"I_07_JustBelowThreshold", "I-07",
       [](auto* p) { Households(p)->mutable_actual()->set_text("3379户"); }},
      {"I_08_QualitativeDirection", "I-08",
       [](auto* p) {
         Households(p)->mutable_actual()->set_text("2500户");
         Households(p)->set_direction(v1::QUALITATIVE);
       }},
  };
}

}  // namespace rules_test
}  // namespace budgetperf
