#include "services/scoring/scorecard_text.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "services/scoring/scorer.h"

namespace budgetperf {
namespace {

constexpr size_t kMaxNameCells = 30;

// Decodes one UTF-8 sequence at s[i]; malformed bytes count as one
// character each, since the text only needs aligning, not validating.
char32_t NextCodePoint(absl::string_view s, size_t* i) {
  const unsigned char c = static_cast<unsigned char>(s[*i]);
  size_t length = 1;
  char32_t cp = c;
  if (c >= 0xF0) {
    length = 4;
    cp = c & 0x07;
  } else if (c >= 0xE0) {
    length = 3;
    cp = c & 0x0F;
  } else if (c >= 0xC0) {
    length = 2;
    cp = c & 0x1F;
  }
  if (*i + length > s.size()) length = 1;
  for (size_t k = 1; k < length; ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[*i + k]) & 0x3F);
  }
  if (length == 1) cp = c;
  *i += length;
  return cp;
}

// Cells a code point takes in a terminal: CJK, full-width forms and the
// like take two.
size_t Cells(char32_t cp) {
  const bool wide = (cp >= 0x1100 && cp <= 0x115F) ||
                    (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) ||
                    (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFE30 && cp <= 0xFE4F) ||
                    (cp >= 0xFF00 && cp <= 0xFF60) ||
                    (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000;
  return wide ? 2 : 1;
}

size_t Width(absl::string_view s) {
  size_t cells = 0;
  for (size_t i = 0; i < s.size();) cells += Cells(NextCodePoint(s, &i));
  return cells;
}

// `s` cut to at most `cells` cells, marked with "…" when cut.
std::string Shorten(absl::string_view s, size_t cells) {
  if (Width(s) <= cells) return std::string(s);
  std::string out;
  size_t used = 0;
  for (size_t i = 0; i < s.size();) {
    const size_t start = i;
    const size_t w = Cells(NextCodePoint(s, &i));
    if (used + w + 1 > cells) break;
    out.append(s.data() + start, i - start);
    used += w;
  }
  return out + "…";
}

std::string PadRight(absl::string_view s, size_t cells) {
  std::string out(s);
  const size_t w = Width(s);
  if (w < cells) out.append(cells - w, ' ');
  return out;
}

std::string PadLeft(absl::string_view s, size_t cells) {
  const size_t w = Width(s);
  return w < cells ? std::string(cells - w, ' ') + std::string(s)
                   : std::string(s);
}

struct Row {
  std::string name, rule, weight, computed, self, gap, explanation;
};

void FormatTable(const v1::TableScore& table, std::string* out) {
  absl::StrAppend(out,
                  table.field_path() == "overall" ? "附件2 " : "附件3 ",
                  table.title(), " [", table.field_path(), "]\n");
  std::vector<Row> rows;
  rows.push_back({"name", "rule", "weight", "computed", "self", "gap",
                  "explanation"});
  for (const v1::ScoreLine& line : table.lines()) {
    rows.push_back(
        {Shorten(line.name(), kMaxNameCells), RuleName(line.rule()),
         FormatCentipoints(line.weight_centipoints()),
         FormatCentipoints(line.computed_centipoints()),
         line.has_self_score_centipoints()
             ? FormatCentipoints(line.self_score_centipoints())
             : "—",
         FormatCentipoints(line.gap_centipoints()), line.explanation()});
  }
  for (const v1::Level1Score& l1 : table.level1()) {
    std::string note;
    if (l1.has_declared_weight_centipoints()) {
      absl::StrAppend(&note, "declared ",
                      FormatWeight(l1.declared_weight_centipoints()), ", ");
    }
    absl::StrAppend(&note, "profile ",
                    FormatWeight(l1.profile_weight_centipoints()));
    rows.push_back({Shorten(l1.name(), kMaxNameCells), "level-1 total",
                    FormatCentipoints(l1.filed_weight_centipoints()),
                    FormatCentipoints(l1.computed_centipoints()),
                    FormatCentipoints(l1.self_score_centipoints()),
                    FormatCentipoints(l1.self_score_centipoints() -
                                      l1.computed_centipoints()),
                    note});
  }
  rows.push_back({"total", "", FormatCentipoints(table.filed_weight_centipoints()),
                  FormatCentipoints(table.computed_centipoints()),
                  FormatCentipoints(table.self_score_centipoints()),
                  FormatCentipoints(table.self_score_centipoints() -
                                    table.computed_centipoints()),
                  ""});

  size_t widths[6] = {0, 0, 0, 0, 0, 0};
  for (const Row& row : rows) {
    const std::string* cells[6] = {&row.name,     &row.rule, &row.weight,
                                   &row.computed, &row.self, &row.gap};
    for (int c = 0; c < 6; ++c) widths[c] = std::max(widths[c], Width(*cells[c]));
  }
  for (const Row& row : rows) {
    std::string text = absl::StrCat(
        PadRight(row.name, widths[0]), "  ", PadRight(row.rule, widths[1]),
        "  ", PadLeft(row.weight, widths[2]), "  ",
        PadLeft(row.computed, widths[3]), "  ", PadLeft(row.self, widths[4]),
        "  ", PadLeft(row.gap, widths[5]), "  ", row.explanation);
    while (!text.empty() && text.back() == ' ') text.pop_back();
    absl::StrAppend(out, text, "\n");
  }

  absl::StrAppend(out, "graded ", FormatCentipoints(table.graded_centipoints()),
                  " → ", GradeName(table.grade()), "; self ",
                  FormatCentipoints(table.self_graded_centipoints()), " → ",
                  GradeName(table.self_grade()));
  if (table.has_declared_weight_centipoints() ||
      table.has_declared_self_score_centipoints()) {
    std::vector<std::string> declared;
    if (table.has_declared_weight_centipoints()) {
      declared.push_back(absl::StrCat(
          "weight ", FormatWeight(table.declared_weight_centipoints())));
    }
    if (table.has_declared_self_score_centipoints()) {
      declared.push_back(absl::StrCat(
          "self-score ", FormatWeight(table.declared_self_score_centipoints())));
    }
    absl::StrAppend(out, " (declared ", absl::StrJoin(declared, ", "), ")");
  }
  absl::StrAppend(out, "\n");
  if (!table.notes().empty()) {
    absl::StrAppend(out, "notes:\n");
    for (const std::string& note : table.notes()) {
      absl::StrAppend(out, "  - ", note, "\n");
    }
  }
  bool any_flag = false;
  for (const v1::ScoreLine& line : table.lines()) {
    for (const std::string& flag : line.review_flags()) {
      if (!any_flag) absl::StrAppend(out, "for review:\n");
      any_flag = true;
      absl::StrAppend(out, "  - ", line.name(), ": ", flag, "\n");
    }
  }
}

}  // namespace

std::string RuleName(v1::ScoringRule rule) {
  switch (rule) {
    case v1::RULE_EXECUTION_RATE:
      return "execution rate";
    case v1::RULE_HIGHER_IS_BETTER:
      return "higher is better";
    case v1::RULE_LOWER_IS_BETTER:
      return "lower is better";
    case v1::RULE_LOWER_IS_BETTER_LINEAR:
      return "lower (linear)";
    case v1::RULE_EQUAL:
      return "equal";
    case v1::RULE_QUALITATIVE:
      return "qualitative";
    case v1::RULE_NOT_RESCORABLE:
      return "not re-scorable";
    case v1::RULE_NOT_APPLICABLE:
      return "not applicable";
    case v1::RULE_PERIOD:
      return "period";
    default:
      return "unspecified";
  }
}

std::string FormatScoreCard(const v1::ScoreCard& card) {
  std::string out;
  FormatTable(card.overall(), &out);
  for (const v1::TableScore& project : card.projects()) {
    absl::StrAppend(&out, "\n");
    FormatTable(project, &out);
  }
  const v1::ScoreCardSummary& s = card.summary();
  absl::StrAppend(
      &out, "\nprofile ", s.profile(), ": ",
      FormatCentipoints(s.graded_centipoints()), " → ", GradeName(s.grade()),
      " (self ", FormatCentipoints(s.self_graded_centipoints()), " → ",
      GradeName(s.self_grade()), "); ", s.lines_scored(), " lines scored, ",
      s.lines_not_rescorable(), " not re-scorable, ", s.review_flags(),
      " review flags, ", s.projects_scored(),
      s.projects_scored() == 1 ? " project\n" : " projects\n");
  return out;
}

}  // namespace budgetperf
