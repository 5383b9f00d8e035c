#include "services/budgetd/in_process.h"

#include "common/status/status_macros.h"
#include "services/scoring/scorer.h"

namespace budgetperf {

absl::StatusOr<v1::ScoreCard> InProcessScorer::Score(const v1::EvaluationPackage& package) {
  ASSIGN_OR_RETURN(const v1::ScoringProfile* profile, profiles_->Find(""));
  return ScorePackage(package, *profile);
}

absl::StatusOr<v1::ApplyEvaluationResponse> InProcessEvaluationSink::Deliver(
    const v1::ApplyEvaluationRequest& request) {
  return aggregator_->ApplyEvaluation(request);
}

std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>> InProcessEvaluationSink::DeliverBatch(
    const std::vector<const v1::ApplyEvaluationRequest*>& requests) {
  absl::StatusOr<std::vector<Aggregator::ApplyResult>> results = aggregator_->ApplyBatch(requests);
  if (!results.ok()) {
    // The store failed the whole round: every item gets its error.
    return std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>>(requests.size(),
                                                                    results.status());
  }
  return *std::move(results);
}

absl::Status InProcessEvaluationSource::ForEachLatest(
    int32_t year, const std::function<absl::Status(const v1::ApplyEvaluationRequest&)>& fn) {
  ingestion::Ingestor* ingestor = ingestor_.load();
  if (ingestor == nullptr) return absl::UnavailableError("ingestion is not open yet");
  v1::ListEvaluationsRequest request;
  request.set_year(year);
  request.set_view(v1::EVALUATION_VIEW_FULL);
  ASSIGN_OR_RETURN(std::vector<ingestion::ListingKey> keys,
                   ingestor->ListEvaluationKeys(request));
  for (const ingestion::ListingKey& key : keys) {
    ASSIGN_OR_RETURN(v1::ListEvaluationsResponse listing,
                     ingestor->ReadListing(key, v1::EVALUATION_VIEW_FULL));
    RETURN_IF_ERROR(fn(ingestion::ApplyRequestOf(listing.evaluation())));
  }
  return absl::OkStatus();
}

}  // namespace budgetperf
