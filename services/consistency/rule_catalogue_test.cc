#include "services/consistency/rule_catalogue.h"

#include <regex>
#include <set>
#include <string>

#include "gtest/gtest.h"

namespace budgetperf {
namespace {

// The scope a rule's id group implies.
v1::RuleScope ScopeOfGroup(const std::string& id) {
  const std::string group = id.substr(0, id.find('-'));
  if (group == "R") return v1::RULE_SCOPE_REPORT_VS_TABLE;
  if (group == "X") return v1::RULE_SCOPE_CROSS_TABLE;
  if (group == "U") return v1::RULE_SCOPE_CROSS_UNIT;
  if (group == "Y") return v1::RULE_SCOPE_CROSS_YEAR;
  return v1::RULE_SCOPE_PACKAGE;
}

TEST(RuleCatalogueTest, EveryRuleIsComplete) {
  const RuleCatalogue& catalogue = RuleCatalogue::Default();
  const std::regex id_pattern("^(T[1-4]|RT|R|X|W|I|U|Y)-[0-9]{2}$");
  std::set<std::string> ids;
  for (const v1::RuleDescriptor& rule : catalogue.rules()) {
    SCOPED_TRACE(rule.id());
    EXPECT_TRUE(std::regex_match(rule.id(), id_pattern));
    EXPECT_TRUE(ids.insert(rule.id()).second) << "duplicate id";
    EXPECT_EQ(rule.scope(), ScopeOfGroup(rule.id()));
    EXPECT_NE(rule.default_severity(), v1::SEVERITY_UNSPECIFIED);
    EXPECT_FALSE(rule.title().empty());
    EXPECT_FALSE(rule.description().empty());
    EXPECT_FALSE(rule.blocking()) << "no rule blocks unless a region says so";
    EXPECT_FALSE(rule.has_tolerance_fen() && rule.has_tolerance_bp());
    if (rule.has_tolerance_fen()) {
      EXPECT_EQ(rule.tolerance_fen(), 0);
    }
    EXPECT_EQ(catalogue.Find(rule.id()), &rule);
  }
  EXPECT_EQ(catalogue.Find("Z-99"), nullptr);
  EXPECT_EQ(catalogue.IndexOf("Z-99"), catalogue.size());
}

TEST(RuleCatalogueTest, ListsTheWholeCatalogueInGroupOrder) {
  const RuleCatalogue& catalogue = RuleCatalogue::Default();
  const v1::RuleList list = catalogue.ToProto();
  ASSERT_EQ(list.rules_size(), static_cast<int>(catalogue.size()));
  EXPECT_EQ(list.rules(0).id(), "T1-01");
  EXPECT_EQ(list.rules(list.rules_size() - 1).id(), "Y-04");
  // The audit job's rules are listed, for `budgetctl rules`, though they run
  // elsewhere.
  EXPECT_NE(catalogue.Find("U-01"), nullptr);
  EXPECT_NE(catalogue.Find("Y-01"), nullptr);
  EXPECT_LT(catalogue.IndexOf("T1-04"), catalogue.IndexOf("X-02"));
}

TEST(RuleCatalogueTest, DefaultTolerances) {
  const RuleCatalogue& catalogue = RuleCatalogue::Default();
  EXPECT_TRUE(catalogue.Find("T1-04")->has_tolerance_fen());
  EXPECT_TRUE(catalogue.Find("T2-01")->has_tolerance_bp());
  EXPECT_EQ(catalogue.Find("I-07")->tolerance_bp(), 13000);
  EXPECT_FALSE(catalogue.Find("W-02")->has_tolerance_fen());
  EXPECT_FALSE(catalogue.Find("W-02")->has_tolerance_bp());
}

TEST(RuleCatalogueTest, Names) {
  EXPECT_EQ(SeverityName(v1::SEVERITY_ERROR), "错误");
  EXPECT_EQ(SeverityName(v1::SEVERITY_WARNING), "警告");
  EXPECT_EQ(SeverityName(v1::SEVERITY_NEEDS_EXPLANATION), "需说明");
  EXPECT_EQ(ScopeName(v1::RULE_SCOPE_REPORT_VS_TABLE), "report-vs-table");
  EXPECT_EQ(ScopeName(v1::RULE_SCOPE_CROSS_YEAR), "cross-year");
}

}  // namespace
}  // namespace budgetperf
