#include "services/ingestion/evaluation_sink.h"

#include "services/ingestion/evaluation_status.h"

namespace budgetperf {
namespace ingestion {

bool IsUnreachable(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status);
}

std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>> EvaluationSink::DeliverBatch(
    const std::vector<const v1::ApplyEvaluationRequest*>& requests) {
  std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>> results;
  results.reserve(requests.size());
  for (const v1::ApplyEvaluationRequest* request : requests) {
    results.push_back(Deliver(*request));
    // The rest would fail the same way.
    if (IsUnreachable(results.back().status())) break;
  }
  return results;
}

v1::ApplyEvaluationRequest ApplyRequestOf(const v1::StoredEvaluation& evaluation) {
  v1::ApplyEvaluationRequest request;
  *request.mutable_package() = evaluation.package();
  request.set_version(evaluation.version());
  request.set_submitted_at_unix_ms(evaluation.submitted_at_unix_ms());
  // Not the headline status: a scored version with error findings is
  // HAS_ERRORS, and its score counts all the same.
  if (ScoringStatusOf(evaluation) == v1::SCORED && evaluation.has_scorecard()) {
    *request.mutable_score() = evaluation.scorecard().summary();
  }
  *request.mutable_findings() = evaluation.findings();
  return request;
}

void TakeApplyRequest(v1::StoredEvaluation* evaluation, v1::ApplyEvaluationRequest* request) {
  request->mutable_package()->Swap(evaluation->mutable_package());
  request->set_version(evaluation->version());
  request->set_submitted_at_unix_ms(evaluation->submitted_at_unix_ms());
  if (ScoringStatusOf(*evaluation) == v1::SCORED && evaluation->has_scorecard()) {
    request->mutable_score()->Swap(evaluation->mutable_scorecard()->mutable_summary());
  }
  request->mutable_findings()->Swap(evaluation->mutable_findings());
}

}  // namespace ingestion
}  // namespace budgetperf
