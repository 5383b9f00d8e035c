#ifndef BUDGETPERF_SERVICES_CONSISTENCY_FINDING_COUNTS_H_
#define BUDGETPERF_SERVICES_CONSISTENCY_FINDING_COUNTS_H_

// Findings counted by severity (v1::FindingCounts, consistency.proto): the
// one count behind ingestion's submit results and version summaries,
// aggregation's rollup measures and budgetctl's summaries.
//
//   v1::FindingCounts counts = CountFindings(evaluation.findings());
//   // counts.total() == 15, counts.error() == 3, ...

#include <vector>

#include "budgetperf/v1/consistency.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace budgetperf {

// Adds `finding` to `counts`: to the total and to its severity's count. A
// finding of an unknown or unspecified severity counts in the total only.
void CountFinding(const v1::Finding& finding, v1::FindingCounts* counts);

// `findings` counted by severity, as CountFinding does.
v1::FindingCounts CountFindings(const google::protobuf::RepeatedPtrField<v1::Finding>& findings);
v1::FindingCounts CountFindings(const std::vector<v1::Finding>& findings);

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_CONSISTENCY_FINDING_COUNTS_H_
