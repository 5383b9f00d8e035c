// The package checker on the seed (its findings pinned, figure by figure), on
// a corrected copy of the seed (no findings at all), and on packages that are
// empty or hostile (no crash, nothing made up).

#include "services/consistency/package_checker.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "gtest/gtest.h"
#include "services/consistency/rule_catalogue.h"
#include "services/consistency/test_packages.h"

namespace budgetperf {
namespace {

using test_packages::CleanPackage;
using test_packages::Keys;
using test_packages::Seed;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// One pinned finding.
struct Pinned {
  const char* rule;
  v1::Severity severity;
  const char* field_path;
  const char* found;
  const char* expected;
  const char* difference;
};

constexpr v1::Severity kError = v1::SEVERITY_ERROR;
constexpr v1::Severity kWarning = v1::SEVERITY_WARNING;
constexpr v1::Severity kExplain = v1::SEVERITY_NEEDS_EXPLANATION;

// Everything the checker finds in the seed, in output order (catalogue order,
// then position in the package). See tests/data/README.md for the seed's
// known mistakes; the comments give the number there.
const Pinned kSeedFindings[] = {
    // 1. 项目支出 136.52 against its lines, 40.
    {"T1-04", kError, "basic_data.project_spending.total.final_fen",
     "136.52万元", "40.00万元", "96.52万元"},
    // 10. 人员经费 229.07 against 221.80 of items with figures;
    // 其他对个人和家庭的补助
    // named without one.
    {"RT-05", kExplain, "report.basic_spending.personnel_fen", "229.07万元",
     "221.80万元 + 「其他对个人和家庭的补助」(未填金额)", "7.27万元"},
    // 6. Shares of 292.47 (computed against 252.47 basic spending).
    {"RT-08", kError,
     "report.general_public_budget_expenditure.by_function[0].sh"
     "are",
     "25.23%", "21.78%", "3.45个百分点"},
    {"RT-08", kError,
     "report.general_public_budget_expenditure.by_function[1].sh"
     "are",
     "81.7%", "70.53%", "11.17个百分点"},
    {"RT-08", kError,
     "report.general_public_budget_expenditure.by_function[2].sh"
     "are",
     "5.9%", "5.17%", "0.73个百分点"},
    {"RT-08", kError,
     "report.general_public_budget_expenditure.by_function[3].sh"
     "are",
     "2.9%", "2.52%", "0.38个百分点"},
    // 4. Basic spending 252.47 in the report, 248.75 in attachment 2.
    {"R-01", kError, "report.basic_spending.total_fen", "252.47万元",
     "248.75万元", "3.72万元"},
    // 5. Income 292.47 against attachment 2's full-year budget 385.37. (The
    // expenditure 292.47 against 385.27 executed is the sum of R-01's and
    // X-02's differences, so R-04 stays quiet.)
    {"R-05", kWarning, "report.income.total_fen", "292.47万元", "385.37万元",
     "-92.90万元"},
    // 3. Attachment 2's project spending 136.52 against attachment 3's 40 (the
    // report's 40 and attachment 1's lines agree with attachment 3).
    {"X-02", kError, "overall.by_nature.project_fen", "136.52万元", "40.00万元",
     "96.52万元"},
    // 2. Declared total 100 against 110 with the execution rate (and 98
    // against 108 for the self-scores: the same omission, one finding).
    {"W-02", kError, "overall.totals.weight_centipoints", "100分", "110分",
     "-10分"},
    // 7. Attachment 3's funds row carries the total 100.
    {"W-04", kWarning, "projects[0].funds.weight_centipoints", "100分",
     "执行率分值 (通常10分)", ""},
    // 8. Attachment 3's 时效指标 named "2023年度".
    {"I-03", kWarning, "projects[0].indicators[0].level2[2].indicators[0].name",
     "2023年度", "指标名称", ""},
    // 12. The cost indicator overrun 765 → 916.60 scored 15 of 15.
    {"I-04", kError,
     "overall.indicators[0].level2[3].indicators[0].self_score_c"
     "entipoints",
     "916.60万元", "≤ 765万元", "151.60万元"},
    // 95% met yet scored 8 of 10, no deviation analysis, in both tables.
    {"I-05", kExplain,
     "overall.indicators[2].level2[0].indicators[0].deviation_an"
     "alysis",
     "8分", "10分", "-2分"},
    {"I-05", kExplain,
     "projects[0].indicators[2].level2[0].indicators[0].deviatio"
     "n_analysis",
     "8分", "10分", "-2分"},
};

TEST(PackageCheckerSeedTest, FindingsPinned) {
  const std::vector<v1::Finding> findings = PackageChecker().Check(Seed());
  ASSERT_EQ(findings.size(), std::size(kSeedFindings))
      << ::testing::PrintToString(Keys(findings));
  for (size_t i = 0; i < findings.size(); ++i) {
    const v1::Finding& f = findings[i];
    const Pinned& p = kSeedFindings[i];
    SCOPED_TRACE(f.message());
    EXPECT_EQ(f.rule_id(), p.rule);
    EXPECT_EQ(f.severity(), p.severity);
    EXPECT_EQ(f.field_path(), p.field_path);
    EXPECT_EQ(f.value_found(), p.found);
    EXPECT_EQ(f.value_expected(), p.expected);
    EXPECT_EQ(f.difference(), p.difference);
    EXPECT_EQ(f.scope(), RuleCatalogue::Default().Find(f.rule_id())->scope());
    EXPECT_EQ(f.unit_uscc(), "12430602MB1C04587D");
    EXPECT_EQ(f.unit_name(), "岳阳市住房保障服务中心岳阳楼区分中心");
    EXPECT_EQ(f.year(), 2023);
    EXPECT_EQ(f.division_code(), "430602");
    EXPECT_FALSE(f.message().empty());
  }
}

TEST(PackageCheckerSeedTest, MessagesNameTheFigures) {
  const std::vector<v1::Finding> findings = PackageChecker().Check(Seed());
  ASSERT_EQ(findings.size(), std::size(kSeedFindings));
  EXPECT_EQ(findings[0].message(),
            "附件1 项目支出 2023年决算数 136.52万元 ≠ 各项之和 "
            "40.00万元 (差 96.52万元)");
  EXPECT_THAT(
      findings[0].related_field_paths(),
      ElementsAre("basic_data.project_spending.operating_work_funds.final_fen",
                  "basic_data.project_spending.operations_maintenance.final_f"
                  "en",
                  "basic_data.project_spending.district_special_funds_total.f"
                  "inal_fen",
                  "basic_data.project_spending.higher_transfers_total.final_f"
                  "en"));
  EXPECT_THAT(findings[1].message(),
              HasSubstr("「其他对个人和家庭的补助」列出但未填金额"));
  EXPECT_THAT(findings[3].message(),
              HasSubstr("城乡社区支出 占比 填报 81.7% ≠ 206.27万元 ÷ "
                        "一般公共预算拨款支出 292.47万元 = 70.53% (差 "
                        "11.17个百分点)；与 ÷ 基本支出 252.47万元 相符"));
  // 15.11 ÷ 252.47 is 5.98%, not the 5.9% filed: no hint there.
  EXPECT_THAT(findings[4].message(), ::testing::Not(HasSubstr("基本支出")));
  EXPECT_THAT(findings[8].message(),
              HasSubstr("与附件3一致的有：报告 项目支出 40.00万元、附件1 "
                        "项目支出各项之和 40.00万元"));
  EXPECT_EQ(findings[9].message(),
            "附件2 总分 分值 100分 ≠ 各项分值之和 110分 (执行率 10分 + "
            "指标 100分)，差 -10分：总分未计入执行率一行；总分 "
            "自评得分 98分 同样未计执行率得分 10分 (各项之和 108分)");
  EXPECT_THAT(findings[9].related_field_paths(),
              ElementsAre("overall.funds.weight_centipoints",
                          "overall.totals.self_score_centipoints"));
  EXPECT_EQ(findings[12].message(),
            "附件2 成本指标「住房租赁补贴年度预算成本动态合理控制」 "
            "实际完成值 916.60万元 超出年度指标值 765万元 (超 "
            "151.60万元，反向指标越低越好)，仍自评满分 15分 / 分值 15分");
}

TEST(PackageCheckerSeedTest, RightFiguresAreNotFlagged) {
  const std::vector<v1::Finding> findings = PackageChecker().Check(Seed());
  for (const v1::Finding& f : findings) {
    // 13 ÷ 14 = 92.86%, 385.27 ÷ 385.37 = 99.97%, 40 ÷ 40 = 100%.
    EXPECT_NE(f.field_path(), "basic_data.staffing.control_rate");
    EXPECT_NE(f.field_path(), "overall.funds.execution_rate");
    EXPECT_NE(f.field_path(), "projects[0].funds.execution_rate");
    // 公用经费 23.40 ≥ 3.00 + 0.50 + 0.06 (其中 rows), and = the
    // report's 23.40.
    EXPECT_NE(f.rule_id(), "T1-06");
    EXPECT_NE(f.rule_id(), "R-03");
    // 372.81 + 12.56 = 385.37 and 248.75 + 136.52 = 385.27.
    EXPECT_NE(f.rule_id(), "T2-02");
    EXPECT_NE(f.rule_id(), "T2-03");
    // Level-3 weights add up to each level-1's (50, 40, 10) in both tables.
    EXPECT_NE(f.rule_id(), "W-01");
    // The self-score total (98) is W-02's finding, not a second one.
    EXPECT_NE(f.rule_id(), "W-03");
  }
}

TEST(PackageCheckerTest, CleanPackageHasNoFindings) {
  EXPECT_THAT(Keys(PackageChecker().Check(CleanPackage())), IsEmpty());
  EXPECT_THAT(Keys(PackageChecker().Check(CleanPackage(), "110101")),
              IsEmpty());
}

TEST(PackageCheckerTest, DivisionCodeDefaultsToTheUnits) {
  for (const v1::Finding& f : PackageChecker().Check(Seed(), "")) {
    EXPECT_EQ(f.division_code(), "430602");
  }
  for (const v1::Finding& f : PackageChecker().Check(Seed(), "430603")) {
    EXPECT_EQ(f.division_code(), "430603");
  }
}

TEST(PackageCheckerTest, EmptyPackageHasNoFindings) {
  EXPECT_THAT(Keys(PackageChecker().Check(v1::EvaluationPackage())), IsEmpty());
}

// Sets every int32/int64 field of `message` (recursively, one element added
// to each repeated message field first) to `int64_value` / `int32_value`.
void SetAllIntegers(google::protobuf::Message* message, int64_t int64_value,
                    int32_t int32_value, int depth = 0) {
  const google::protobuf::Descriptor* d = message->GetDescriptor();
  const google::protobuf::Reflection* r = message->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = d->field(i);
    using FD = google::protobuf::FieldDescriptor;
    if (field->is_repeated()) {
      if (field->cpp_type() == FD::CPPTYPE_MESSAGE && depth < 6) {
        if (r->FieldSize(*message, field) == 0) r->AddMessage(message, field);
        for (int j = 0; j < r->FieldSize(*message, field); ++j) {
          SetAllIntegers(r->MutableRepeatedMessage(message, field, j),
                         int64_value, int32_value, depth + 1);
        }
      }
      continue;
    }
    switch (field->cpp_type()) {
      case FD::CPPTYPE_INT64:
        r->SetInt64(message, field, int64_value);
        break;
      case FD::CPPTYPE_INT32:
        r->SetInt32(message, field, int32_value);
        break;
      case FD::CPPTYPE_MESSAGE:
        if (depth < 6) {
          SetAllIntegers(r->MutableMessage(message, field), int64_value,
                         int32_value, depth + 1);
        }
        break;
      default:
        break;
    }
  }
}

TEST(PackageCheckerTest, HostileFiguresNeverCrash) {
  const int64_t int64s[] = {std::numeric_limits<int64_t>::max(),
                            std::numeric_limits<int64_t>::min(), -1, 0};
  const int32_t int32s[] = {std::numeric_limits<int32_t>::max(),
                            std::numeric_limits<int32_t>::min(), -1, 0};
  for (int64_t big : int64s) {
    for (int32_t small : int32s) {
      v1::EvaluationPackage package = Seed();
      SetAllIntegers(&package, big, small);
      // Texts from the seed stay; the rates' texts would win over their basis
      // points, so blank them to exercise the integers too.
      for (auto& f : *package.mutable_report()
                          ->mutable_general_public_budget_expenditure()
                          ->mutable_by_function()) {
        f.mutable_share()->clear_text();
      }
      const std::vector<v1::Finding> findings = PackageChecker().Check(package);
      for (const v1::Finding& f : findings) {
        EXPECT_NE(RuleCatalogue::Default().Find(f.rule_id()), nullptr);
        EXPECT_FALSE(f.message().empty());
      }
    }
  }
}

TEST(PackageCheckerTest, HostileIndicatorValuesNeverCrash) {
  v1::EvaluationPackage package = Seed();
  v1::Level3Indicator* line = package.mutable_overall()
                                  ->mutable_indicators(0)
                                  ->mutable_level2(0)
                                  ->mutable_indicators(0);
  for (const char* text : {"", "\xff\xfe", "≥≤", "99999999999999999999户",
                           "-5户", "0户", "1e5", "１２３户", "/"}) {
    line->mutable_target()->set_text(text);
    line->mutable_actual()->set_text(text);
    (void)PackageChecker().Check(package);
  }
  // A client that sends only a parsed value, with an absurd scale.
  line->mutable_target()->clear_text();
  line->mutable_target()->mutable_parsed()->set_kind(
      v1::ParsedIndicatorValue::QUANTITY);
  line->mutable_target()->mutable_parsed()->mutable_number()->set_units(5);
  line->mutable_target()->mutable_parsed()->mutable_number()->set_scale(
      std::numeric_limits<int32_t>::max());
  line->mutable_actual()->set_text("3079户");
  (void)PackageChecker().Check(package);
}

}  // namespace
}  // namespace budgetperf
