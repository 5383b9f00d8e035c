#ifndef BUDGETPERF_SERVICES_AGGREGATION_AGGREGATOR_INTERNAL_H_
#define BUDGETPERF_SERVICES_AGGREGATION_AGGREGATOR_INTERNAL_H_

// What the files of Aggregator share, private to them (the API is
// aggregator.h): the checks of requests, the tree a change works on, the
// rollups a batch changes, and what one record adds to the rollups.
//
//   aggregator.cc            opening, the clock, the commit
//   aggregator_tree.cc       the tree: upserts, CSV imports, moves, and the
//                            re-routing of contributions they cause
//   aggregator_apply.cc      delivery: ApplyEvaluation(s)
//   aggregator_findings.cc   the audit's findings: RecordFindings(Batch)
//   aggregator_recompute.cc  Recompute against the source of evaluations
//   aggregator_queries.cc    the read side

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/status/status_macros.h"
#include "services/aggregation/aggregation_keys.h"
#include "services/aggregation/aggregator.h"
#include "services/aggregation/measures.h"

namespace budgetperf {
namespace aggregator_internal {

inline constexpr int32_t kMinYear = 1;
inline constexpr int32_t kMaxYear = 9999;

// INVALID_ARGUMENT unless kMinYear <= `year` <= kMaxYear; `what` names the
// field in the message.
absl::Status ValidateYear(int32_t year, absl::string_view what);

// Whether a contribution's path runs through the unassigned node (a unit
// the tree does not know).
bool IsOrphanPath(const std::vector<std::string>& path);

// A stored path as a vector.
std::vector<std::string> PathOf(const google::protobuf::RepeatedPtrField<std::string>& path);

// The division a unit's package belongs to: as filed, else the one inside
// its USCC (characters 3–8), else none.
std::string DivisionOf(const v1::EvaluationPackage& package);

// What ApplyEvaluation refuses before looking at the store.
absl::Status CheckApply(const v1::ApplyEvaluationRequest& request);

// "N bad <what>:" and one line per error, labelled by `labels[index]`.
std::string FormatNodeErrors(const std::vector<NodeError>& errors,
                             const std::vector<std::string>& labels, absl::string_view what);

}  // namespace aggregator_internal

// The tree a change works on: the current one until something is added,
// then a private copy that is swapped in when the change commits.
class Aggregator::TreeEditor {
 public:
  explicit TreeEditor(std::shared_ptr<const OrgTree> base) : base_(std::move(base)) {}

  const OrgTree& tree() const { return copy_ != nullptr ? *copy_ : *base_; }
  const OrgTree& base() const { return *base_; }
  OrgTree& Mutable() {
    if (copy_ == nullptr) copy_ = base_->Clone();
    return *copy_;
  }
  bool changed() const { return copy_ != nullptr; }
  std::shared_ptr<const OrgTree> Result() {
    if (copy_ == nullptr) return base_;
    return std::shared_ptr<const OrgTree>(std::move(copy_));
  }

 private:
  std::shared_ptr<const OrgTree> base_;
  std::unique_ptr<OrgTree> copy_;
};

// The rollups one batch of applies changes, each read from the mutation
// once and kept here until Flush writes it once. A rollup's extremes are
// those of its score index (every commit keeps them so): a score added
// moves them in memory; a score taken out that was an extreme (or any
// doubt) has them read from the index (the mutation's, pending entries
// included) at Flush, once per rollup. Nothing in the batch reads the
// extremes before then.
class Aggregator::RollupBuffer {
 public:
  // The rollup of (code, year) as the batch has it (zeros when none is
  // stored). The pointer stays valid until Flush.
  absl::StatusOr<v1::Rollup*> Get(AggregationStore::View& m, const std::string& code,
                                  int32_t year) {
    auto [it, inserted] = entries_.try_emplace(std::make_pair(code, year));
    if (inserted) {
      order_.push_back(&it->first);
      absl::StatusOr<std::optional<v1::Rollup>> stored = m.GetRollup(code, year);
      if (!stored.ok()) {
        entries_.erase(it);
        order_.pop_back();
        return stored.status();
      }
      if (stored->has_value()) {
        it->second.rollup = **std::move(stored);
      } else {
        it->second.rollup.set_node_code(code);
        it->second.rollup.set_year(year);
      }
    }
    return &it->second.rollup;
  }

  // A score (computed, self) left the index of (code, year) (`removed`)
  // and/or entered it (`added`). Call after Get and after the rollup's sums
  // (units.scored among them) took the change.
  void ScoresChanged(const std::string& code, int32_t year,
                     const std::optional<std::pair<int32_t, int32_t>>& removed,
                     const std::optional<std::pair<int32_t, int32_t>>& added) {
    Entry& entry = entries_[std::make_pair(code, year)];
    v1::ScoreStats* stats[2] = {
        entry.rollup.mutable_measures()->mutable_scores()->mutable_computed(),
        entry.rollup.mutable_measures()->mutable_scores()->mutable_self()};
    for (int k = 0; k < 2; ++k) {
      if (entry.rescan[k]) continue;
      v1::ScoreStats* s = stats[k];
      // One index entry per score counted: none left once `removed` went
      // out (a unit's own rollup, replaced by its next version).
      if (removed.has_value() && s->count() == (added.has_value() ? 1 : 0)) {
        s->clear_min_centipoints();
        s->clear_max_centipoints();
      } else if (removed.has_value()) {
        const int32_t r = k == 0 ? removed->first : removed->second;
        // Strictly between the extremes it cannot have been one of them.
        if (!s->has_min_centipoints() || !s->has_max_centipoints() ||
            r <= s->min_centipoints() || r >= s->max_centipoints()) {
          entry.rescan[k] = true;
          continue;
        }
      }
      if (added.has_value()) {
        const int32_t a = k == 0 ? added->first : added->second;
        if (!s->has_min_centipoints() || a < s->min_centipoints()) s->set_min_centipoints(a);
        if (!s->has_max_centipoints() || a > s->max_centipoints()) s->set_max_centipoints(a);
      }
    }
  }

  // Writes every rollup into `m`, in the order first read.
  absl::Status Flush(AggregationStore::Mutation& m) {
    for (const Key* key : order_) {
      Entry& entry = entries_[*key];
      v1::RollupMeasures* measures = entry.rollup.mutable_measures();
      for (auto [kind, stats, rescan] :
           {std::make_tuple(aggregation_keys::kComputedScore,
                            measures->mutable_scores()->mutable_computed(),
                            entry.rescan[0]),
            std::make_tuple(aggregation_keys::kSelfScore,
                            measures->mutable_scores()->mutable_self(),
                            entry.rescan[1])}) {
        if (rescan) {
          ASSIGN_OR_RETURN(auto extremes, m.ScoreExtremes(key->first, key->second, kind));
          if (extremes.has_value()) {
            stats->set_min_centipoints(extremes->first);
            stats->set_max_centipoints(extremes->second);
          } else {
            stats->clear_min_centipoints();
            stats->clear_max_centipoints();
          }
        }
      }
      m.PutRollup(entry.rollup);
    }
    entries_.clear();
    order_.clear();
    return absl::OkStatus();
  }

 private:
  using Key = std::pair<std::string, int32_t>;
  struct Entry {
    v1::Rollup rollup;
    // Whether the computed [0] and self [1] extremes are read at Flush.
    bool rescan[2] = {false, false};
  };
  // std::map: the pointers Get hands out and order_ keeps stay valid.
  std::map<Key, Entry> entries_;
  std::vector<const Key*> order_;
};

// What one record (a contribution or a findings record) adds to the
// rollups: its figures along its path, and its scores in the index.
struct Aggregator::Placement {
  std::vector<std::string> path;
  v1::RollupMeasures figures;
  bool scored = false;
  int32_t computed = 0;
  int32_t self = 0;

  static Placement Of(const aggregation::ContributionRecord& record) {
    Placement p;
    p.path = aggregator_internal::PathOf(record.path());
    p.figures = record.figures();
    p.scored = record.scored();
    p.computed = record.computed_centipoints();
    p.self = record.self_centipoints();
    return p;
  }

  static Placement Of(const aggregation::FindingsRecord& record) {
    Placement p;
    p.path = aggregator_internal::PathOf(record.path());
    p.figures = FiguresOfFindings(record.findings().counts());
    return p;
  }
};

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_AGGREGATION_AGGREGATOR_INTERNAL_H_
