// Every package rule, one by one: a package where it fires (the clean copy of
// the seed with one mistake put in) and packages where it must not (near
// misses: the filer's own rounding, blank cells, subsets). A fire case lists
// every finding the mistake produces, so that "one mistake, one finding" is
// pinned too.
//
// The cases are listed per rule family in *_rules_test_cases.cc
// (rules_test_cases.h); this file runs them.

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/consistency/package_checker.h"
#include "services/consistency/rule_catalogue.h"
#include "services/consistency/rules_test_cases.h"
#include "services/consistency/test_packages.h"

namespace budgetperf {
namespace rules_test {
namespace {

using test_packages::CleanPackage;
using test_packages::Keys;
using test_packages::RuleIds;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// Every fire case, in catalogue order of the families.
std::vector<FireCase> FireCases() {
  std::vector<FireCase> cases;
  for (auto* family : {&TableFireCases, &ReportFireCases, &WeightFireCases,
                        &IndicatorFireCases}) {
    for (FireCase& c : family()) cases.push_back(std::move(c));
  }
  return cases;
}

class FireTest : public ::testing::TestWithParam<FireCase> {};

TEST_P(FireTest, FiresWithFigures) {
  const FireCase& c = GetParam();
  v1::EvaluationPackage package = CleanPackage();
  c.mutate(&package);
  const std::vector<v1::Finding> findings = PackageChecker().Check(package);
  ASSERT_THAT(RuleIds(findings), ElementsAreArray(c.all_rules))
      << ::testing::PrintToString(Keys(findings));
  const v1::Finding* finding = nullptr;
  for (const v1::Finding& f : findings) {
    if (f.rule_id() == c.rule) {
      finding = &f;
      break;
    }
  }
  ASSERT_NE(finding, nullptr);
  EXPECT_EQ(finding->field_path(), c.field_path);
  if (!c.found.empty()) {
    EXPECT_EQ(finding->value_found(), c.found);
  }
  if (!c.expected.empty()) {
    EXPECT_EQ(finding->value_expected(), c.expected);
  }
  if (!c.difference.empty()) {
    EXPECT_EQ(finding->difference(), c.difference);
  }
  if (!c.message_contains.empty()) {
    EXPECT_THAT(finding->message(), HasSubstr(c.message_contains));
  }
  // The message names the figures it is about.
  if (!c.found.empty() && c.found != "(未填)" && c.rule.rfind("W-0", 0) != 0) {
    EXPECT_THAT(finding->message(), HasSubstr(c.found));
  }
  const v1::RuleDescriptor* rule = RuleCatalogue::Default().Find(c.rule);
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(finding->severity(), rule->default_severity());
  EXPECT_EQ(finding->scope(), rule->scope());
}

INSTANTIATE_TEST_SUITE_P(Rules, FireTest, ::testing::ValuesIn(FireCases()),
                         [](const auto& param_info) {
                           return param_info.param.name;
                         });

// Every quiet case, in catalogue order of the families.
std::vector<QuietCase> QuietCases() {
  std::vector<QuietCase> cases;
  for (auto* family : {&TableQuietCases, &ReportQuietCases,
                        &WeightQuietCases, &IndicatorQuietCases}) {
    for (QuietCase& c : family()) cases.push_back(std::move(c));
  }
  return cases;
}

class QuietTest : public ::testing::TestWithParam<QuietCase> {};

TEST_P(QuietTest, NoFinding) {
  const QuietCase& c = GetParam();
  v1::EvaluationPackage package = CleanPackage();
  c.mutate(&package);
  EXPECT_THAT(Keys(PackageChecker().Check(package)), ::testing::IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Rules, QuietTest, ::testing::ValuesIn(QuietCases()),
                         [](const auto& param_info) {
                           return param_info.param.name;
                         });

// Every package rule of the catalogue has a case where it fires and one
// where it must not.
TEST(RuleCoverage, EveryPackageRuleHasBothCases) {
  std::set<std::string> fired;
  for (const FireCase& c : FireCases()) fired.insert(c.rule);
  std::set<std::string> guarded;
  for (const QuietCase& c : QuietCases()) guarded.insert(c.rule);
  guarded.insert("T1-08");  // T1_07_T1_08_RatesAgree guards both
  for (const v1::RuleDescriptor& rule : RuleCatalogue::Default().rules()) {
    if (rule.scope() == v1::RULE_SCOPE_CROSS_UNIT ||
        rule.scope() == v1::RULE_SCOPE_CROSS_YEAR) {
      continue;
    }
    EXPECT_TRUE(fired.count(rule.id())) << rule.id() << " has no fire case";
    EXPECT_TRUE(guarded.count(rule.id())) << rule.id() << " has no quiet case";
  }
}

}  // namespace
}  // namespace rules_test
}  // namespace budgetperf
