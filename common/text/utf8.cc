#include "common/text/utf8.h"

#include <cstddef>

#include "absl/strings/string_view.h"

namespace budgetperf {

size_t CodePointCells(char32_t cp) {
  const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
  return wide ? 2 : 1;
}

size_t NextDisplayChar(absl::string_view text, size_t* cells) {
  char32_t cp = 0;
  const size_t length = DecodeUtf8Char(text, &cp);
  if (length == 0) {
    // The text only needs aligning: a stray byte is one narrow character.
    *cells = 1;
    return 1;
  }
  *cells = CodePointCells(cp);
  return length;
}

size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  while (!text.empty()) {
    size_t cells = 0;
    text.remove_prefix(NextDisplayChar(text, &cells));
    width += cells;
  }
  return width;
}

}  // namespace budgetperf
