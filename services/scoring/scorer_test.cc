#include "services/scoring/scorer.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/scoring/profile_registry.h"
#include "services/scoring/scorecard_text.h"
#include "tests/testing/seed.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

// One level-3 indicator as a test writes it.
struct Indicator {
  std::string target;
  std::string actual;
  std::optional<int32_t> weight = std::nullopt;
  std::optional<int32_t> self = std::nullopt;
  v1::Level2Category level2 = v1::LEVEL2_QUANTITY;
  v1::IndicatorDirection direction = v1::INDICATOR_DIRECTION_UNSPECIFIED;
  v1::Achievement stated = v1::ACHIEVEMENT_UNSPECIFIED;
};

v1::EvaluationPackage PackageWith(const Indicator& in) {
  v1::EvaluationPackage package;
  package.set_year(2023);
  v1::Level1Indicator* level1 = package.mutable_overall()->add_indicators();
  level1->set_category(v1::LEVEL1_OUTPUT);
  level1->set_name("产出指标");
  v1::Level2Indicator* level2 = level1->add_level2();
  level2->set_category(in.level2);
  v1::Level3Indicator* level3 = level2->add_indicators();
  level3->set_name("测试指标");
  level3->mutable_target()->set_text(in.target);
  level3->mutable_actual()->set_text(in.actual);
  if (in.weight) level3->set_weight_centipoints(*in.weight);
  if (in.self) level3->set_self_score_centipoints(*in.self);
  level3->set_direction(in.direction);
  level3->set_stated_achievement(in.stated);
  return package;
}

// Scores a package holding just `in` (no funds weight: no execution line).
v1::ScoreLine ScoreOne(const Indicator& in,
                       const v1::ScoringProfile& profile = NationalProfile2020()) {
  absl::StatusOr<v1::ScoreCard> card = ScorePackage(PackageWith(in), profile);
  EXPECT_THAT(card, IsOk());
  if (!card.ok() || card->overall().lines_size() != 1) {
    ADD_FAILURE() << "expected one line";
    return v1::ScoreLine();
  }
  return card->overall().lines(0);
}

v1::ScoringProfile LinearProfile() {
  v1::ScoringProfile profile = NationalProfile2020();
  profile.set_name("linear");
  profile.set_lower_is_better(v1::LOWER_IS_BETTER_LINEAR);
  return profile;
}

// ---------------------------------------------------------------------------
// Execution rate
// ---------------------------------------------------------------------------

v1::ScoreLine ScoreExecution(std::optional<int64_t> budget,
                             std::optional<int64_t> executed, int32_t weight,
                             std::optional<int32_t> self = std::nullopt) {
  v1::EvaluationPackage package;
  v1::FundsTotal* funds = package.mutable_overall()->mutable_funds();
  if (budget) funds->mutable_amounts()->set_full_year_budget_fen(*budget);
  if (executed) funds->mutable_amounts()->set_executed_fen(*executed);
  funds->set_weight_centipoints(weight);
  if (self) funds->set_self_score_centipoints(*self);
  absl::StatusOr<v1::ScoreCard> card =
      ScorePackage(package, NationalProfile2020());
  EXPECT_THAT(card, IsOk());
  if (!card.ok() || card->overall().lines_size() != 1) return v1::ScoreLine();
  return card->overall().lines(0);
}

TEST(ExecutionRateTest, SeedFiguresRoundUpToTheWeight) {
  // 385.27 ÷ 385.37 = 99.974…%; × 10 = 9.9974 → 10.00.
  const v1::ScoreLine line = ScoreExecution(385'370'000, 385'270'000, 1000, 1000);
  EXPECT_EQ(line.rule(), v1::RULE_EXECUTION_RATE);
  EXPECT_EQ(line.name(), "执行率");
  EXPECT_EQ(line.computed_centipoints(), 1000);
  EXPECT_EQ(line.gap_centipoints(), 0);
  EXPECT_EQ(line.explanation(),
            "execution rate: 385.27 ÷ 385.37 = 99.97% × 10 = 10.00");
  EXPECT_THAT(line.review_flags(), IsEmpty());
}

TEST(ExecutionRateTest, ProportionalAndRoundedHalfUp) {
  EXPECT_EQ(ScoreExecution(100'000'000, 50'000'000, 1000).computed_centipoints(), 500);
  // 1/3 × 10 = 3.333 → 3.33; 2/3 × 10 = 6.667 → 6.67.
  EXPECT_EQ(ScoreExecution(3'000'000, 1'000'000, 1000).computed_centipoints(), 333);
  EXPECT_EQ(ScoreExecution(3'000'000, 2'000'000, 1000).computed_centipoints(), 667);
  // 0.5 centipoint rounds up: 1/8 × 0.1 = 0.0125 → 0.01 (1.25 centipoints → 1);
  // 3/8 × 0.1 = 0.0375 → 0.04 (3.75 → 4).
  EXPECT_EQ(ScoreExecution(8, 1, 10).computed_centipoints(), 1);
  EXPECT_EQ(ScoreExecution(8, 3, 10).computed_centipoints(), 4);
  // Exactly 0.5 centipoint: 1/4 × 0.02 = 0.005 → 0.01.
  EXPECT_EQ(ScoreExecution(4, 1, 2).computed_centipoints(), 1);
  EXPECT_EQ(ScoreExecution(100, 0, 1000).computed_centipoints(), 0);
}

TEST(ExecutionRateTest, NeverAboveTheWeight) {
  const v1::ScoreLine line = ScoreExecution(100'000'000, 110'000'000, 1000, 1000);
  EXPECT_EQ(line.computed_centipoints(), 1000);
  EXPECT_EQ(line.explanation(),
            "execution rate: 110.00 ÷ 100.00 = 110.00% × 10 = 11.00, capped at "
            "the weight → 10.00");
  EXPECT_THAT(line.review_flags(),
              ElementsAre("executed 110.00 exceeds the full-year budget 100.00"));
  EXPECT_EQ(ScoreExecution(100, 100, 1000).computed_centipoints(), 1000);
}

TEST(ExecutionRateTest, MissingOrZeroBudgetKeepsTheSelfScore) {
  v1::ScoreLine line = ScoreExecution(0, 0, 1000, 900);
  EXPECT_EQ(line.rule(), v1::RULE_NOT_RESCORABLE);
  EXPECT_EQ(line.computed_centipoints(), 900);
  EXPECT_THAT(line.not_rescorable_reason(), HasSubstr("full-year budget is 0.00"));
  line = ScoreExecution(std::nullopt, 5, 1000, 700);
  EXPECT_EQ(line.rule(), v1::RULE_NOT_RESCORABLE);
  EXPECT_EQ(line.computed_centipoints(), 700);
  line = ScoreExecution(5, std::nullopt, 1000);
  EXPECT_EQ(line.rule(), v1::RULE_NOT_RESCORABLE);
  EXPECT_EQ(line.computed_centipoints(), 0);
  EXPECT_THAT(line.explanation(), HasSubstr("no self-score to keep"));
}

// ---------------------------------------------------------------------------
// Higher is better
// ---------------------------------------------------------------------------

TEST(HigherIsBetterTest, ExactlyMetIsFull) {
  const v1::ScoreLine line = ScoreOne({"2600户", "2600户", 1500, 1500});
  EXPECT_EQ(line.rule(), v1::RULE_HIGHER_IS_BETTER);
  EXPECT_EQ(line.computed_centipoints(), 1500);
  EXPECT_EQ(line.explanation(), "higher is better: met (2600 ≥ 2600) → full 15");
}

TEST(HigherIsBetterTest, SeedOverTarget) {
  const v1::ScoreLine line = ScoreOne({"2600户", "3079户", 1500, 1500});
  EXPECT_EQ(line.computed_centipoints(), 1500);
  EXPECT_EQ(line.explanation(), "higher is better: met (3079 ≥ 2600) → full 15");
  EXPECT_THAT(line.review_flags(), IsEmpty());  // 118.42% < 130%
}

TEST(HigherIsBetterTest, NotMetIsProportional) {
  const v1::ScoreLine line = ScoreOne({"≥95%", "80%", 1000, 1000});
  EXPECT_EQ(line.rule(), v1::RULE_HIGHER_IS_BETTER);
  EXPECT_EQ(line.computed_centipoints(), 842);
  EXPECT_EQ(line.gap_centipoints(), 158);
  EXPECT_EQ(line.explanation(), "higher is better: 80 ÷ 95 × 10 = 8.42");
  // 94.5 ÷ 95 × 10 = 9.947 → 9.95
  EXPECT_EQ(ScoreOne({"≥95%", "94.5%", 1000}).computed_centipoints(), 995);
}

TEST(HigherIsBetterTest, HundredPercent) {
  EXPECT_EQ(ScoreOne({"100%", "100%", 1000}).computed_centipoints(), 1000);
  EXPECT_EQ(ScoreOne({"100%", "99.99%", 1000}).computed_centipoints(), 1000);  // 9.999
  EXPECT_EQ(ScoreOne({"100%", "99.94%", 1000}).computed_centipoints(), 999);   // 9.994
}

TEST(HigherIsBetterTest, ZeroActualAndZeroTarget) {
  v1::ScoreLine line = ScoreOne({"≥95%", "0%", 1000, 500});
  EXPECT_EQ(line.computed_centipoints(), 0);
  EXPECT_EQ(line.explanation(), "higher is better: 0 ÷ 95 × 10 = 0.00");
  EXPECT_EQ(line.gap_centipoints(), 500);
  line = ScoreOne({"0个", "0个", 1000});
  EXPECT_EQ(line.computed_centipoints(), 1000);
  line = ScoreOne({"≥0个", "3个", 1000});
  EXPECT_EQ(line.computed_centipoints(), 1000);
}

TEST(HigherIsBetterTest, ComparatorBeatsTheCostDefault) {
  const v1::ScoreLine line =
      ScoreOne({"≥100万元", "80万元", 1000, 1000, v1::LEVEL2_COST});
  EXPECT_EQ(line.rule(), v1::RULE_HIGHER_IS_BETTER);
  EXPECT_EQ(line.computed_centipoints(), 800);
}

TEST(HigherIsBetterTest, DecimalsOfDifferentScales) {
  // 916.6 vs 916.60: equal values, whatever their scales.
  EXPECT_EQ(ScoreOne({"916.60万元", "916.6万元", 1000}).computed_centipoints(), 1000);
}

// ---------------------------------------------------------------------------
// Lower is better
// ---------------------------------------------------------------------------

TEST(LowerIsBetterTest, SeedCostLine) {
  const v1::ScoreLine line =
      ScoreOne({"765万元", "916.60万元", 1500, 1500, v1::LEVEL2_COST});
  EXPECT_EQ(line.rule(), v1::RULE_LOWER_IS_BETTER);
  EXPECT_EQ(line.computed_centipoints(), 1252);
  EXPECT_EQ(line.gap_centipoints(), 248);
  EXPECT_EQ(line.explanation(), "lower is better: 765 ÷ 916.60 × 15 = 12.52");
}

TEST(LowerIsBetterTest, ComparatorMakesAnyCategoryLowerIsBetter) {
  const v1::ScoreLine line = ScoreOne({"≤30天", "40天", 1000});
  EXPECT_EQ(line.rule(), v1::RULE_LOWER_IS_BETTER);
  EXPECT_EQ(line.computed_centipoints(), 750);
}

TEST(LowerIsBetterTest, StatedDirectionWins) {
  Indicator in{"100", "125", 1000};
  in.direction = v1::LOWER_IS_BETTER;
  EXPECT_EQ(ScoreOne(in).computed_centipoints(), 800);
  in.direction = v1::HIGHER_IS_BETTER;
  in.level2 = v1::LEVEL2_COST;
  EXPECT_EQ(ScoreOne(in).rule(), v1::RULE_HIGHER_IS_BETTER);
}

TEST(LowerIsBetterTest, ExactlyMetAndUnder) {
  v1::ScoreLine line = ScoreOne({"765万元", "765万元", 1500, 1500, v1::LEVEL2_COST});
  EXPECT_EQ(line.computed_centipoints(), 1500);
  EXPECT_EQ(line.explanation(), "lower is better: met (765 ≤ 765) → full 15");
  line = ScoreOne({"≤765万元", "700万元", 1500});
  EXPECT_EQ(line.computed_centipoints(), 1500);
  // No flag for coming in under a cost target.
  EXPECT_THAT(ScoreOne({"≤765万元", "1万元", 1500}).review_flags(), IsEmpty());
}

TEST(LowerIsBetterTest, ZeroTargetAndZeroActual) {
  EXPECT_EQ(ScoreOne({"≤0起", "0起", 1000}).computed_centipoints(), 1000);
  const v1::ScoreLine line = ScoreOne({"≤0起", "2起", 1000});
  EXPECT_EQ(line.computed_centipoints(), 0);
  EXPECT_EQ(line.explanation(), "lower is better: 0 ÷ 2 × 10 = 0.00");
}

TEST(LowerIsBetterLinearTest, Overrun) {
  // (1 − (916.60 − 765) ÷ 765) × 15 = 12.027 → 12.03
  const v1::ScoreLine line = ScoreOne(
      {"765万元", "916.60万元", 1500, 1500, v1::LEVEL2_COST}, LinearProfile());
  EXPECT_EQ(line.rule(), v1::RULE_LOWER_IS_BETTER_LINEAR);
  EXPECT_EQ(line.computed_centipoints(), 1203);
  EXPECT_EQ(line.explanation(),
            "lower is better (linear): (1 − (916.60 − 765) ÷ 765) × 15 = 12.03");
}

TEST(LowerIsBetterLinearTest, ZeroFromDoubleTheTarget) {
  const v1::ScoringProfile linear = LinearProfile();
  v1::ScoreLine line = ScoreOne({"≤765万元", "1530万元", 1500}, linear);
  EXPECT_EQ(line.computed_centipoints(), 0);
  EXPECT_EQ(line.explanation(), "lower is better (linear): 1530 ≥ 2 × 765 → 0.00");
  EXPECT_EQ(ScoreOne({"≤765万元", "2000万元", 1500}, linear).computed_centipoints(), 0);
  // Just under double: 15 × 1 ÷ 765 = 0.0196 → 0.02.
  EXPECT_EQ(ScoreOne({"≤765万元", "1529万元", 1500}, linear).computed_centipoints(), 2);
  // Met and zero target.
  EXPECT_EQ(ScoreOne({"≤765万元", "765万元", 1500}, linear).computed_centipoints(), 1500);
  line = ScoreOne({"≤0起", "1起", 1000}, linear);
  EXPECT_EQ(line.computed_centipoints(), 0);
  EXPECT_EQ(ScoreOne({"≤0起", "0起", 1000}, linear).computed_centipoints(), 1000);
}

// ---------------------------------------------------------------------------
// Equal
// ---------------------------------------------------------------------------

TEST(EqualTest, MetAndZeroTarget) {
  v1::ScoreLine line = ScoreOne({"=100%", "100%", 1000});
  EXPECT_EQ(line.rule(), v1::RULE_EQUAL);
  EXPECT_EQ(line.computed_centipoints(), 1000);
  EXPECT_EQ(line.explanation(), "equal: met (100 = 100) → full 10");
  EXPECT_EQ(ScoreOne({"=0起", "0起", 1000}).computed_centipoints(), 1000);
  line = ScoreOne({"=0起", "1起", 1000, 1000});
  EXPECT_EQ(line.computed_centipoints(), 0);
  EXPECT_EQ(line.explanation(), "equal: target 0, actual 1 ≠ 0 → 0.00");
}

TEST(EqualTest, OtherwiseAsHigherIsBetter) {
  v1::ScoreLine line = ScoreOne({"=10个", "8个", 1000});
  EXPECT_EQ(line.rule(), v1::RULE_EQUAL);
  EXPECT_EQ(line.computed_centipoints(), 800);
  EXPECT_EQ(line.explanation(), "equal, read as higher is better: 8 ÷ 10 × 10 = 8.00");
  EXPECT_EQ(ScoreOne({"=10个", "12个", 1000}).computed_centipoints(), 1000);
}

// ---------------------------------------------------------------------------
// Qualitative
// ---------------------------------------------------------------------------

v1::ScoreLine Qualitative(v1::Achievement stated, std::optional<int32_t> self,
                          std::string actual = "有效改善") {
  Indicator in{"有效改善", actual, 1000, self};
  in.stated = stated;
  return ScoreOne(in);
}

TEST(QualitativeTest, AchievedBand) {
  v1::ScoreLine line = Qualitative(v1::ACHIEVED, 900);
  EXPECT_EQ(line.rule(), v1::RULE_QUALITATIVE);
  EXPECT_EQ(line.computed_centipoints(), 900);
  EXPECT_EQ(line.gap_centipoints(), 0);
  EXPECT_EQ(Qualitative(v1::ACHIEVED, 800).computed_centipoints(), 800);
  EXPECT_EQ(Qualitative(v1::ACHIEVED, 1000).computed_centipoints(), 1000);
  line = Qualitative(v1::ACHIEVED, 799);
  EXPECT_EQ(line.computed_centipoints(), 800);
  EXPECT_EQ(line.explanation(),
            "qualitative: achieved (达成), stated → band 8.00–10.00; self-score "
            "7.99 below the band → 8.00");
  EXPECT_EQ(Qualitative(v1::ACHIEVED, 1200).computed_centipoints(), 1000);
}

TEST(QualitativeTest, PartiallyAchievedBand) {
  EXPECT_EQ(Qualitative(v1::PARTIALLY_ACHIEVED, 600).computed_centipoints(), 600);
  EXPECT_EQ(Qualitative(v1::PARTIALLY_ACHIEVED, 799).computed_centipoints(), 799);
  const v1::ScoreLine line = Qualitative(v1::PARTIALLY_ACHIEVED, 800);
  EXPECT_EQ(line.computed_centipoints(), 799);  // 80% is not "< 80%"
  EXPECT_EQ(line.gap_centipoints(), 1);
  EXPECT_THAT(line.explanation(), HasSubstr("band 6.00–7.99"));
  EXPECT_EQ(Qualitative(v1::PARTIALLY_ACHIEVED, 599).computed_centipoints(), 600);
}

TEST(QualitativeTest, NotAchievedBand) {
  EXPECT_EQ(Qualitative(v1::NOT_ACHIEVED, 0).computed_centipoints(), 0);
  EXPECT_EQ(Qualitative(v1::NOT_ACHIEVED, 599).computed_centipoints(), 599);
  EXPECT_EQ(Qualitative(v1::NOT_ACHIEVED, 600).computed_centipoints(), 599);
  EXPECT_EQ(Qualitative(v1::NOT_ACHIEVED, -5).computed_centipoints(), 0);
}

TEST(QualitativeTest, AchievementReadFromTheActualText) {
  const v1::ScoreLine line =
      Qualitative(v1::ACHIEVEMENT_UNSPECIFIED, 1000, "基本完成");
  EXPECT_EQ(line.computed_centipoints(), 799);
  EXPECT_THAT(line.explanation(),
              HasSubstr("partially achieved (部分达成), read from actual \"基本完成\""));
}

TEST(QualitativeTest, NoStatedAchievementKeepsTheSelfScore) {
  const v1::ScoreLine line = Qualitative(v1::ACHIEVEMENT_UNSPECIFIED, 700, "良好");
  EXPECT_EQ(line.rule(), v1::RULE_QUALITATIVE);
  EXPECT_EQ(line.computed_centipoints(), 700);
  EXPECT_THAT(line.explanation(), HasSubstr("no achievement stated"));
  EXPECT_THAT(line.explanation(), HasSubstr("self-score 7 kept"));
  EXPECT_EQ(Qualitative(v1::ACHIEVEMENT_UNSPECIFIED, 1500, "良好").computed_centipoints(),
            1000);
}

TEST(QualitativeTest, NoSelfScoreTakesTheBandsLowest) {
  EXPECT_EQ(Qualitative(v1::ACHIEVED, std::nullopt).computed_centipoints(), 800);
  EXPECT_EQ(Qualitative(v1::NOT_ACHIEVED, std::nullopt).computed_centipoints(), 0);
}

TEST(QualitativeTest, StatedDirectionMakesANumberQualitative) {
  Indicator in{"≥95%", "96%", 1000, 500};
  in.direction = v1::QUALITATIVE;
  in.stated = v1::ACHIEVED;
  const v1::ScoreLine line = ScoreOne(in);
  EXPECT_EQ(line.rule(), v1::RULE_QUALITATIVE);
  EXPECT_EQ(line.computed_centipoints(), 800);
}

TEST(QualitativeTest, OddWeightsRoundTheBandsInward) {
  // Weight 0.15: 80% = 0.12, 60% = 0.09.
  Indicator in{"有效改善", "有效改善", 15, 15};
  in.stated = v1::PARTIALLY_ACHIEVED;
  EXPECT_EQ(ScoreOne(in).computed_centipoints(), 11);
  // Weight 0.13: 80% = 0.104 → the band starts at 0.11.
  in = {"有效改善", "有效改善", 13, 10};
  in.stated = v1::ACHIEVED;
  EXPECT_EQ(ScoreOne(in).computed_centipoints(), 11);
}

// ---------------------------------------------------------------------------
// Over-achievement
// ---------------------------------------------------------------------------

TEST(OverAchievementTest, FlaggedFrom130PercentNotDeducted) {
  // 2600 × 130% = 3380 exactly.
  v1::ScoreLine line = ScoreOne({"2600户", "3380户", 1500, 1500});
  EXPECT_EQ(line.computed_centipoints(), 1500);
  ASSERT_EQ(line.review_flags_size(), 1);
  EXPECT_EQ(line.review_flags(0),
            "over-achievement: actual 3380 is 130.00% of target 2600 (review "
            "from 130.00%): was the target set too low?");
  EXPECT_THAT(ScoreOne({"2600户", "3379户", 1500}).review_flags(), IsEmpty());
  EXPECT_THAT(ScoreOne({"=10个", "13个", 1000}).review_flags_size(), 1);
}

TEST(OverAchievementTest, ThresholdIsTheProfiles) {
  v1::ScoringProfile profile = NationalProfile2020();
  profile.set_name("lenient");
  profile.set_over_achievement_review_bp(15000);
  EXPECT_THAT(ScoreOne({"2600户", "3380户", 1500}, profile).review_flags(), IsEmpty());
  EXPECT_EQ(ScoreOne({"2600户", "3900户", 1500}, profile).review_flags_size(), 1);
}

TEST(OverAchievementTest, ZeroTargetIsNotFlagged) {
  EXPECT_THAT(ScoreOne({"≥0个", "5个", 1000}).review_flags(), IsEmpty());
}

// ---------------------------------------------------------------------------
// Not re-scorable, periods, not applicable
// ---------------------------------------------------------------------------

TEST(NotRescorableTest, UnitsDiffer) {
  const v1::ScoreLine line = ScoreOne({"2600户", "95%", 1000, 900});
  EXPECT_EQ(line.rule(), v1::RULE_NOT_RESCORABLE);
  EXPECT_EQ(line.not_rescorable_reason(), "units differ (target 户, actual %)");
  EXPECT_THAT(line.explanation(),
              StartsWith("not re-scorable: units differ (target 户, actual %)"));
  EXPECT_EQ(line.computed_centipoints(), 900);
  EXPECT_EQ(line.gap_centipoints(), 0);
}

TEST(NotRescorableTest, PercentAgainstCount) {
  const v1::ScoreLine line = ScoreOne({"≥95%", "3079户", 1000, 1000});
  EXPECT_EQ(line.rule(), v1::RULE_NOT_RESCORABLE);
  EXPECT_EQ(line.not_rescorable_reason(), "units differ (target %, actual 户)");
}

TEST(NotRescorableTest, MixedUnitsAreNotConverted) {
  EXPECT_EQ(ScoreOne({"765万元", "7650000元", 1000, 1000}).not_rescorable_reason(),
            "units differ (target 万元, actual 元)");
  EXPECT_EQ(ScoreOne({"95", "95%", 1000, 1000}).not_rescorable_reason(),
            "units differ (target none, actual %)");
}

TEST(NotRescorableTest, UnreadableOrEmptyValues) {
  v1::ScoreLine line = ScoreOne({"≥≤95%", "95%", 1000, 800});
  EXPECT_EQ(line.rule(), v1::RULE_NOT_RESCORABLE);
  EXPECT_THAT(line.not_rescorable_reason(),
              HasSubstr("target \"≥≤95%\" cannot be read: two comparators"));
  EXPECT_EQ(line.computed_centipoints(), 800);
  line = ScoreOne({"95%", "", 1000, 800});
  EXPECT_EQ(line.not_rescorable_reason(), "actual is empty");
  line = ScoreOne({"95%", "/", 1000, 800});
  EXPECT_EQ(line.not_rescorable_reason(), "actual is \"/\" on a line with weight 10");
}

TEST(NotRescorableTest, SelfScoreKeptWithinTheWeight) {
  v1::ScoreLine line = ScoreOne({"2600户", "95%", 1000, 1200});
  EXPECT_EQ(line.computed_centipoints(), 1000);
  EXPECT_THAT(line.explanation(), HasSubstr("self-score 12 outside 0–10 → 10.00"));
  EXPECT_EQ(line.gap_centipoints(), 200);
  line = ScoreOne({"2600户", "95%", 1000, std::nullopt});
  EXPECT_EQ(line.computed_centipoints(), 0);
  EXPECT_FALSE(line.has_self_score_centipoints());
}

TEST(NotRescorableTest, PeriodAgainstQuantity) {
  const v1::ScoreLine line = ScoreOne({"2023年度", "100%", 1000, 1000});
  EXPECT_EQ(line.rule(), v1::RULE_NOT_RESCORABLE);
  EXPECT_EQ(line.not_rescorable_reason(),
            "target \"2023年度\" is a period, actual \"100%\" a quantity");
}

TEST(NotRescorableTest, NegativeValuesAndWeights) {
  EXPECT_EQ(ScoreOne({"-5%", "-3%", 1000, 1000}).rule(), v1::RULE_NOT_RESCORABLE);
  const v1::ScoreLine line = ScoreOne({"5%", "5%", -1000, 500});
  EXPECT_EQ(line.rule(), v1::RULE_NOT_RESCORABLE);
  EXPECT_EQ(line.weight_centipoints(), 0);
  EXPECT_EQ(line.computed_centipoints(), 0);
}

TEST(PeriodTest, SamePeriodIsMet) {
  const v1::ScoreLine line = ScoreOne({"2023年度", "2023年度", 1000, 1000});
  EXPECT_EQ(line.rule(), v1::RULE_PERIOD);
  EXPECT_EQ(line.computed_centipoints(), 1000);
  EXPECT_EQ(line.explanation(), "period: met (2023年度 ≤ 2023年度) → full 10");
}

TEST(PeriodTest, EarlierIsMetLaterIsNotRescorable) {
  EXPECT_EQ(ScoreOne({"2023年度", "2022年度", 1000}).computed_centipoints(), 1000);
  EXPECT_EQ(ScoreOne({"12月底前", "2023年度", 1000}).computed_centipoints(), 1000);
  EXPECT_EQ(ScoreOne({"9月前", "8月", 1000}).computed_centipoints(), 1000);
  EXPECT_EQ(ScoreOne({"9月前", "9月", 1000}).computed_centipoints(), 1000);
  v1::ScoreLine line = ScoreOne({"2023年度", "2024年度", 1000, 1000});
  EXPECT_EQ(line.rule(), v1::RULE_NOT_RESCORABLE);
  EXPECT_EQ(line.not_rescorable_reason(),
            "actual period \"2024年度\" ends after the target \"2023年度\"");
  EXPECT_EQ(line.computed_centipoints(), 1000);
  line = ScoreOne({"9月前", "10月", 1000, 600});
  EXPECT_EQ(line.rule(), v1::RULE_NOT_RESCORABLE);
  EXPECT_EQ(line.computed_centipoints(), 600);
}

TEST(PeriodTest, UndatedPeriodsOnlyMatchThemselves) {
  EXPECT_EQ(ScoreOne({"全年", "全年", 1000}).rule(), v1::RULE_PERIOD);
  const v1::ScoreLine line = ScoreOne({"全年", "上半年", 1000, 700});
  EXPECT_EQ(line.rule(), v1::RULE_NOT_RESCORABLE);
  EXPECT_EQ(line.computed_centipoints(), 700);
}

TEST(NotApplicableTest, SlashRowWithoutWeight) {
  const v1::ScoreLine line = ScoreOne({"/", "/", std::nullopt, std::nullopt});
  EXPECT_EQ(line.rule(), v1::RULE_NOT_APPLICABLE);
  EXPECT_EQ(line.weight_centipoints(), 0);
  EXPECT_EQ(line.computed_centipoints(), 0);
  EXPECT_EQ(line.gap_centipoints(), 0);
}

TEST(NotApplicableTest, RealRowWithoutWeightIsNotRescorable) {
  const v1::ScoreLine line = ScoreOne({"95%", "95%", std::nullopt, 500});
  EXPECT_EQ(line.rule(), v1::RULE_NOT_RESCORABLE);
  EXPECT_EQ(line.not_rescorable_reason(), "no weight (分值) filed");
  EXPECT_EQ(line.computed_centipoints(), 0);
}

// No rule, whatever it reads, scores above the weight or below zero.
TEST(BoundsTest, EveryCombinationStaysWithinZeroAndTheWeight) {
  const std::vector<std::string> values = {
      "2600户", "3079户", "≥95%", "95%", "0%", "≤765万元", "916.60万元", "=0",
      "0", "=10", "2023年度", "9月前", "有效改善", "达成", "未完成", "/", "",
      "≥≤1", "-5", "99999999999万元", "0.000001万元"};
  const std::vector<v1::ScoringProfile> profiles = {NationalProfile2020(),
                                                   LinearProfile()};
  for (const v1::ScoringProfile& profile : profiles) {
    for (const std::string& target : values) {
      for (const std::string& actual : values) {
        for (int32_t weight : {0, 1, 1000, 1500}) {
          for (std::optional<int32_t> self :
               {std::optional<int32_t>(), std::optional<int32_t>(-100),
                std::optional<int32_t>(700), std::optional<int32_t>(99999)}) {
            for (v1::Level2Category level2 :
                 {v1::LEVEL2_QUANTITY, v1::LEVEL2_COST}) {
              const v1::ScoreLine line =
                  ScoreOne({target, actual, weight, self, level2}, profile);
              EXPECT_GE(line.computed_centipoints(), 0) << target << " " << actual;
              EXPECT_LE(line.computed_centipoints(), line.weight_centipoints())
                  << target << " " << actual;
              EXPECT_NE(line.rule(), v1::SCORING_RULE_UNSPECIFIED);
              EXPECT_FALSE(line.explanation().empty());
              EXPECT_EQ(line.gap_centipoints(),
                        (self ? *self : 0) - line.computed_centipoints());
            }
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Tables, weights and grades
// ---------------------------------------------------------------------------

TEST(GradeTest, NationalBands) {
  const v1::ScoringProfile profile = NationalProfile2020();
  EXPECT_EQ(GradeFor(profile, 10000), v1::GRADE_EXCELLENT);
  EXPECT_EQ(GradeFor(profile, 9000), v1::GRADE_EXCELLENT);
  EXPECT_EQ(GradeFor(profile, 8999), v1::GRADE_GOOD);
  EXPECT_EQ(GradeFor(profile, 8000), v1::GRADE_GOOD);
  EXPECT_EQ(GradeFor(profile, 7999), v1::GRADE_FAIR);
  EXPECT_EQ(GradeFor(profile, 6000), v1::GRADE_FAIR);
  EXPECT_EQ(GradeFor(profile, 5999), v1::GRADE_POOR);
  EXPECT_EQ(GradeFor(profile, 0), v1::GRADE_POOR);
  EXPECT_EQ(GradeName(v1::GRADE_EXCELLENT), "优");
  EXPECT_EQ(GradeName(v1::GRADE_POOR), "差");
}

TEST(FormatTest, Points) {
  EXPECT_EQ(FormatCentipoints(1252), "12.52");
  EXPECT_EQ(FormatCentipoints(1000), "10.00");
  EXPECT_EQ(FormatCentipoints(5), "0.05");
  EXPECT_EQ(FormatCentipoints(-248), "-2.48");
  EXPECT_EQ(FormatWeight(1500), "15");
  EXPECT_EQ(FormatWeight(750), "7.50");
}

// A project table with a 10-point execution line and 90 points of indicators.
v1::EvaluationPackage ProjectPackage(int32_t funds_weight,
                                     std::optional<int32_t> declared_total) {
  v1::EvaluationPackage package = PackageWith({"100%", "80%", 9000, 9000});
  package.mutable_overall()->mutable_indicators(0)->set_declared_weight_centipoints(9000);
  v1::ProjectSelfEvaluation* project = package.add_projects();
  project->set_name("项目");
  *project->mutable_indicators() = package.overall().indicators();
  v1::FundsTotal* funds = project->mutable_funds();
  funds->mutable_amounts()->set_full_year_budget_fen(40'000'000);
  funds->mutable_amounts()->set_executed_fen(30'000'000);
  funds->set_weight_centipoints(funds_weight);
  funds->set_self_score_centipoints(funds_weight);
  if (declared_total) project->mutable_totals()->set_weight_centipoints(*declared_total);
  return package;
}

TEST(TableTest, ProjectExecutionLineScoredWithItsWeight) {
  absl::StatusOr<v1::ScoreCard> card =
      ScorePackage(ProjectPackage(1000, 10000), NationalProfile2020());
  ASSERT_THAT(card, IsOk());
  const v1::TableScore& project = card->projects(0);
  EXPECT_EQ(project.field_path(), "projects[0]");
  ASSERT_EQ(project.lines_size(), 2);
  EXPECT_EQ(project.lines(0).rule(), v1::RULE_EXECUTION_RATE);
  EXPECT_EQ(project.lines(0).field_path(), "projects[0].funds");
  EXPECT_EQ(project.lines(0).computed_centipoints(), 750);  // 75% × 10
  EXPECT_EQ(project.lines(1).computed_centipoints(), 7200);  // 80 ÷ 100 × 90
  EXPECT_EQ(project.filed_weight_centipoints(), 10000);
  EXPECT_EQ(project.computed_centipoints(), 7950);
  EXPECT_EQ(project.graded_centipoints(), 7950);
  EXPECT_EQ(project.grade(), v1::GRADE_FAIR);
}

TEST(TableTest, FundsWeightEqualToTheTotalIsNoExecutionLine) {
  absl::StatusOr<v1::ScoreCard> card =
      ScorePackage(ProjectPackage(9000, 9000), NationalProfile2020());
  ASSERT_THAT(card, IsOk());
  const v1::TableScore& project = card->projects(0);
  ASSERT_EQ(project.lines_size(), 1);
  EXPECT_EQ(project.lines(0).rule(), v1::RULE_HIGHER_IS_BETTER);
  EXPECT_THAT(project.notes(),
              testing::Contains(HasSubstr(
                  "funds row weight 90 equals the declared total 90")));
  // 100 or more, with no declared total.
  card = ScorePackage(ProjectPackage(10000, std::nullopt), NationalProfile2020());
  ASSERT_THAT(card, IsOk());
  EXPECT_EQ(card->projects(0).lines_size(), 1);
  EXPECT_THAT(card->projects(0).notes(),
              testing::Contains(HasSubstr("funds row weight 100 is 100 or more")));
}

TEST(TableTest, UnscaledPolicyGradesTheRawTotal) {
  v1::ScoringProfile profile = NationalProfile2020();
  profile.set_name("unscaled");
  profile.set_weight_policy(v1::KEEP_FILED_UNSCALED);
  v1::EvaluationPackage package = PackageWith({"100%", "100%", 8000, 8000});
  absl::StatusOr<v1::ScoreCard> card = ScorePackage(package, profile);
  ASSERT_THAT(card, IsOk());
  EXPECT_EQ(card->overall().graded_centipoints(), 8000);
  EXPECT_EQ(card->overall().grade(), v1::GRADE_GOOD);
  card = ScorePackage(package, NationalProfile2020());
  ASSERT_THAT(card, IsOk());
  EXPECT_EQ(card->overall().graded_centipoints(), 10000);  // 80 × 100 ÷ 80
  EXPECT_EQ(card->overall().grade(), v1::GRADE_EXCELLENT);
}

TEST(TableTest, InvalidProfileIsRejected) {
  v1::ScoringProfile profile = NationalProfile2020();
  profile.clear_grade_bands();
  absl::StatusOr<v1::ScoreCard> card = ScorePackage(PackageWith({"1", "1", 100}), profile);
  EXPECT_THAT(card, StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(TableTest, EmptyPackageScoresNothing) {
  absl::StatusOr<v1::ScoreCard> card =
      ScorePackage(v1::EvaluationPackage(), NationalProfile2020());
  ASSERT_THAT(card, IsOk());
  EXPECT_EQ(card->overall().lines_size(), 0);
  EXPECT_EQ(card->overall().grade(), v1::GRADE_UNSPECIFIED);
  EXPECT_THAT(card->overall().notes(), testing::Contains("no weights filed: nothing to grade"));
}

// ---------------------------------------------------------------------------
// The seed, line by line against hand computation
// ---------------------------------------------------------------------------

struct Expected {
  std::string name;
  v1::ScoringRule rule;
  int32_t weight;
  int32_t computed;
  int32_t self;
};

void ExpectLines(const v1::TableScore& table, const std::vector<Expected>& expected) {
  ASSERT_EQ(table.lines_size(), static_cast<int>(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) {
    const v1::ScoreLine& line = table.lines(static_cast<int>(i));
    SCOPED_TRACE(line.field_path() + " " + line.explanation());
    EXPECT_EQ(line.name(), expected[i].name);
    EXPECT_EQ(line.rule(), expected[i].rule);
    EXPECT_EQ(line.weight_centipoints(), expected[i].weight);
    EXPECT_EQ(line.computed_centipoints(), expected[i].computed);
    EXPECT_EQ(line.self_score_centipoints(), expected[i].self);
    EXPECT_EQ(line.gap_centipoints(), expected[i].self - expected[i].computed);
  }
}

class SeedTest : public testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<v1::ScoreCard> card = ScorePackage(SeedPackage(), NationalProfile2020());
    ASSERT_THAT(card, IsOk());
    card_ = *std::move(card);
  }
  v1::ScoreCard card_;
};

TEST_F(SeedTest, Attachment2LineByLine) {
  const v1::TableScore& t = card_.overall();
  EXPECT_EQ(t.field_path(), "overall");
  ExpectLines(t, {
      {"执行率", v1::RULE_EXECUTION_RATE, 1000, 1000, 1000},
      {"补贴发放户数", v1::RULE_HIGHER_IS_BETTER, 1500, 1500, 1500},
      {"补贴发放完成率", v1::RULE_HIGHER_IS_BETTER, 1000, 1000, 1000},
      {"工作完成及时率", v1::RULE_PERIOD, 1000, 1000, 1000},
      {"住房租赁补贴年度预算成本动态合理控制", v1::RULE_LOWER_IS_BETTER, 1500, 1252, 1500},
      {"补贴率（应补尽补）", v1::RULE_HIGHER_IS_BETTER, 1000, 1000, 1000},
      {"有效改善民生", v1::RULE_HIGHER_IS_BETTER, 1000, 1000, 1000},
      // A money indicator under 生态效益, not a cost indicator: higher is better.
      {"住房租赁补贴", v1::RULE_HIGHER_IS_BETTER, 1000, 1000, 1000},
      {"城区补贴群众住房条件改善", v1::RULE_HIGHER_IS_BETTER, 1000, 1000, 1000},
      {"社会公众满意度", v1::RULE_HIGHER_IS_BETTER, 1000, 1000, 800},
  });
  EXPECT_EQ(t.lines(0).explanation(),
            "execution rate: 385.27 ÷ 385.37 = 99.97% × 10 = 10.00");
  EXPECT_EQ(t.lines(1).explanation(), "higher is better: met (3079 ≥ 2600) → full 15");
  EXPECT_EQ(t.lines(3).explanation(), "period: met (2023年度 ≤ 2023年度) → full 10");
  EXPECT_EQ(t.lines(4).explanation(), "lower is better: 765 ÷ 916.60 × 15 = 12.52");
  EXPECT_EQ(t.lines(4).field_path(), "overall.indicators[0].level2[3].indicators[0]");
  EXPECT_EQ(t.lines(4).level1(), v1::LEVEL1_OUTPUT);
  EXPECT_EQ(t.lines(4).level2(), v1::LEVEL2_COST);
  EXPECT_EQ(t.lines(9).explanation(), "higher is better: met (95 ≥ 95) → full 10");
  EXPECT_EQ(t.lines(9).gap_centipoints(), -200);
  for (const v1::ScoreLine& line : t.lines()) {
    EXPECT_THAT(line.review_flags(), IsEmpty()) << line.name();
  }
}

TEST_F(SeedTest, Attachment2Totals) {
  const v1::TableScore& t = card_.overall();
  // 10 + (15 + 10 + 10 + 12.52) + (10 + 10 + 10 + 10) + 10 = 107.52
  EXPECT_EQ(t.filed_weight_centipoints(), 11000);
  EXPECT_EQ(t.computed_centipoints(), 10752);
  EXPECT_EQ(t.self_score_centipoints(), 10800);
  EXPECT_EQ(t.declared_weight_centipoints(), 10000);
  EXPECT_EQ(t.declared_self_score_centipoints(), 9800);
  // 107.52 × 100 ÷ 110 = 97.745… → 97.75; 108 × 100 ÷ 110 = 98.18.
  EXPECT_EQ(t.graded_centipoints(), 9775);
  EXPECT_EQ(t.grade(), v1::GRADE_EXCELLENT);
  EXPECT_EQ(t.self_graded_centipoints(), 9818);
  EXPECT_EQ(t.self_grade(), v1::GRADE_EXCELLENT);

  ASSERT_EQ(t.level1_size(), 3);
  EXPECT_EQ(t.level1(0).name(), "产出指标");
  EXPECT_EQ(t.level1(0).filed_weight_centipoints(), 5000);
  EXPECT_EQ(t.level1(0).profile_weight_centipoints(), 5000);
  EXPECT_EQ(t.level1(0).computed_centipoints(), 4752);
  EXPECT_EQ(t.level1(0).self_score_centipoints(), 5000);
  EXPECT_EQ(t.level1(1).filed_weight_centipoints(), 4000);
  EXPECT_EQ(t.level1(1).profile_weight_centipoints(), 3000);
  EXPECT_EQ(t.level1(1).computed_centipoints(), 4000);
  EXPECT_EQ(t.level1(2).computed_centipoints(), 1000);
  EXPECT_EQ(t.level1(2).self_score_centipoints(), 800);

  EXPECT_THAT(t.notes(), ElementsAre(
      "效益指标: declared weight 40 differs from profile national-2020's 30; "
      "the filed weights are kept",
      "weights filed add up to 110 (execution rate 10 + indicators 100), "
      "declared total 100",
      "self-scores add up to 108, declared total 98",
      "graded = computed × 100 ÷ filed weight = 107.52 × 100 ÷ 110 = 97.75 "
      "(KEEP_FILED_SCALE_TO_100; self-scores likewise: 108.00 → 98.18)"));
}

TEST_F(SeedTest, Attachment3) {
  ASSERT_EQ(card_.projects_size(), 1);
  const v1::TableScore& t = card_.projects(0);
  EXPECT_EQ(t.title(), "业务工作经费40万元");
  ExpectLines(t, {
      {"业务工作经费（单位日常运转、工作业务开展各项开支）", v1::RULE_HIGHER_IS_BETTER, 2000, 2000, 2000},
      {"工作完成率", v1::RULE_HIGHER_IS_BETTER, 2000, 2000, 2000},
      {"2023年度", v1::RULE_PERIOD, 500, 500, 500},
      {"业务工作经费（单位日常运转、工作业务开展各项开支合理控制成本不超支）",
       v1::RULE_LOWER_IS_BETTER, 500, 500, 500},
      {"有效改善单位办公条件和办公效率", v1::RULE_HIGHER_IS_BETTER, 2000, 2000, 2000},
      {"有效促进单位住房保障职能强化", v1::RULE_HIGHER_IS_BETTER, 2000, 2000, 2000},
      {"/", v1::RULE_NOT_APPLICABLE, 0, 0, 0},
      {"/", v1::RULE_NOT_APPLICABLE, 0, 0, 0},
      {"社会公众满意度", v1::RULE_HIGHER_IS_BETTER, 1000, 1000, 800},
  });
  EXPECT_EQ(t.filed_weight_centipoints(), 10000);
  EXPECT_EQ(t.computed_centipoints(), 10000);
  EXPECT_EQ(t.self_score_centipoints(), 9800);
  EXPECT_EQ(t.graded_centipoints(), 10000);
  EXPECT_EQ(t.grade(), v1::GRADE_EXCELLENT);
  EXPECT_EQ(t.self_graded_centipoints(), 9800);
  EXPECT_EQ(t.self_grade(), v1::GRADE_EXCELLENT);
  EXPECT_THAT(t.notes(), ElementsAre(
      "funds row weight 100 equals the declared total 100: read as the "
      "table's total, not an execution-rate weight; no execution-rate line "
      "scored (profile national-2020 would weigh it 10); its self-score 98 is "
      "not counted",
      "效益指标: declared weight 40 differs from profile national-2020's 30; "
      "the filed weights are kept"));
}

TEST_F(SeedTest, Summary) {
  const v1::ScoreCardSummary& s = card_.summary();
  EXPECT_EQ(s.profile(), "national-2020");
  EXPECT_EQ(s.graded_centipoints(), 9775);
  EXPECT_EQ(s.computed_centipoints(), 10752);
  EXPECT_EQ(s.self_score_centipoints(), 10800);
  EXPECT_EQ(s.self_graded_centipoints(), 9818);
  EXPECT_EQ(s.grade(), v1::GRADE_EXCELLENT);
  EXPECT_EQ(s.self_grade(), v1::GRADE_EXCELLENT);
  EXPECT_EQ(s.lines_scored(), 17);  // 10 + 7 (the two "/" rows are not)
  EXPECT_EQ(s.lines_not_rescorable(), 0);
  EXPECT_EQ(s.review_flags(), 0);
  EXPECT_EQ(s.projects_scored(), 1);
}

TEST_F(SeedTest, LinearProfileChangesOnlyTheCostLine) {
  absl::StatusOr<v1::ScoreCard> card = ScorePackage(SeedPackage(), LinearProfile());
  ASSERT_THAT(card, IsOk());
  EXPECT_EQ(card->overall().lines(4).computed_centipoints(), 1203);
  EXPECT_EQ(card->overall().computed_centipoints(), 10703);
  // 107.03 × 100 ÷ 110 = 97.3
  EXPECT_EQ(card->overall().graded_centipoints(), 9730);
  EXPECT_EQ(card->summary().profile(), "linear");
}

TEST_F(SeedTest, FormatScoreCard) {
  const std::string text = FormatScoreCard(card_);
  EXPECT_THAT(text, HasSubstr("附件2 单位整体支出 [overall]"));
  EXPECT_THAT(text, HasSubstr("附件3 业务工作经费40万元 [projects[0]]"));
  EXPECT_THAT(text, HasSubstr("lower is better: 765 ÷ 916.60 × 15 = 12.52"));
  EXPECT_THAT(text, HasSubstr("graded 97.75 → 优; self 98.18 → 优"));
  EXPECT_THAT(text, HasSubstr("weights filed add up to 110"));
  EXPECT_THAT(text, HasSubstr("profile national-2020: 97.75 → 优"));
}

}  // namespace
}  // namespace budgetperf
