#ifndef BUDGETPERF_TOOLS_BUDGETCTL_EVALUATION_TEXT_H_
#define BUDGETPERF_TOOLS_BUDGETCTL_EVALUATION_TEXT_H_

// Ingestion's answers as text for people: what budgetctl submit, get and
// history print without --json. Amounts are in 万元; points with two
// decimals.

#include <string>

#include "budgetperf/v1/consistency.pb.h"
#include "budgetperf/v1/ingestion.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace budgetperf {
namespace budgetctl {

// "SCORED (已评分)", "SCORING_PENDING (评分待定)", "HAS_ERRORS (有错误)", ...
std::string StatusText(v1::EvaluationStatus status);

// Findings counted by severity: "2 错误 error, 1 警告 warning, 0 需说明
// needs explanation"; "none" when there are none.
std::string SeverityCountsText(const v1::FindingCounts& counts);

// Consistency findings as a table: rule id, severity, field, value found,
// value expected, difference, message. Empty text for no findings.
std::string FormatFindings(const google::protobuf::RepeatedPtrField<v1::Finding>& findings);

// A Submit's answer: unit, year, version, status (and, apart, the scoring
// status and the findings' counts), score and grade, then the consistency
// findings (FormatFindings) and the warnings (field, value, message).
std::string FormatSubmitResponse(const v1::SubmitResponse& response);

// A package refused by blocking consistency rules: the blocking findings as
// a table, and how many findings the package has in all.
std::string FormatBlockingFindings(const v1::BlockingFindings& blocking);

// A refused package's violations as a table: field, value, rule, message;
// with a note when some were omitted.
std::string FormatViolations(const v1::ValidationErrors& errors);

// A stored version: identity, version and status, the main amounts of
// attachments 1-3 and the report in 万元, the consistency findings, the
// warnings, and the scorecard (when scored) as tables.
std::string FormatEvaluation(const v1::GetEvaluationResponse& response);

// The versions of a (unit, year), one row each.
std::string FormatHistory(const v1::ListVersionsResponse& response);

}  // namespace budgetctl
}  // namespace budgetperf

#endif  // BUDGETPERF_TOOLS_BUDGETCTL_EVALUATION_TEXT_H_
