#include "services/scoring/scorecard_text.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "common/money/points.h"
#include "common/text/text_table.h"
#include "services/scoring/scorer.h"

namespace budgetperf {
namespace {

constexpr size_t kMaxNameCells = 30;

void FormatTable(const v1::TableScore& table, std::string* out) {
  absl::StrAppend(out,
                  table.field_path() == "overall" ? "附件2 " : "附件3 ",
                  table.title(), " [", table.field_path(), "]\n");
  TextTable rows(
      {"name", "rule", "weight", "computed", "self", "gap", "explanation"});
  for (size_t numeric = 2; numeric <= 5; ++numeric) rows.AlignRight(numeric);
  for (const v1::ScoreLine& line : table.lines()) {
    rows.AddRow(
        {ShortenToWidth(line.name(), kMaxNameCells), RuleName(line.rule()),
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
    rows.AddRow({ShortenToWidth(l1.name(), kMaxNameCells), "level-1 total",
                    FormatCentipoints(l1.filed_weight_centipoints()),
                    FormatCentipoints(l1.computed_centipoints()),
                    FormatCentipoints(l1.self_score_centipoints()),
                    FormatCentipoints(l1.self_score_centipoints() -
                                      l1.computed_centipoints()),
                    note});
  }
  rows.AddRow({"total", "", FormatCentipoints(table.filed_weight_centipoints()),
                  FormatCentipoints(table.computed_centipoints()),
                  FormatCentipoints(table.self_score_centipoints()),
                  FormatCentipoints(table.self_score_centipoints() -
                                    table.computed_centipoints()),
                  ""});

  absl::StrAppend(out, rows.Render());

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
