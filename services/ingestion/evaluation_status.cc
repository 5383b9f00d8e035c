#include "services/ingestion/evaluation_status.h"

namespace budgetperf {
namespace ingestion {
namespace {

template <typename Findings>
v1::SeverityCounts Count(const Findings& findings) {
  v1::SeverityCounts counts;
  counts.set_total(static_cast<int32_t>(findings.size()));
  for (const v1::Finding& f : findings) {
    switch (f.severity()) {
      case v1::SEVERITY_ERROR:
        counts.set_error(counts.error() + 1);
        break;
      case v1::SEVERITY_WARNING:
        counts.set_warning(counts.warning() + 1);
        break;
      case v1::SEVERITY_NEEDS_EXPLANATION:
        counts.set_needs_explanation(counts.needs_explanation() + 1);
        break;
      default:
        break;
    }
  }
  return counts;
}

}  // namespace

v1::EvaluationStatus HeadlineStatus(v1::EvaluationStatus scoring_status, bool has_errors) {
  // Pending wins: the answer is incomplete, and clients poll until it is not.
  if (scoring_status == v1::SCORING_PENDING) return v1::SCORING_PENDING;
  return has_errors ? v1::HAS_ERRORS : scoring_status;
}

v1::EvaluationStatus ScoringStatusOf(const v1::StoredEvaluation& evaluation) {
  if (evaluation.scoring_status() != v1::EVALUATION_STATUS_UNSPECIFIED) {
    return evaluation.scoring_status();
  }
  return evaluation.status();
}

void SetScoringStatus(v1::StoredEvaluation* evaluation, v1::EvaluationStatus scoring_status) {
  evaluation->set_scoring_status(scoring_status);
  evaluation->set_status(HeadlineStatus(scoring_status, evaluation->has_errors()));
}

v1::SeverityCounts CountFindings(const google::protobuf::RepeatedPtrField<v1::Finding>& findings) {
  return Count(findings);
}

v1::SeverityCounts CountFindings(const std::vector<v1::Finding>& findings) {
  return Count(findings);
}

bool HasErrorFinding(const google::protobuf::RepeatedPtrField<v1::Finding>& findings) {
  for (const v1::Finding& f : findings) {
    if (f.severity() == v1::SEVERITY_ERROR) return true;
  }
  return false;
}

}  // namespace ingestion
}  // namespace budgetperf
