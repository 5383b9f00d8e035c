// Delivery into Aggregator: ApplyEvaluation and ApplyEvaluations, one
// evaluation or a batch of them moved into the rollups along their paths.

#include "services/aggregation/aggregator.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/aggregation/aggregation_keys.h"
#include "services/aggregation/aggregator_internal.h"
#include "services/aggregation/measures.h"

namespace budgetperf {

namespace keys = aggregation_keys;

using aggregator_internal::CheckApply;
using aggregator_internal::DivisionOf;
using aggregator_internal::IsOrphanPath;
using aggregator_internal::PathOf;

namespace {

constexpr int kMaxApplyBatch = 10000;

}  // namespace

// ---------------------------------------------------------------------------
// Delivery
// ---------------------------------------------------------------------------

absl::StatusOr<v1::ApplyEvaluationResponse> Aggregator::ApplyEvaluation(
    const v1::ApplyEvaluationRequest& request) {
  RETURN_IF_ERROR(CheckApply(request));
  absl::MutexLock lock(&write_mu_);
  return ApplyLocked(request);
}

absl::StatusOr<std::vector<Aggregator::ApplyResult>> Aggregator::ApplyBatch(
    const std::vector<const v1::ApplyEvaluationRequest*>& requests) {
  if (requests.size() > static_cast<size_t>(kMaxApplyBatch)) {
    return absl::InvalidArgumentError(absl::StrCat(
        requests.size(), " evaluations in one batch; at most ", kMaxApplyBatch));
  }
  std::vector<ApplyResult> results;
  results.reserve(requests.size());
  for (const v1::ApplyEvaluationRequest* request : requests) {
    absl::Status checked = CheckApply(*request);
    if (checked.ok()) {
      results.emplace_back(v1::ApplyEvaluationResponse());
    } else {
      results.emplace_back(std::move(checked));
    }
  }

  absl::MutexLock lock(&write_mu_);
  TreeEditor editor(CurrentTree());
  std::unique_ptr<AggregationStore::Mutation> m = store_->NewMutation();
  RollupBuffer buffer;
  absl::Status failed;
  bool changed = false;
  for (size_t i = 0; i < requests.size() && failed.ok(); ++i) {
    if (!results[i].ok()) continue;
    absl::StatusOr<v1::ApplyEvaluationResponse> one = ApplyIn(editor, *m, &buffer, *requests[i]);
    if (!one.ok()) {
      failed = one.status();
      break;
    }
    changed = changed || (one->outcome() != v1::APPLY_OUTCOME_DUPLICATE &&
                          one->outcome() != v1::APPLY_OUTCOME_STALE);
    results[i] = *std::move(one);
  }
  if (failed.ok()) {
    failed = buffer.Flush(*m);
    if (failed.ok()) {
      // One synced write for the whole batch; a store error here fails it
      // all, as it would have failed the next single apply.
      if (changed) RETURN_IF_ERROR(CommitLocked(*m, editor));
      return results;
    }
  }
  // An item failed part way (e.g. OUT_OF_RANGE): its half-applied changes
  // share the mutation with the others, so drop it all and apply one by
  // one, which gives each item exactly the outcome it would have alone.
  for (size_t i = 0; i < requests.size(); ++i) {
    if (!CheckApply(*requests[i]).ok()) continue;
    results[i] = ApplyLocked(*requests[i]);
  }
  return results;
}

absl::StatusOr<v1::ApplyEvaluationsResponse> Aggregator::ApplyEvaluations(
    const v1::ApplyEvaluationsRequest& request) {
  std::vector<const v1::ApplyEvaluationRequest*> requests;
  requests.reserve(request.evaluations_size());
  for (const v1::ApplyEvaluationRequest& r : request.evaluations()) requests.push_back(&r);
  ASSIGN_OR_RETURN(std::vector<ApplyResult> results, ApplyBatch(requests));
  v1::ApplyEvaluationsResponse response;
  for (size_t i = 0; i < results.size(); ++i) {
    v1::ApplyEvaluationResult* result = response.add_results();
    if (results[i].ok()) {
      *result->mutable_applied() = *std::move(results[i]);
    } else {
      result->set_error_code(static_cast<int32_t>(results[i].status().code()));
      result->set_error_message(
          absl::StrCat("evaluations[", i, "]: ", results[i].status().message()));
    }
  }
  return response;
}

absl::StatusOr<v1::ApplyEvaluationResponse> Aggregator::ApplyLocked(
    const v1::ApplyEvaluationRequest& request) {
  TreeEditor editor(CurrentTree());
  std::unique_ptr<AggregationStore::Mutation> m = store_->NewMutation();
  ASSIGN_OR_RETURN(v1::ApplyEvaluationResponse response, ApplyIn(editor, *m, nullptr, request));
  if (response.outcome() != v1::APPLY_OUTCOME_DUPLICATE &&
      response.outcome() != v1::APPLY_OUTCOME_STALE) {
    RETURN_IF_ERROR(CommitLocked(*m, editor));
  }
  return response;
}

absl::StatusOr<v1::ApplyEvaluationResponse> Aggregator::ApplyIn(
    TreeEditor& editor, AggregationStore::Mutation& mutation, RollupBuffer* buffer,
    const v1::ApplyEvaluationRequest& request) {
  const v1::EvaluationPackage& package = request.package();
  const std::string& uscc = package.unit().uscc();
  const int32_t year = package.year();
  AggregationStore::Mutation* m = &mutation;
  ASSIGN_OR_RETURN(std::optional<aggregation::ContributionRecord> old,
                   m->GetContribution(uscc, year));

  v1::ApplyEvaluationResponse response;
  if (old.has_value()) {
    const bool now_scored = old->version() == request.version() && !old->scored() &&
                            request.has_score();
    if (old->version() > request.version() ||
        (old->version() == request.version() && !now_scored)) {
      response.set_outcome(old->version() > request.version() ? v1::APPLY_OUTCOME_STALE
                                                              : v1::APPLY_OUTCOME_DUPLICATE);
      response.set_applied_version(old->version());
      *response.mutable_path() = old->path();
      response.set_unassigned(IsOrphanPath(PathOf(old->path())));
      return response;
    }
    response.set_outcome(now_scored ? v1::APPLY_OUTCOME_SCORED : v1::APPLY_OUTCOME_REPLACED);
  } else {
    response.set_outcome(v1::APPLY_OUTCOME_APPLIED);
  }

  aggregation::ContributionRecord record;
  record.set_version(request.version());
  record.set_submitted_at_unix_ms(request.submitted_at_unix_ms());
  record.set_unit_name(package.unit().name());
  record.set_division_code(DivisionOf(package));
  const std::vector<std::string> path = UnitPath(editor, *m, uscc, year, record.division_code());
  record.mutable_path()->Assign(path.begin(), path.end());
  *record.mutable_figures() = FiguresOfPackage(package, request.has_score() ? &request.score()
                                                                            : nullptr);
  record.mutable_figures()->mutable_units()->set_unassigned(IsOrphanPath(path) ? 1 : 0);
  if (request.findings_size() > 0) {
    *record.mutable_figures()->mutable_findings() = CountFindings(request.findings());
  }
  if (request.has_score()) {
    record.set_scored(true);
    record.set_computed_centipoints(request.score().graded_centipoints());
    record.set_self_centipoints(request.score().self_graded_centipoints());
  }

  std::optional<Placement> before;
  if (old.has_value()) before = Placement::Of(*old);
  const Placement after = Placement::Of(record);
  RETURN_IF_ERROR(Reroute(*m, uscc, year, before.has_value() ? &*before : nullptr, &after,
                          &record.unit_name(), buffer));
  if (before.has_value() && IsOrphanPath(before->path)) {
    m->DeleteOrphan(before->path[1], year, uscc);
  }
  if (IsOrphanPath(path)) {
    aggregation::OrphanRecord orphan;
    orphan.set_unit_name(record.unit_name());
    orphan.set_division_code(record.division_code());
    m->PutOrphan(path[1], year, uscc, orphan);
  }
  m->PutContribution(uscc, year, record);

  response.set_applied_version(request.version());
  *response.mutable_path() = record.path();
  response.set_unassigned(IsOrphanPath(path));
  return response;
}

}  // namespace budgetperf
