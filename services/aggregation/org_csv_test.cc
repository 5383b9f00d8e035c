#include "services/aggregation/org_csv.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace budgetperf {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(ParseCsv, QuotesCommasLineBreaksAndLineNumbers) {
  const CsvParse parsed = ParseCsv(
      "\xEF\xBB\xBF"
      "a,b,c\r\n"
      "\"x, y\",\"say \"\"hi\"\"\",z\r\n"
      "\r\n"
      "\"two\nlines\",,last\n"
      "after,the,break");
  EXPECT_THAT(parsed.errors, IsEmpty());
  ASSERT_EQ(parsed.records.size(), 4u);
  EXPECT_THAT(parsed.records[0].fields, ElementsAre("a", "b", "c"));
  EXPECT_EQ(parsed.records[0].line, 1);
  EXPECT_THAT(parsed.records[1].fields, ElementsAre("x, y", "say \"hi\"", "z"));
  EXPECT_EQ(parsed.records[1].line, 2);
  EXPECT_THAT(parsed.records[2].fields, ElementsAre("two\nlines", "", "last"));
  EXPECT_EQ(parsed.records[2].line, 4);
  EXPECT_THAT(parsed.records[3].fields, ElementsAre("after", "the", "break"));
  EXPECT_EQ(parsed.records[3].line, 6);
}

TEST(ParseCsv, ReportsBrokenQuotes) {
  CsvParse parsed = ParseCsv("a,b\n\"x\"y,z\nok,row\n\"never closed,\n");
  ASSERT_EQ(parsed.errors.size(), 2u);
  EXPECT_EQ(parsed.errors[0].line, 2);
  EXPECT_THAT(parsed.errors[0].message, HasSubstr("after a closing quote"));
  EXPECT_EQ(parsed.errors[1].line, 4);
  EXPECT_THAT(parsed.errors[1].message, HasSubstr("never closed"));
  ASSERT_EQ(parsed.records.size(), 2u);
  EXPECT_THAT(parsed.records[1].fields, ElementsAre("ok", "row"));
}

TEST(ParseOrgCsv, ReadsNodesByHeaderNames) {
  const OrgCsvParse parsed = ParseOrgCsv(
      "Kind , code,name,parent_code,division_code,valid_from_year,expected_budget\n"
      "district,430602,岳阳楼区,,430602,,\n"
      "部门,430602-D01,\"区住房和城乡建设局, 本级\",430602,430602,,\n"
      "unit,12430602MB1C04587D,住房保障服务中心,430602-D01,430602,2023,385.37\n");
  EXPECT_THAT(parsed.errors, IsEmpty());
  ASSERT_EQ(parsed.rows.size(), 3u);
  EXPECT_EQ(parsed.rows[0].node.kind(), v1::NODE_KIND_DISTRICT);
  EXPECT_EQ(parsed.rows[0].node.parent_code(), "");
  EXPECT_EQ(parsed.rows[1].node.kind(), v1::NODE_KIND_DEPARTMENT);
  EXPECT_EQ(parsed.rows[1].node.name(), "区住房和城乡建设局, 本级");
  EXPECT_EQ(parsed.rows[2].line, 4);
  EXPECT_EQ(parsed.rows[2].node.code(), "12430602MB1C04587D");
  EXPECT_EQ(parsed.rows[2].node.valid_from_year(), 2023);
  EXPECT_EQ(parsed.rows[2].node.expected_budget_fen(), 385'370'000);
  EXPECT_FALSE(parsed.rows[1].node.has_expected_budget_fen());
}

TEST(ParseOrgCsv, ReportsEveryBadRowAtOnce) {
  const OrgCsvParse parsed = ParseOrgCsv(
      "code,name,kind,parent_code,division_code,valid_from_year\n"
      "430602,岳阳楼区,district,,430602,\n"
      "D1,部门一,bureau,430602,430602,\n"
      "D2,部门二,department,430602,430602,next\n"
      "D3,部门三,department,430602\n"
      ",部门四,department,430602,430602,\n"
      "D5,部门五,department,430602,430602,\n");
  ASSERT_EQ(parsed.errors.size(), 4u);
  EXPECT_EQ(parsed.errors[0].line, 3);
  EXPECT_THAT(parsed.errors[0].message, HasSubstr("kind \"bureau\""));
  EXPECT_EQ(parsed.errors[1].line, 4);
  EXPECT_THAT(parsed.errors[1].message, HasSubstr("valid_from_year \"next\""));
  EXPECT_EQ(parsed.errors[2].line, 5);
  EXPECT_THAT(parsed.errors[2].message, HasSubstr("4 fields where the header has 6"));
  EXPECT_EQ(parsed.errors[3].line, 6);
  EXPECT_THAT(parsed.errors[3].message, HasSubstr("code is empty"));
  ASSERT_EQ(parsed.rows.size(), 2u);
  EXPECT_EQ(parsed.rows[1].node.code(), "D5");
  EXPECT_EQ(parsed.codes_of_bad_rows, (std::set<std::string>{"D1", "D2", "D3"}));
}

TEST(ParseOrgCsv, RejectsABadHeader) {
  OrgCsvParse parsed = ParseOrgCsv("code,name,type\nA,B,C\n");
  ASSERT_EQ(parsed.errors.size(), 2u);
  EXPECT_THAT(parsed.errors[0].message, HasSubstr("unknown column \"type\""));
  EXPECT_THAT(parsed.errors[1].message, HasSubstr("no \"kind\" column"));
  EXPECT_THAT(parsed.rows, IsEmpty());
  EXPECT_THAT(ParseOrgCsv("").errors[0].message, HasSubstr("no header row"));
}

}  // namespace
}  // namespace budgetperf
