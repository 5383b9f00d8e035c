// Recompute in Aggregator: a subtree's rollups rebuilt from the source of
// evaluations (ingestion), compared with the stored ones and repaired.

#include "services/aggregation/aggregator.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/aggregation/aggregation_keys.h"
#include "services/aggregation/aggregator_internal.h"
#include "services/aggregation/measures.h"

namespace budgetperf {

namespace keys = aggregation_keys;

using aggregator_internal::DivisionOf;
using aggregator_internal::IsOrphanPath;
using aggregator_internal::PathOf;
using aggregator_internal::ValidateYear;

// ---------------------------------------------------------------------------
// Recompute
// ---------------------------------------------------------------------------

absl::StatusOr<v1::RecomputeResponse> Aggregator::Recompute(const v1::RecomputeRequest& request,
                                                            EvaluationSource* source) {
  RETURN_IF_ERROR(keys::ValidateCode(request.node_code(), "node_code"));
  RETURN_IF_ERROR(ValidateYear(request.year(), "year"));
  const std::string& node_code = request.node_code();
  const int32_t year = request.year();
  if (CurrentTree()->NodeAt(node_code, year) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("node \"", node_code, "\" is not in the tree in ", year));
  }

  v1::RecomputeResponse response;
  response.set_source(source != nullptr ? source->Describe() : "local");

  // Phase 1, with a source: apply what ingestion has and we do not. Read
  // without the write lock; each apply takes it for itself.
  absl::flat_hash_map<std::string, int32_t> listed;  // uscc → latest version at the source
  if (source != nullptr) {
    RETURN_IF_ERROR(source->ForEachLatest(
        year, [&](const v1::ApplyEvaluationRequest& latest) -> absl::Status {
          const std::string& uscc = latest.package().unit().uscc();
          if (latest.package().year() != year) return absl::OkStatus();
          std::shared_ptr<const OrgTree> tree = CurrentTree();
          const std::vector<std::string> path =
              tree->UnitPathAt(uscc, year, DivisionOf(latest.package()));
          if (std::find(path.begin(), path.end(), node_code) == path.end()) {
            return absl::OkStatus();
          }
          listed[uscc] = latest.version();
          ReadState state = BeginRead();
          ASSIGN_OR_RETURN(std::optional<aggregation::ContributionRecord> applied,
                           state.reader->GetContribution(uscc, year));
          const bool missing = !applied.has_value() || applied->version() < latest.version() ||
                               (applied->version() == latest.version() && !applied->scored() &&
                                latest.has_score());
          if (!missing) return absl::OkStatus();
          response.add_reapplied_units(uscc);
          if (request.dry_run()) return absl::OkStatus();
          return ApplyEvaluation(latest).status();
        }));
  }

  // Phase 2, under the write lock: re-sum the subtree from the
  // contributions, along the paths the tree gives today.
  absl::MutexLock lock(&write_mu_);
  TreeEditor editor(CurrentTree());
  const OrgTree& tree = editor.tree();
  std::unique_ptr<AggregationStore::Mutation> m = store_->NewMutation();

  std::vector<std::string> scope = tree.SubtreeAt(node_code, year);
  absl::flat_hash_set<std::string> in_scope(scope.begin(), scope.end());
  std::vector<std::string> unit_codes = scope;  // any node may have filed as a unit
  for (const std::string& code : scope) {
    if (!OrgTree::IsUnassignedCode(code)) continue;
    ASSIGN_OR_RETURN(auto orphans, m->ListOrphans(code, year));
    for (auto& [uscc, record] : orphans) {
      if (in_scope.insert(uscc).second) {
        scope.push_back(uscc);
        unit_codes.push_back(uscc);
      }
    }
  }

  std::map<std::string, v1::RollupMeasures> expected;
  std::map<std::string, std::vector<std::pair<int32_t, int32_t>>> scores;  // (computed, self)
  for (const std::string& code : scope) expected[code];
  std::vector<std::string> misplaced;  // units whose stored path differs from the tree's
  int32_t units = 0;
  for (const std::string& code : unit_codes) {
    ASSIGN_OR_RETURN(std::optional<aggregation::ContributionRecord> record,
                     m->GetContribution(code, year));
    if (!record.has_value()) continue;
    ++units;
    if (source != nullptr) {
      auto it = listed.find(code);
      if (it == listed.end() || it->second < record->version()) response.add_unknown_units(code);
    }
    const std::vector<std::string> path = tree.UnitPathAt(code, year, record->division_code());
    if (path != PathOf(record->path())) misplaced.push_back(code);
    v1::RollupMeasures figures = record->figures();
    figures.mutable_units()->set_unassigned(IsOrphanPath(path) ? 1 : 0);
    for (const std::string& p : path) {
      if (!in_scope.contains(p)) continue;
      RETURN_IF_ERROR(AddSums(&expected[p], figures, +1));
      if (record->scored()) {
        scores[p].emplace_back(record->computed_centipoints(), record->self_centipoints());
      }
    }
  }
  for (const std::string& code : scope) {
    ASSIGN_OR_RETURN(std::vector<aggregation::FindingsRecord> records,
                     m->ListFindings(code, year));
    if (records.empty()) continue;
    ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> path,
                     FindingsPath(tree, *m, code, year));
    for (const aggregation::FindingsRecord& record : records) {
      const std::vector<std::string> p = path.has_value() ? *path : PathOf(record.path());
      for (const std::string& c : p) {
        if (!in_scope.contains(c)) continue;
        RETURN_IF_ERROR(AddSums(&expected[c], FiguresOfFindings(record.findings().counts()), +1));
      }
    }
  }
  for (auto& [code, list] : scores) {
    v1::ScoreStats* computed = expected[code].mutable_scores()->mutable_computed();
    v1::ScoreStats* self = expected[code].mutable_scores()->mutable_self();
    for (const auto& [c, s] : list) {
      if (!computed->has_min_centipoints() || c < computed->min_centipoints()) {
        computed->set_min_centipoints(c);
      }
      if (!computed->has_max_centipoints() || c > computed->max_centipoints()) {
        computed->set_max_centipoints(c);
      }
      if (!self->has_min_centipoints() || s < self->min_centipoints()) self->set_min_centipoints(s);
      if (!self->has_max_centipoints() || s > self->max_centipoints()) self->set_max_centipoints(s);
    }
  }

  // Compare every stored measure (sums and extremes) with the re-sum.
  std::map<std::string, v1::Rollup> stored;
  for (const std::string& code : scope) {
    ASSIGN_OR_RETURN(std::optional<v1::Rollup> rollup, m->GetRollup(code, year));
    v1::Rollup r;
    if (rollup.has_value()) {
      r = *std::move(rollup);
    } else {
      r.set_node_code(code);
      r.set_year(year);
    }
    for (const MeasureDef& def : MeasureCatalog::Get().measures()) {
      if (def.kind == v1::MEASURE_KIND_DERIVED) continue;
      std::optional<int64_t> was = MeasureCatalog::Value(r.measures(), def);
      std::optional<int64_t> is = MeasureCatalog::Value(expected[code], def);
      if (was != is) {
        v1::MeasureDrift* drift = response.add_drift();
        drift->set_node_code(code);
        drift->set_measure(def.name);
        drift->set_stored(was.value_or(0));
        drift->set_recomputed(is.value_or(0));
      }
    }
    stored[code] = std::move(r);
  }
  response.set_units(units);
  response.set_nodes_checked(static_cast<int32_t>(scope.size()));
  for (const std::string& code : misplaced) {
    v1::MeasureDrift* drift = response.add_drift();
    drift->set_node_code(code);
    drift->set_measure("path");
  }
  if (response.drift().empty() || request.dry_run()) return response;

  // Repair. Misplaced contributions move first, incrementally, so that the
  // ancestors above the subtree follow them; then the subtree's rollups and
  // score index are overwritten with the re-sum. The ancestors above are
  // records of their own, checked when their own subtree is recomputed
  // (recompute the root to check every level): a drift found here says
  // nothing about them.
  for (const std::string& code : misplaced) RETURN_IF_ERROR(RepathCode(editor, *m, code).status());
  for (const std::string& code : scope) {
    v1::Rollup r = stored[code];
    *r.mutable_measures() = expected[code];
    m->PutRollup(r);
    RETURN_IF_ERROR(m->DeleteScores(code, year, keys::kComputedScore));
    RETURN_IF_ERROR(m->DeleteScores(code, year, keys::kSelfScore));
  }
  for (const std::string& code : unit_codes) {
    ASSIGN_OR_RETURN(std::optional<aggregation::ContributionRecord> record,
                     m->GetContribution(code, year));
    if (!record.has_value() || !record->scored()) continue;
    for (const std::string& p : record->path()) {
      if (!in_scope.contains(p)) continue;
      m->PutScore(p, year, keys::kComputedScore, record->computed_centipoints(), code);
      m->PutScore(p, year, keys::kSelfScore, record->self_centipoints(), code);
    }
  }
  RETURN_IF_ERROR(CommitLocked(*m, editor));
  response.set_repaired(true);
  return response;
}

}  // namespace budgetperf
