#include "common/text/utf8.h"

#include <cstddef>
#include <string>

#include "gtest/gtest.h"

namespace budgetperf {
namespace {

size_t Length(absl::string_view text) {
  char32_t cp = 0;
  return DecodeUtf8Char(text, &cp);
}

TEST(DecodeUtf8CharTest, DecodesOneCharacter) {
  char32_t cp = 0;
  EXPECT_EQ(DecodeUtf8Char("a", &cp), 1u);
  EXPECT_EQ(cp, U'a');
  EXPECT_EQ(DecodeUtf8Char("é", &cp), 2u);
  EXPECT_EQ(cp, U'é');
  EXPECT_EQ(DecodeUtf8Char("万元", &cp), 3u);
  EXPECT_EQ(cp, U'万');
  EXPECT_EQ(DecodeUtf8Char("\xF0\xA0\x80\x80", &cp), 4u);  // U+20000
  EXPECT_EQ(cp, char32_t{0x20000});
  EXPECT_EQ(DecodeUtf8Char(absl::string_view("\0x", 2), &cp), 1u);
  EXPECT_EQ(cp, char32_t{0});
}

TEST(DecodeUtf8CharTest, RejectsMalformedSequences) {
  EXPECT_EQ(Length(""), 0u);
  EXPECT_EQ(Length("\x80"), 0u);              // a lone continuation byte
  EXPECT_EQ(Length("\xC0\x80"), 0u);          // overlong NUL
  EXPECT_EQ(Length("\xE0\x80\xAF"), 0u);      // overlong '/'
  EXPECT_EQ(Length("\xED\xA0\x80"), 0u);      // surrogate U+D800
  EXPECT_EQ(Length("\xF4\x90\x80\x80"), 0u);  // past U+10FFFF
  EXPECT_EQ(Length("\xF5\x80\x80\x80"), 0u);
  EXPECT_EQ(Length("\xE4\xB8"), 0u);          // truncated 万
  EXPECT_EQ(Length("\xE4\x41\x42"), 0u);      // not continuation bytes
  EXPECT_EQ(Length("\xFF"), 0u);
}

TEST(CodePointCellsTest, WideCharactersTakeTwo) {
  EXPECT_EQ(CodePointCells(U'a'), 1u);
  EXPECT_EQ(CodePointCells(U'万'), 2u);
  EXPECT_EQ(CodePointCells(U'％'), 2u);
  EXPECT_EQ(CodePointCells(U'−'), 1u);
  EXPECT_EQ(CodePointCells(char32_t{0x20000}), 2u);
}

TEST(DisplayWidthTest, MalformedBytesAreOneNarrowCellEach) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("万元 ok"), 7u);
  EXPECT_EQ(DisplayWidth("\xff"), 1u);
  EXPECT_EQ(DisplayWidth("\xE4\xB8"), 2u);
  EXPECT_EQ(DisplayWidth("a\xE4\x41\x42"), 4u);
}

TEST(NextDisplayCharTest, StepsOverCharactersAndStrayBytes) {
  size_t cells = 0;
  EXPECT_EQ(NextDisplayChar("万a", &cells), 3u);
  EXPECT_EQ(cells, 2u);
  EXPECT_EQ(NextDisplayChar("\x80万", &cells), 1u);
  EXPECT_EQ(cells, 1u);
}

}  // namespace
}  // namespace budgetperf
