#include "common/text/text_table.h"

#include <algorithm>
#include <utility>

#include "common/text/utf8.h"

namespace budgetperf {

std::string PadToWidth(absl::string_view text, size_t cells, bool align_right) {
  const size_t width = DisplayWidth(text);
  const std::string spaces(width < cells ? cells - width : 0, ' ');
  return align_right ? spaces + std::string(text) : std::string(text) + spaces;
}

std::string ShortenToWidth(absl::string_view text, size_t cells) {
  if (DisplayWidth(text) <= cells) return std::string(text);
  std::string out;
  size_t used = 0;
  while (!text.empty()) {
    size_t width = 0;
    const size_t length = NextDisplayChar(text, &width);
    if (used + width + 1 > cells) break;  // room for the "…"
    out.append(text.data(), length);
    text.remove_prefix(length);
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
