#ifndef BUDGETPERF_TOOLS_BUDGETCTL_EVALUATION_TEXT_H_
#define BUDGETPERF_TOOLS_BUDGETCTL_EVALUATION_TEXT_H_

// Ingestion's answers as text for people: what budgetctl submit, get and
// history print without --json. Amounts are in 万元; points with two
// decimals.

#include <string>

#include "budgetperf/v1/ingestion.pb.h"

namespace budgetperf {
namespace budgetctl {

// "SCORED (已评分)", "SCORING_PENDING (评分待定)", ...
std::string StatusText(v1::EvaluationStatus status);

// A Submit's answer: unit, year, version, status, score and grade, then the
// warnings (field, value, message).
std::string FormatSubmitResponse(const v1::SubmitResponse& response);

// A refused package's violations as a table: field, value, rule, message;
// with a note when some were omitted.
std::string FormatViolations(const v1::ValidationErrors& errors);

// A stored version: identity, version and status, the main amounts of
// attachments 1-3 and the report in 万元, the warnings, and the scorecard
// (when scored) as tables.
std::string FormatEvaluation(const v1::GetEvaluationResponse& response);

// The versions of a (unit, year), one row each.
std::string FormatHistory(const v1::ListVersionsResponse& response);

}  // namespace budgetctl
}  // namespace budgetperf

#endif  // BUDGETPERF_TOOLS_BUDGETCTL_EVALUATION_TEXT_H_
