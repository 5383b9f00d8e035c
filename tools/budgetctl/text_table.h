#ifndef BUDGETPERF_TOOLS_BUDGETCTL_TEXT_TABLE_H_
#define BUDGETPERF_TOOLS_BUDGETCTL_TEXT_TABLE_H_

// Plain-text tables for terminals, aligned for CJK characters (two cells
// wide), as budgetctl prints them.
//
//   TextTable table({"版本 version", "状态 status", "得分 score"});
//   table.AlignRight(2);
//   table.AddRow({"1", "SCORED", "98.00"});
//   std::cout << table.Render();

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace budgetperf {
namespace budgetctl {

// Terminal cells `text` takes: CJK and full-width characters count two.
size_t DisplayWidth(absl::string_view text);

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

}  // namespace budgetctl
}  // namespace budgetperf

#endif  // BUDGETPERF_TOOLS_BUDGETCTL_TEXT_TABLE_H_
