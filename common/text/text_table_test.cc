#include "common/text/text_table.h"

#include "gtest/gtest.h"

namespace budgetperf {
namespace {

TEST(DisplayWidthTest, CountsCjkAsTwoCells) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("万元"), 4u);
  EXPECT_EQ(DisplayWidth("执行率 rate"), 11u);
  EXPECT_EQ(DisplayWidth("＜95％"), 6u);  // full-width forms
  EXPECT_EQ(DisplayWidth("（2）"), 5u);
  EXPECT_EQ(DisplayWidth("\xff"), 1u);    // malformed: one narrow cell
}

TEST(DisplayWidthTest, PadsAndShortensByCells) {
  EXPECT_EQ(PadToWidth("万元", 6), "万元  ");
  EXPECT_EQ(PadToWidth("1.00", 6, /*align_right=*/true), "  1.00");
  EXPECT_EQ(PadToWidth("longer", 3), "longer");
  EXPECT_EQ(ShortenToWidth("预算执行率", 20), "预算执行率");
  EXPECT_EQ(ShortenToWidth("预算执行率", 7), "预算执…");
  EXPECT_EQ(ShortenToWidth("abcdef", 4), "abc…");
}

TEST(TextTableTest, AlignsColumnsByDisplayWidth) {
  TextTable table({"项目", "金额"});
  table.AlignRight(1);
  table.AddRow({"收入 income", "292.47"});
  table.AddRow({"三公经费", "0.00"});
  EXPECT_EQ(table.Render(),
            "项目           金额\n"
            "收入 income  292.47\n"
            "三公经费       0.00\n");
}

TEST(TextTableTest, MissingCellsAreBlankAndLinesHaveNoTrailingSpaces) {
  TextTable table({});
  table.AddRow({"a", "b"});
  table.AddRow({"longer"});
  EXPECT_EQ(table.Render(), "a       b\nlonger\n");
}

}  // namespace
}  // namespace budgetperf
