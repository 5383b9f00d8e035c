#ifndef BUDGETPERF_COMMON_TEXT_TEXT_TABLE_H_
#define BUDGETPERF_COMMON_TEXT_TEXT_TABLE_H_

// Plain-text tables for terminals, aligned for CJK characters (two cells
// wide), as budgetctl, the scorecard and the audit summary print them.
//
//   TextTable table({"版本 version", "状态 status", "得分 score"});
//   table.AlignRight(2);
//   table.AddRow({"1", "SCORED", "98.00"});
//   std::cout << table.Render();

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/text/utf8.h"  // DisplayWidth

namespace budgetperf {

// `text` padded with spaces to `cells` terminal cells, on the left when
// `align_right` (numbers), else on the right; unchanged when already wider.
std::string PadToWidth(absl::string_view text, size_t cells, bool align_right = false);

// `text` cut to at most `cells` terminal cells, ending in "…" when cut.
std::string ShortenToWidth(absl::string_view text, size_t cells);

class TextTable {
 public:
  // A table with these column headings (may be empty for no heading row).
  explicit TextTable(std::vector<std::string> headings);

  // Right-aligns column `column` (numbers, amounts).
  void AlignRight(size_t column);

  // Adds a row; missing cells are blank, extra ones ignored.
  void AddRow(std::vector<std::string> cells);

  // The table, one line per row, columns two spaces apart, no trailing
  // spaces.
  std::string Render() const;

 private:
  std::vector<std::string> headings_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_TEXT_TEXT_TABLE_H_
