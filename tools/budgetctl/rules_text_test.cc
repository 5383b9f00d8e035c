#include "tools/budgetctl/rules_text.h"

#include <string>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/consistency/rule_catalogue.h"

namespace budgetperf {
namespace budgetctl {
namespace {

using ::testing::HasSubstr;

TEST(CsvFieldTest, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(CsvField("T1-04"), "T1-04");
  EXPECT_EQ(CsvField("附件1 项目支出 = 各项之和"), "附件1 项目支出 = 各项之和");
  EXPECT_EQ(CsvField("a, b"), "\"a, b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
}

TEST(RulesTextTest, CsvHasAHeaderAndOneLinePerRule) {
  const v1::RuleList rules = RuleCatalogue::Default().ToProto();
  const std::string csv = FormatRulesCsv(rules);
  std::vector<std::string> lines = absl::StrSplit(csv, "\r\n", absl::SkipEmpty());
  ASSERT_EQ(lines.size(), static_cast<size_t>(rules.rules_size()) + 1);
  EXPECT_EQ(lines[0], "id,scope,severity,blocking,tolerance_fen,tolerance_bp,title,description");
  EXPECT_THAT(csv, HasSubstr("\r\nT1-04,package,SEVERITY_ERROR,false,0,,"));
}

TEST(RulesTextTest, TableListsEveryRule) {
  const v1::RuleList rules = RuleCatalogue::Default().ToProto();
  const std::string table = FormatRulesTable(rules);
  for (const v1::RuleDescriptor& rule : rules.rules()) EXPECT_THAT(table, HasSubstr(rule.id()));
  EXPECT_THAT(table, HasSubstr("附件1 项目支出 = 各项之和"));
  EXPECT_THAT(table, HasSubstr("错误"));
}

}  // namespace
}  // namespace budgetctl
}  // namespace budgetperf
