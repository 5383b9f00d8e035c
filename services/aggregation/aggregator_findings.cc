// The audit's findings in Aggregator: RecordFindings and
// RecordFindingsBatch, each unit's findings counted into the rollups along
// its path, and GetFindings.

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

using aggregator_internal::PathOf;
using aggregator_internal::ValidateYear;

namespace {

constexpr size_t kMaxSourceBytes = 64;
constexpr int kMaxFindingsBatch = 10000;

}  // namespace

// ---------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------

absl::StatusOr<v1::FindingCounts> Aggregator::CheckFindings(
    const v1::RecordFindingsRequest& request) {
  RETURN_IF_ERROR(keys::ValidateCode(request.code(), "code"));
  RETURN_IF_ERROR(ValidateYear(request.year(), "year"));
  if (request.source().size() > kMaxSourceBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("source is longer than ", kMaxSourceBytes, " bytes"));
  }
  if (request.findings_size() > 0) return CountFindings(request.findings());
  const v1::FindingCounts& given = request.counts();
  if (given.total() < 0 || given.error() < 0 || given.warning() < 0 ||
      given.needs_explanation() < 0) {
    return absl::InvalidArgumentError("finding counts cannot be negative");
  }
  v1::FindingCounts counts = given;
  counts.set_total(
      std::max(given.total(), given.error() + given.warning() + given.needs_explanation()));
  return counts;
}

absl::StatusOr<std::optional<v1::RecordFindingsResponse>> Aggregator::RecordFindingsIn(
    const OrgTree& tree, AggregationStore::Mutation& m, const v1::RecordFindingsRequest& request,
    const v1::FindingCounts& counts, int64_t now) {
  ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> path,
                   FindingsPath(tree, m, request.code(), request.year()));
  if (!path.has_value()) return std::optional<v1::RecordFindingsResponse>();
  ASSIGN_OR_RETURN(std::optional<aggregation::FindingsRecord> old,
                   m.GetFindings(request.code(), request.year(), request.source()));
  aggregation::FindingsRecord record;
  record.mutable_path()->Assign(path->begin(), path->end());
  v1::SourceFindings* findings = record.mutable_findings();
  findings->set_source(request.source());
  *findings->mutable_counts() = counts;
  *findings->mutable_findings() = request.findings();
  findings->set_recorded_at_unix_ms(now);

  // The same counts along the same path (most units, audit after audit:
  // none before, none now) change no rollup: only the record is rewritten.
  const bool unchanged =
      old.has_value()
          ? PathOf(old->path()) == *path &&
                old->findings().counts().SerializeAsString() == counts.SerializeAsString()
          : SumsAreZero(FiguresOfFindings(counts));
  if (!unchanged) {
    std::optional<Placement> before;
    if (old.has_value()) before = Placement::Of(*old);
    const Placement after = Placement::Of(record);
    RETURN_IF_ERROR(Reroute(m, request.code(), request.year(),
                            before.has_value() ? &*before : nullptr, &after, nullptr));
  }
  m.PutFindings(request.code(), request.year(), request.source(), record);

  v1::RecordFindingsResponse response;
  if (old.has_value()) *response.mutable_previous() = old->findings().counts();
  *response.mutable_recorded() = counts;
  return std::optional<v1::RecordFindingsResponse>(std::move(response));
}

absl::StatusOr<v1::RecordFindingsResponse> Aggregator::RecordFindings(
    const v1::RecordFindingsRequest& request) {
  ASSIGN_OR_RETURN(const v1::FindingCounts counts, CheckFindings(request));
  absl::MutexLock lock(&write_mu_);
  TreeEditor editor(CurrentTree());
  std::unique_ptr<AggregationStore::Mutation> m = store_->NewMutation();
  ASSIGN_OR_RETURN(std::optional<v1::RecordFindingsResponse> response,
                   RecordFindingsIn(editor.tree(), *m, request, counts, Now()));
  if (!response.has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "\"", request.code(), "\" is neither a node of the tree in ", request.year(),
        " nor a unit with an evaluation applied for ", request.year()));
  }
  RETURN_IF_ERROR(CommitLocked(*m, editor));
  return *std::move(response);
}

absl::StatusOr<v1::RecordFindingsBatchResponse> Aggregator::RecordFindingsBatch(
    const v1::RecordFindingsBatchRequest& request) {
  if (request.records_size() > kMaxFindingsBatch) {
    return absl::InvalidArgumentError(absl::StrCat(
        request.records_size(), " records in one batch; at most ", kMaxFindingsBatch));
  }
  // Every record is checked before anything is written.
  std::vector<v1::FindingCounts> counts;
  counts.reserve(request.records_size());
  for (int i = 0; i < request.records_size(); ++i) {
    absl::StatusOr<v1::FindingCounts> c = CheckFindings(request.records(i));
    if (!c.ok()) {
      return absl::Status(c.status().code(),
                          absl::StrCat("records[", i, "]: ", c.status().message()));
    }
    counts.push_back(*std::move(c));
  }
  v1::RecordFindingsBatchResponse response;
  absl::MutexLock lock(&write_mu_);
  TreeEditor editor(CurrentTree());
  std::unique_ptr<AggregationStore::Mutation> m = store_->NewMutation();
  const int64_t now = Now();
  for (int i = 0; i < request.records_size(); ++i) {
    ASSIGN_OR_RETURN(std::optional<v1::RecordFindingsResponse> one,
                     RecordFindingsIn(editor.tree(), *m, request.records(i), counts[i], now));
    v1::RecordFindingsResult* result = response.add_results();
    if (!one.has_value()) {
      response.set_not_found(response.not_found() + 1);
      continue;
    }
    result->set_found(true);
    *result->mutable_previous() = std::move(*one->mutable_previous());
    *result->mutable_recorded() = std::move(*one->mutable_recorded());
    response.set_recorded(response.recorded() + 1);
  }
  // One synced write for the whole batch.
  if (response.recorded() > 0) RETURN_IF_ERROR(CommitLocked(*m, editor));
  return response;
}

absl::StatusOr<v1::GetFindingsResponse> Aggregator::GetFindings(
    const v1::GetFindingsRequest& request) {
  RETURN_IF_ERROR(keys::ValidateCode(request.code(), "code"));
  RETURN_IF_ERROR(ValidateYear(request.year(), "year"));
  ReadState state = BeginRead();
  ASSIGN_OR_RETURN(std::vector<aggregation::FindingsRecord> records,
                   state.reader->ListFindings(request.code(), request.year()));
  v1::GetFindingsResponse response;
  for (aggregation::FindingsRecord& record : records) {
    *response.add_sources() = std::move(*record.mutable_findings());
  }
  return response;
}

}  // namespace budgetperf
