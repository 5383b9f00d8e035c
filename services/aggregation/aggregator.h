#ifndef BUDGETPERF_SERVICES_AGGREGATION_AGGREGATOR_H_
#define BUDGETPERF_SERVICES_AGGREGATION_AGGREGATOR_H_

// Aggregator: the organisation tree and the rollups of every node and year,
// kept current incrementally as evaluations arrive. Knows nothing of gRPC:
// the service (aggregation_service.h) only unpacks requests and calls it.
//
//   ASSIGN_OR_RETURN(auto aggregator, Aggregator::Open({.data_dir = "data/aggregation"}));
//   ASSIGN_OR_RETURN(auto imported, aggregator->ImportOrgCsv(csv_text));
//   ASSIGN_OR_RETURN(auto applied, aggregator->ApplyEvaluation(request));
//   ASSIGN_OR_RETURN(auto rollup, aggregator->GetRollup(get_request));
//
// How the totals stay exact:
// - Each (unit, year) keeps the contribution of its applied version: its
//   figures and the path of nodes they were added to. A newer version takes
//   the old figures out of the old path and adds the new ones along the
//   current path: every ancestor, the score index and the contribution in
//   one atomic, synced write batch. The same version again is a no-op, an
//   older one is ignored, so at-least-once delivery in any order converges.
// - A tree change (import, move) re-routes the contributions of the units
//   it concerns, for every year whose ancestors changed, in the same batch as
//   the tree change.
// - Sums are exact int64 (OUT_OF_RANGE rather than overflow); min and max
//   come from a per-(node, year) score index, so a replaced score never
//   leaves a stale extreme; rates and means are computed when read.
// - A unit not in the tree for the year rolls up under the UNASSIGNED node
//   of its division code, and moves into the tree (with its contribution)
//   as soon as it is imported there.
//
// Queries read stored rollups (one Get for GetRollup, one MultiGet of the
// children for a Drilldown) from a snapshot, with the tree in memory, and
// keep what they built in a QueryCache (query_cache.h): the next GetRollup of
// the node, or any page of the same Drilldown, is a lookup until a commit
// touches the node or one of its children. Coverage and TopN look at the
// subtree's units, which is what they are about.
//
// Thread-safety: every method may be called from any thread. Changes are
// serialized by one mutex (the read-modify-write of rollups needs it; an
// apply costs one synced write, an ApplyBatch of many versions one too);
// queries take no lock but a short one to pick up the current tree and a
// snapshot.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "budgetperf/v1/aggregation.pb.h"
#include "services/aggregation/aggregation_store.h"
#include "services/aggregation/evaluation_source.h"
#include "services/aggregation/org_tree.h"
#include "services/aggregation/query_cache.h"

namespace budgetperf {

class Aggregator {
 public:
  struct Options {
    // The RocksDB folder; created if missing.
    std::string data_dir = "data/aggregation";
    // fsync every write batch. Off only for throwaway data.
    bool durable = true;
    // The clock for recorded_at stamps; the system clock when empty.
    std::function<int64_t()> now_unix_ms;
  };

  // Opens the store and loads the tree. INTERNAL when the folder cannot be
  // opened (e.g. another process holds it), DATA_LOSS for unreadable records.
  static absl::StatusOr<std::unique_ptr<Aggregator>> Open(Options options);

  ~Aggregator();
  Aggregator(const Aggregator&) = delete;
  Aggregator& operator=(const Aggregator&) = delete;

  // The store, for backups (common/admin's Checkpointer).
  storage::Checkpointable* checkpointable() const { return store_.get(); }

  // ---- The tree -----------------------------------------------------------

  // Adds or replaces node versions, all checked first (INVALID_ARGUMENT
  // listing every bad node as "nodes[i]: ..."), then written with the
  // contributions they move in one batch.
  absl::StatusOr<v1::UpsertNodesResponse> UpsertNodes(const v1::UpsertNodesRequest& request);

  // Imports the tree from CSV (org_csv.h). INVALID_ARGUMENT listing every bad
  // row as "line N: ..." (nothing is written then).
  absl::StatusOr<v1::ImportOrgCsvResponse> ImportOrgCsv(absl::string_view csv);

  // A node as of a year (0: its latest version). NOT_FOUND if unknown or not
  // in force that year.
  absl::StatusOr<v1::GetNodeResponse> GetNode(const v1::GetNodeRequest& request);

  // The children of a node (the roots for "") as of a year (0: latest).
  // NOT_FOUND for an unknown parent.
  absl::StatusOr<v1::ListNodesResponse> ListNodes(const v1::ListNodesRequest& request);

  // Moves a node under a new parent from a year on (a new version copied
  // from the one in force that year). Contributions of that year and later
  // move between ancestors in the same batch. FAILED_PRECONDITION when the
  // node is not in force that year, INVALID_ARGUMENT for a bad parent or a
  // cycle.
  absl::StatusOr<v1::MoveNodeResponse> MoveNode(const v1::MoveNodeRequest& request);

  // ---- Delivery -----------------------------------------------------------

  // Applies a stored version of a unit's package (see the class comment for
  // the rules). INVALID_ARGUMENT for a missing USCC, a year outside 1–9999 or
  // a version below 1; OUT_OF_RANGE if a sum would overflow.
  absl::StatusOr<v1::ApplyEvaluationResponse> ApplyEvaluation(
      const v1::ApplyEvaluationRequest& request);

  // One item's outcome in ApplyBatch: its response, or the error
  // ApplyEvaluation would have returned for it alone.
  using ApplyResult = absl::StatusOr<v1::ApplyEvaluationResponse>;

  // Applies many versions in order with the outcome of one ApplyEvaluation
  // each (same results, same rollups), but in one synced write: each rollup
  // the batch touches is read once and written once, and its score extremes
  // are taken from the index once. An item ApplyEvaluation would refuse gets
  // its error in its result and the others are applied. INVALID_ARGUMENT
  // for more than 10,000 items; an error of the store (nothing written, or
  // not known whether it was) fails the whole call.
  //
  //   ASSIGN_OR_RETURN(std::vector<Aggregator::ApplyResult> results,
  //                    aggregator->ApplyBatch({&first, &second}));
  absl::StatusOr<std::vector<ApplyResult>> ApplyBatch(
      const std::vector<const v1::ApplyEvaluationRequest*>& requests);
  // ApplyBatch over the RPC's messages.
  absl::StatusOr<v1::ApplyEvaluationsResponse> ApplyEvaluations(
      const v1::ApplyEvaluationsRequest& request);

  // ---- Queries ------------------------------------------------------------

  // The rollup of a node (or unit) for a year, rates filled in: zeros when
  // nothing was filed under it. NOT_FOUND for a code that is neither in the
  // tree nor a unit that filed.
  absl::StatusOr<v1::GetRollupResponse> GetRollup(const v1::GetRollupRequest& request);
  // The same, written into `response` (which may live on the call's arena);
  // on an error it may be partly filled.
  absl::Status GetRollup(const v1::GetRollupRequest& request, v1::GetRollupResponse* response);

  // Each child's rollup (the unassigned units for an UNASSIGNED node),
  // filtered, sorted and paginated (rollup_query.h). Unassigned children
  // with nothing filed are left out.
  absl::StatusOr<v1::DrilldownResponse> Drilldown(const v1::DrilldownRequest& request);
  // The same, written into `response`; on an error it may be partly filled.
  absl::Status Drilldown(const v1::DrilldownRequest& request, v1::DrilldownResponse* response);

  // The units of the subtree that have not filed, the unassigned ones that
  // did, and the share of expected units and budget filed. NOT_FOUND when
  // the node is not in force that year.
  absl::StatusOr<v1::CoverageResponse> Coverage(const v1::CoverageRequest& request);

  // Each measure's value in both years and the change.
  absl::StatusOr<v1::CompareYearsResponse> CompareYears(const v1::CompareYearsRequest& request);

  // The subtree's units (the unassigned ones under it included) ranked by a
  // measure; units without a value are left out.
  absl::StatusOr<v1::TopNResponse> TopN(const v1::TopNRequest& request);

  // Every measure, in the catalog's stable order.
  static v1::ListMeasuresResponse ListMeasures();

  // ---- Findings -----------------------------------------------------------

  // Records one source's findings for a unit or node and year, replacing
  // that source's earlier ones; their counts roll up the ancestors. NOT_FOUND
  // when the code is neither a node in force that year nor a unit with an
  // applied evaluation for the year.
  absl::StatusOr<v1::RecordFindingsResponse> RecordFindings(
      const v1::RecordFindingsRequest& request);

  // Many RecordFindings in one atomic, synced write (at most 10,000). A
  // record RecordFindings would refuse as malformed makes the whole batch
  // INVALID_ARGUMENT ("records[i]: ..."), nothing written; one whose code is
  // unknown (RecordFindings' NOT_FOUND) is reported as not found in its
  // result, and the others are recorded. Records of the same code, year and
  // source apply in order, the last one winning.
  absl::StatusOr<v1::RecordFindingsBatchResponse> RecordFindingsBatch(
      const v1::RecordFindingsBatchRequest& request);

  // The findings recorded for a unit or node and year, by source.
  absl::StatusOr<v1::GetFindingsResponse> GetFindings(const v1::GetFindingsRequest& request);

  // ---- Recompute ----------------------------------------------------------

  // Rebuilds the rollups of a node's subtree for a year and reports any
  // drift from the stored ones. With a source, first applies every latest
  // version the source lists that was not applied here (reapplied_units);
  // without one, re-sums the applied contributions. Unless dry_run, drift is
  // repaired in one batch: contributions whose path disagrees with the tree
  // move (ancestors included), and the subtree's rollups and score index are
  // rewritten. Ancestors above the node are not touched (each rollup is its
  // own record): recompute the root to check every level. The source is
  // read without holding the write lock.
  absl::StatusOr<v1::RecomputeResponse> Recompute(const v1::RecomputeRequest& request,
                                                  EvaluationSource* source);

 private:
  class TreeEditor;
  class RollupBuffer;
  struct Placement;
  struct ReadState {
    std::shared_ptr<const OrgTree> tree;
    std::unique_ptr<AggregationStore::Reader> reader;
  };

  Aggregator(Options options, std::unique_ptr<AggregationStore> store,
             std::shared_ptr<const OrgTree> tree);

  std::shared_ptr<const OrgTree> CurrentTree() const;
  ReadState BeginRead() const;
  int64_t Now() const;

  // Commits `m`, swapping in the edited tree if it changed, then drops from
  // the query cache what the commit may have changed.
  absl::Status CommitLocked(AggregationStore::Mutation& m, TreeEditor& editor)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  absl::StatusOr<v1::ApplyEvaluationResponse> ApplyLocked(
      const v1::ApplyEvaluationRequest& request) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  // Applies a checked request into `m` (rollups through `buffer` when not
  // null), without committing. A DUPLICATE or STALE outcome writes nothing.
  absl::StatusOr<v1::ApplyEvaluationResponse> ApplyIn(TreeEditor& editor,
                                                      AggregationStore::Mutation& m,
                                                      RollupBuffer* buffer,
                                                      const v1::ApplyEvaluationRequest& request)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  // Validates and writes node versions, re-routing what they move. Returns
  // the number of contributions moved. `labels[i]` names nodes[i] in errors.
  absl::StatusOr<int> ChangeTreeLocked(std::vector<v1::OrgNode> nodes,
                                       const std::vector<std::string>& labels)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  // The path a unit's figures go to in `year`, creating its division's
  // UNASSIGNED node (in the editor and in `m`) when it is needed and missing.
  std::vector<std::string> UnitPath(TreeEditor& editor, AggregationStore::Mutation& m,
                                    absl::string_view uscc, int32_t year,
                                    absl::string_view division_code);

  // The path findings of `code` go to in `year`: the node's path if it is in
  // force, else its contribution's; nullopt when neither exists.
  absl::StatusOr<std::optional<std::vector<std::string>>> FindingsPath(
      const OrgTree& tree, AggregationStore::View& view, absl::string_view code, int32_t year);

  // A RecordFindings request's counts, or INVALID_ARGUMENT for a malformed
  // one.
  static absl::StatusOr<v1::FindingCounts> CheckFindings(const v1::RecordFindingsRequest& request);
  // Records one source's findings (checked, `counts` from CheckFindings) in
  // `m`, rolling the change of counts up; nullopt (nothing written) when the
  // code is not known that year.
  absl::StatusOr<std::optional<v1::RecordFindingsResponse>> RecordFindingsIn(
      const OrgTree& tree, AggregationStore::Mutation& m, const v1::RecordFindingsRequest& request,
      const v1::FindingCounts& counts, int64_t now);

  // Takes `before` out of its path's rollups and puts `after` into its
  // path's (either may be null), with the score index and extremes, all in
  // `m`. `own_name` (if given) names the unit's own rollup (after->path[0]).
  // With a `buffer`, rollups are read and changed there (written by its
  // Flush, extremes included) rather than in `m`.
  absl::Status Reroute(AggregationStore::Mutation& m, absl::string_view uscc, int32_t year,
                       const Placement* before, const Placement* after,
                       const std::string* own_name, RollupBuffer* buffer = nullptr);

  // Moves every contribution and findings record of `code` whose path the
  // edited tree changes. Returns how many contributions moved.
  absl::StatusOr<int> RepathCode(TreeEditor& editor, AggregationStore::Mutation& m,
                                 const std::string& code);

  // The decorated rollup of (code, year), from the cache or read (and
  // cached). NOT_FOUND as ReadRollup.
  absl::StatusOr<std::shared_ptr<const v1::Rollup>> CachedRollup(const std::string& code,
                                                                 int32_t year);

  // Fills name, kind and the derived measures from the tree.
  static void Decorate(const OrgTree& tree, v1::Rollup* rollup);
  // The stored rollup of (code, year), decorated; zeros if none stored.
  // NOT_FOUND when the code is unknown to both the tree and the store.
  static absl::StatusOr<v1::Rollup> ReadRollup(const ReadState& state, const std::string& code,
                                               int32_t year);
  // The units of `code`'s subtree in `year`: UNIT nodes in force and the
  // unassigned units under its UNASSIGNED nodes.
  static absl::StatusOr<std::vector<std::string>> SubtreeUnits(const ReadState& state,
                                                               const std::string& code,
                                                               int32_t year);

  const Options options_;
  const std::unique_ptr<AggregationStore> store_;

  // Serializes every change to the store and the tree.
  absl::Mutex write_mu_;
  // Guards tree_; held while a tree-changing batch commits, so that a
  // reader never pairs a new tree with an old snapshot or the reverse.
  mutable absl::Mutex tree_mu_;
  std::shared_ptr<const OrgTree> tree_ ABSL_GUARDED_BY(tree_mu_);

  // What queries built, until a commit touches it.
  QueryCache cache_;
};

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_AGGREGATION_AGGREGATOR_H_
