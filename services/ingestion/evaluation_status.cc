#include "services/ingestion/evaluation_status.h"

namespace budgetperf {
namespace ingestion {
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

bool HasErrorFinding(const google::protobuf::RepeatedPtrField<v1::Finding>& findings) {
  for (const v1::Finding& f : findings) {
    if (f.severity() == v1::SEVERITY_ERROR) return true;
  }
  return false;
}

}  // namespace ingestion
}  // namespace budgetperf
