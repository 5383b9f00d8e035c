#include "services/consistency/finding_counts.h"

namespace budgetperf {
namespace {

template <typename Findings>
v1::FindingCounts CountAll(const Findings& findings) {
  v1::FindingCounts counts;
  for (const v1::Finding& f : findings) CountFinding(f, &counts);
  return counts;
}

}  // namespace

void CountFinding(const v1::Finding& finding, v1::FindingCounts* counts) {
  counts->set_total(counts->total() + 1);
  switch (finding.severity()) {
    case v1::SEVERITY_ERROR:
      counts->set_error(counts->error() + 1);
      break;
    case v1::SEVERITY_WARNING:
      counts->set_warning(counts->warning() + 1);
      break;
    case v1::SEVERITY_NEEDS_EXPLANATION:
      counts->set_needs_explanation(counts->needs_explanation() + 1);
      break;
    default:
      break;
  }
}

v1::FindingCounts CountFindings(const google::protobuf::RepeatedPtrField<v1::Finding>& findings) {
  return CountAll(findings);
}

v1::FindingCounts CountFindings(const std::vector<v1::Finding>& findings) {
  return CountAll(findings);
}

}  // namespace budgetperf
