#ifndef BUDGETPERF_TOOLS_BUDGETCTL_RULES_TEXT_H_
#define BUDGETPERF_TOOLS_BUDGETCTL_RULES_TEXT_H_

// The consistency rule catalogue as `budgetctl rules` prints it: a table for
// people, or CSV for spreadsheets (protobuf JSON is RuleList's own).

#include <string>

#include "absl/strings/string_view.h"
#include "budgetperf/v1/consistency.pb.h"

namespace budgetperf {
namespace budgetctl {

// One row per rule: id, scope, severity (错误/警告/需说明), whether it blocks
// by default, its tolerance (fen or basis points, when it has one), title and
// description.
std::string FormatRulesTable(const v1::RuleList& rules);

// RFC 4180 CSV with a header line:
//   id,scope,severity,blocking,tolerance_fen,tolerance_bp,title,description
// severity is the enum name (SEVERITY_ERROR, ...), scope the short name
// (package, cross-table, ...); tolerances are blank for rules without one.
std::string FormatRulesCsv(const v1::RuleList& rules);

// `field` as one CSV field: quoted (with quotes doubled) when it holds a
// comma, a quote, CR or LF; as is otherwise.
std::string CsvField(absl::string_view field);

}  // namespace budgetctl
}  // namespace budgetperf

#endif  // BUDGETPERF_TOOLS_BUDGETCTL_RULES_TEXT_H_
