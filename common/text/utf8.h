#ifndef BUDGETPERF_COMMON_TEXT_UTF8_H_
#define BUDGETPERF_COMMON_TEXT_UTF8_H_

// UTF-8 decoding and terminal display width: the one home of both, for the
// indicator parser, the text tables, validation messages and audit texts.

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace budgetperf {

// The length in bytes (1 to 4) of the well-formed UTF-8 sequence at the
// start of `text`, storing its code point in *code_point; 0 for empty text
// or a malformed sequence. Strict (RFC 3629): overlong forms, surrogates,
// code points past U+10FFFF and truncated sequences are malformed.
//
//   DecodeUtf8Char("万元", &cp)   → 3, cp == U'万'
//   DecodeUtf8Char("\xC0\x80", &cp) → 0  (overlong NUL)
//
// Inline: the indicator parser decodes every character of every cell.
inline size_t DecodeUtf8Char(absl::string_view text, char32_t* code_point) {
  if (text.empty()) return 0;
  const unsigned char lead = static_cast<unsigned char>(text[0]);
  char32_t cp;
  size_t length;
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    cp = lead & 0x1F;
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    cp = lead & 0x0F;
    length = 3;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    cp = lead & 0x07;
    length = 4;
  } else {
    return 0;
  }
  if (length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    const unsigned char next = static_cast<unsigned char>(text[k]);
    if ((next & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (next & 0x3F);
  }
  const bool overlong_or_surrogate =
      (length == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
      (length == 4 && (cp < 0x10000 || cp > 0x10FFFF));
  if (overlong_or_surrogate) return 0;
  *code_point = cp;
  return length;
}

// Terminal cells one code point takes: two for Hangul jamo, CJK (radicals to
// Yi), Hangul syllables, compatibility ideographs, vertical and full-width
// forms and the supplementary ideographic planes; one for anything else.
size_t CodePointCells(char32_t code_point);

// The bytes of the character at the start of non-empty `text` as a terminal
// shows it, storing its cells in *cells: a well-formed sequence, or a single
// malformed byte counted as one narrow character.
size_t NextDisplayChar(absl::string_view text, size_t* cells);

// Terminal cells `text` takes: CJK and full-width characters count two; a
// malformed UTF-8 byte counts as one narrow character.
//
//   DisplayWidth("执行率 rate") → 11
size_t DisplayWidth(absl::string_view text);

}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_TEXT_UTF8_H_
