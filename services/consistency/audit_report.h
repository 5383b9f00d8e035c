#ifndef BUDGETPERF_SERVICES_CONSISTENCY_AUDIT_REPORT_H_
#define BUDGETPERF_SERVICES_CONSISTENCY_AUDIT_REPORT_H_

// How findings are written out for people and spreadsheets: the CSV that
// `budget-audit --csv` and `budgetctl findings --csv` both write, and the
// summary the audit job prints (rules × severities, then the top findings).
//
//   std::string csv = FindingsCsv(findings);
//   std::cout << FindingsSummary(findings, RuleCatalogue::Default(), 10);

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "budgetperf/v1/consistency.pb.h"
#include "services/consistency/rule_catalogue.h"

namespace budgetperf {

// The CSV header line, without the line break:
// "unit,rule_id,severity,field,value_found,expected,difference,message".
absl::string_view FindingsCsvHeader();

// `findings` as CSV (RFC 4180: fields with a comma, quote or line break are
// quoted, quotes doubled; lines end in CRLF), header first, one line per
// finding in the order given. unit is the unit's USCC; severity as a reviewer
// reads it (错误, 警告, 需说明); field the cell's path in the package.
std::string FindingsCsv(const std::vector<v1::Finding>& findings);

// A table of every cross-unit and cross-year rule of `catalogue` with its
// count of findings by severity (rules with findings of other scopes are
// listed too), a total line, then the first `top` findings, errors first,
// each as "USCC 名称  RULE  severity  message". Columns are aligned for CJK.
std::string FindingsSummary(const std::vector<v1::Finding>& findings,
                            const RuleCatalogue& catalogue, size_t top);

// Orders findings for reading: errors, then warnings, then the rest; within
// a severity by rule (catalogue order), unit USCC and field path.
void SortForReading(std::vector<v1::Finding>* findings,
                    const RuleCatalogue& catalogue);

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_CONSISTENCY_AUDIT_REPORT_H_
