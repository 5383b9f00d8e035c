// The CSV and the summary the audit job and `budgetctl findings` write.

#include "services/consistency/audit_report.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace budgetperf {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

v1::Finding MakeFinding(const std::string& rule, v1::Severity severity,
                        const std::string& uscc, const std::string& message) {
  v1::Finding f;
  f.set_rule_id(rule);
  f.set_severity(severity);
  f.set_unit_uscc(uscc);
  f.set_unit_name("岳阳楼区第1中学");
  f.set_field_path("report.income.change_from_prior_year_fen");
  f.set_value_found("+3.00万元");
  f.set_value_expected("+1.00万元");
  f.set_difference("2.00万元");
  f.set_message(message);
  return f;
}

TEST(FindingsCsvTest, HeaderAndOneLinePerFinding) {
  const std::string csv = FindingsCsv(
      {MakeFinding("Y-02", v1::SEVERITY_ERROR, "12430602MBUNIT1000", "plain")});
  EXPECT_EQ(
      csv,
      "unit,rule_id,severity,field,value_found,expected,difference,message\r\n"
      "12430602MBUNIT1000,Y-02,错误,report.income.change_from_prior_year_fen,"
      "+3.00万元,+1.00万元,2.00万元,plain\r\n");
}

TEST(FindingsCsvTest, QuotesCommasQuotesAndLineBreaks) {
  const std::string csv = FindingsCsv(
      {MakeFinding("U-01", v1::SEVERITY_WARNING, "X", "a, \"b\"\nc")});
  EXPECT_THAT(csv, HasSubstr(",警告,"));
  EXPECT_THAT(csv, HasSubstr(",\"a, \"\"b\"\"\nc\"\r\n"));
}

TEST(FindingsSummaryTest, CountsEveryAuditRuleAndListsTopFindingsErrorsFirst) {
  const std::vector<v1::Finding> findings = {
      MakeFinding("U-03", v1::SEVERITY_WARNING, "B", "warning message"),
      MakeFinding("Y-02", v1::SEVERITY_ERROR, "A", "error message"),
      MakeFinding("Y-02", v1::SEVERITY_ERROR, "C", "another error"),
  };
  const std::string summary =
      FindingsSummary(findings, RuleCatalogue::Default(), 2);
  EXPECT_THAT(summary, StartsWith("规则 rule"));
  for (const char* id : {"U-01", "U-05", "U-08", "Y-01", "Y-04"}) {
    EXPECT_THAT(summary, HasSubstr(id));
  }
  EXPECT_THAT(summary,
              Not(HasSubstr("T1-04")));  // package rules without findings
  EXPECT_THAT(summary, HasSubstr("2 of 3 findings"));
  EXPECT_LT(summary.find("error message"), summary.find("another error"));
  EXPECT_THAT(summary, Not(HasSubstr("warning message")));
  // The total line: 2 errors, 1 warning.
  EXPECT_THAT(summary, HasSubstr("合计 total     2     1       0     3"));
}

}  // namespace
}  // namespace budgetperf
