#include "common/text/text_table.h"

#include <algorithm>
#include <utility>

namespace budgetperf {
namespace {

// Reads the code point at text[*i] and advances; a malformed byte counts as
// one narrow character (the text only needs aligning).
char32_t Next(absl::string_view text, size_t* i) {
  const unsigned char c = static_cast<unsigned char>(text[*i]);
  size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (*i + length > text.size()) length = 1;
  char32_t cp = length == 1 ? c : (c & (0x7F >> length));
  for (size_t k = 1; k < length; ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(text[*i + k]) & 0x3F);
  }
  *i += length;
  return cp;
}

// Hangul jamo, CJK (radicals to Yi), Hangul syllables, compatibility
// ideographs, vertical and full-width forms, and the supplementary
// ideographic planes take two cells.
size_t Cells(char32_t cp) {
  const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
  return wide ? 2 : 1;
}

}  // namespace

size_t DisplayWidth(absl::string_view text) {
  size_t cells = 0;
  for (size_t i = 0; i < text.size();) cells += Cells(Next(text, &i));
  return cells;
}

std::string PadToWidth(absl::string_view text, size_t cells, bool align_right) {
  const size_t width = DisplayWidth(text);
  const std::string spaces(width < cells ? cells - width : 0, ' ');
  return align_right ? spaces + std::string(text) : std::string(text) + spaces;
}

std::string ShortenToWidth(absl::string_view text, size_t cells) {
  if (DisplayWidth(text) <= cells) return std::string(text);
  std::string out;
  size_t used = 0;
  for (size_t i = 0; i < text.size();) {
    const size_t start = i;
    const size_t width = Cells(Next(text, &i));
    if (used + width + 1 > cells) break;  // room for the "…"
    out.append(text.data() + start, i - start);
    used += width;
  }
  return out + "…";
}

TextTable::TextTable(std::vector<std::string> headings)
    : headings_(std::move(headings)), right_(headings_.size(), false) {}

void TextTable::AlignRight(size_t column) {
  if (column >= right_.size()) right_.resize(column + 1, false);
  right_[column] = true;
}

void TextTable::AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

std::string TextTable::Render() const {
  size_t columns = headings_.size();
  for (const auto& row : rows_) columns = std::max(columns, row.size());
  std::vector<size_t> widths(columns, 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  };
  measure(headings_);
  for (const auto& row : rows_) measure(row);

  std::string out;
  auto render = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < columns; ++c) {
      const std::string cell = c < row.size() ? row[c] : "";
      const size_t pad = widths[c] - DisplayWidth(cell);
      if (c > 0) line += "  ";
      const bool right = c < right_.size() && right_[c];
      if (right) line.append(pad, ' ');
      line += cell;
      if (!right) line.append(pad, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  };
  if (!headings_.empty()) render(headings_);
  for (const auto& row : rows_) render(row);
  return out;
}

}  // namespace budgetperf
