#include "services/aggregation/aggregator.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/codes/uscc.h"
#include "common/status/status_macros.h"
#include "services/aggregation/aggregation_keys.h"
#include "services/aggregation/measures.h"
#include "services/aggregation/org_csv.h"
#include "services/aggregation/org_csv_errors.h"

namespace budgetperf {

namespace keys = aggregation_keys;

namespace {

constexpr int32_t kMinYear = 1;
constexpr int32_t kMaxYear = 9999;
constexpr size_t kMaxSourceBytes = 64;
constexpr int kMaxFindingsBatch = 10000;
constexpr int kMaxApplyBatch = 10000;

absl::Status ValidateYear(int32_t year, absl::string_view what) {
  if (year < kMinYear || year > kMaxYear) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", year, " is not between ", kMinYear, " and ", kMaxYear));
  }
  return absl::OkStatus();
}

bool IsOrphanPath(const std::vector<std::string>& path) {
  return path.size() >= 2 && OrgTree::IsUnassignedCode(path[1]);
}

std::vector<std::string> PathOf(const google::protobuf::RepeatedPtrField<std::string>& path) {
  return std::vector<std::string>(path.begin(), path.end());
}

// The division a unit's package belongs to: as filed, else the one inside
// its USCC (characters 3–8), else none.
std::string DivisionOf(const v1::EvaluationPackage& package) {
  if (!package.unit().division_code().empty()) return package.unit().division_code();
  if (ValidateUscc(package.unit().uscc()).ok()) {
    return std::string(UsccDivisionCode(package.unit().uscc()));
  }
  return "";
}

// What ApplyEvaluation refuses before looking at the store.
absl::Status CheckApply(const v1::ApplyEvaluationRequest& request) {
  RETURN_IF_ERROR(keys::ValidateCode(request.package().unit().uscc(), "package.unit.uscc"));
  RETURN_IF_ERROR(ValidateYear(request.package().year(), "package.year"));
  if (request.version() < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("version ", request.version(), " must be 1 or more"));
  }
  return absl::OkStatus();
}

std::string FormatNodeErrors(const std::vector<NodeError>& errors,
                             const std::vector<std::string>& labels, absl::string_view what) {
  std::vector<std::string> lines;
  for (const NodeError& e : errors) {
    if (e.index >= 0 && e.index < static_cast<int>(labels.size())) {
      lines.push_back(absl::StrCat(labels[e.index], ": ", e.message));
    } else {
      lines.push_back(e.message);
    }
  }
  return absl::StrCat(errors.size(), " bad ", what, ":\n", absl::StrJoin(lines, "\n"));
}

}  // namespace

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
           {std::make_tuple(keys::kComputedScore, measures->mutable_scores()->mutable_computed(),
                            entry.rescan[0]),
            std::make_tuple(keys::kSelfScore, measures->mutable_scores()->mutable_self(),
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
    p.path = PathOf(record.path());
    p.figures = record.figures();
    p.scored = record.scored();
    p.computed = record.computed_centipoints();
    p.self = record.self_centipoints();
    return p;
  }

  static Placement Of(const aggregation::FindingsRecord& record) {
    Placement p;
    p.path = PathOf(record.path());
    p.figures = FiguresOfFindings(record.findings().counts());
    return p;
  }
};

// ---------------------------------------------------------------------------
// Opening
// ---------------------------------------------------------------------------

Aggregator::Aggregator(Options options, std::unique_ptr<AggregationStore> store,
                       std::shared_ptr<const OrgTree> tree)
    : options_(std::move(options)), store_(std::move(store)), tree_(std::move(tree)) {}

Aggregator::~Aggregator() = default;

absl::StatusOr<std::unique_ptr<Aggregator>> Aggregator::Open(Options options) {
  AggregationStore::Options store_options;
  store_options.path = options.data_dir;
  store_options.sync_writes = options.durable;
  ASSIGN_OR_RETURN(std::unique_ptr<AggregationStore> store,
                   AggregationStore::Open(store_options));
  ASSIGN_OR_RETURN(std::vector<v1::OrgNode> nodes, store->LoadNodes());
  auto tree = std::make_shared<OrgTree>();
  for (const v1::OrgNode& node : nodes) tree->Put(node);
  return std::unique_ptr<Aggregator>(
      new Aggregator(std::move(options), std::move(store), std::move(tree)));
}

std::shared_ptr<const OrgTree> Aggregator::CurrentTree() const {
  absl::MutexLock lock(&tree_mu_);
  return tree_;
}

Aggregator::ReadState Aggregator::BeginRead() const {
  absl::MutexLock lock(&tree_mu_);
  return ReadState{tree_, store_->NewReader()};
}

int64_t Aggregator::Now() const {
  if (options_.now_unix_ms) return options_.now_unix_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

absl::Status Aggregator::CommitLocked(AggregationStore::Mutation& m, TreeEditor& editor) {
  if (editor.changed()) {
    absl::Status committed;
    {
      absl::MutexLock lock(&tree_mu_);
      committed = store_->Commit(m);
      if (committed.ok()) tree_ = editor.Result();
    }
    // Names, kinds, expected units and children may all have changed.
    cache_.Clear();
    return committed;
  }
  const absl::Status committed = store_->Commit(m);
  // Dropped even when the write failed: whether it landed is not certain.
  // A Drilldown depends on the node's rollup and its children's; a child is
  // written with its parent along a path, except the root of a Recompute,
  // hence the tree parent of every rollup written too.
  std::shared_ptr<const OrgTree> tree = CurrentTree();
  std::vector<std::pair<std::string, int32_t>> touched;
  touched.reserve(m.written_rollups().size() * 2);
  for (const auto& [code, year] : m.written_rollups()) {
    touched.emplace_back(code, year);
    std::string parent = tree->ParentAt(code, year);
    if (!parent.empty()) touched.emplace_back(std::move(parent), year);
  }
  cache_.Invalidate(touched);
  return committed;
}

// ---------------------------------------------------------------------------
// Re-routing contributions
// ---------------------------------------------------------------------------

std::vector<std::string> Aggregator::UnitPath(TreeEditor& editor, AggregationStore::Mutation& m,
                                              absl::string_view uscc, int32_t year,
                                              absl::string_view division_code) {
  std::vector<std::string> path = editor.tree().UnitPathAt(uscc, year, division_code);
  if (IsOrphanPath(path) && !editor.tree().Known(path[1])) {
    const v1::OrgNode node = OrgTree::MakeUnassignedNode(division_code);
    editor.Mutable().Put(node);
    m.PutNode(node);
  }
  return path;
}

absl::StatusOr<std::optional<std::vector<std::string>>> Aggregator::FindingsPath(
    const OrgTree& tree, AggregationStore::View& view, absl::string_view code, int32_t year) {
  if (tree.NodeAt(code, year) != nullptr) {
    return std::optional<std::vector<std::string>>(tree.PathAt(code, year));
  }
  ASSIGN_OR_RETURN(std::optional<aggregation::ContributionRecord> contribution,
                   view.GetContribution(code, year));
  if (!contribution.has_value()) return std::optional<std::vector<std::string>>();
  return std::optional<std::vector<std::string>>(PathOf(contribution->path()));
}

absl::Status Aggregator::Reroute(AggregationStore::Mutation& m, absl::string_view uscc,
                                 int32_t year, const Placement* before, const Placement* after,
                                 const std::string* own_name, RollupBuffer* buffer) {
  auto contains = [](const Placement* p, const std::string& code) {
    return p != nullptr && std::find(p->path.begin(), p->path.end(), code) != p->path.end();
  };
  std::vector<std::string> codes;
  if (before != nullptr) codes = before->path;
  if (after != nullptr) {
    for (const std::string& code : after->path) {
      if (!contains(before, code)) codes.push_back(code);
    }
  }
  for (const std::string& code : codes) {
    const bool in_before = contains(before, code);
    const bool in_after = contains(after, code);
    v1::Rollup own;
    v1::Rollup* rollup = &own;
    if (buffer != nullptr) {
      ASSIGN_OR_RETURN(rollup, buffer->Get(m, code, year));
    } else {
      ASSIGN_OR_RETURN(std::optional<v1::Rollup> stored, m.GetRollup(code, year));
      if (stored.has_value()) {
        own = *std::move(stored);
      } else {
        own.set_node_code(code);
        own.set_year(year);
      }
    }
    v1::RollupMeasures* measures = rollup->mutable_measures();
    if (in_before) RETURN_IF_ERROR(AddSums(measures, before->figures, -1));
    if (in_after) RETURN_IF_ERROR(AddSums(measures, after->figures, +1));

    bool scores_changed = false;
    // Deleted before put: when the score is unchanged the entry survives.
    if (in_before && before->scored) {
      m.DeleteScore(code, year, keys::kComputedScore, before->computed, uscc);
      m.DeleteScore(code, year, keys::kSelfScore, before->self, uscc);
      scores_changed = true;
    }
    if (in_after && after->scored) {
      m.PutScore(code, year, keys::kComputedScore, after->computed, uscc);
      m.PutScore(code, year, keys::kSelfScore, after->self, uscc);
      scores_changed = true;
    }
    if (scores_changed && buffer != nullptr) {
      std::optional<std::pair<int32_t, int32_t>> removed, added;
      if (in_before && before->scored) removed.emplace(before->computed, before->self);
      if (in_after && after->scored) added.emplace(after->computed, after->self);
      buffer->ScoresChanged(code, year, removed, added);
    } else if (scores_changed) {
      for (auto [kind, stats] :
           {std::make_pair(keys::kComputedScore, measures->mutable_scores()->mutable_computed()),
            std::make_pair(keys::kSelfScore, measures->mutable_scores()->mutable_self())}) {
        ASSIGN_OR_RETURN(auto extremes, m.ScoreExtremes(code, year, kind));
        if (extremes.has_value()) {
          stats->set_min_centipoints(extremes->first);
          stats->set_max_centipoints(extremes->second);
        } else {
          stats->clear_min_centipoints();
          stats->clear_max_centipoints();
        }
      }
    }
    if (own_name != nullptr && after != nullptr && !after->path.empty() &&
        code == after->path.front()) {
      rollup->set_node_name(*own_name);
      rollup->set_node_kind(v1::NODE_KIND_UNIT);
    }
    ClearDerived(measures);
    if (buffer == nullptr) m.PutRollup(own);
  }
  return absl::OkStatus();
}

absl::StatusOr<int> Aggregator::RepathCode(TreeEditor& editor, AggregationStore::Mutation& m,
                                           const std::string& code) {
  // Collected first: the mutation is not written to while its iterator runs.
  std::vector<std::pair<int32_t, aggregation::ContributionRecord>> contributions;
  RETURN_IF_ERROR(m.ForEachContributionOfUnit(
      code, [&](int32_t year, const aggregation::ContributionRecord& record) {
        contributions.emplace_back(year, record);
        return absl::OkStatus();
      }));
  int moved = 0;
  for (auto& [year, record] : contributions) {
    std::vector<std::string> path = UnitPath(editor, m, code, year, record.division_code());
    if (path == PathOf(record.path())) continue;
    const Placement before = Placement::Of(record);
    record.mutable_path()->Assign(path.begin(), path.end());
    record.mutable_figures()->mutable_units()->set_unassigned(IsOrphanPath(path) ? 1 : 0);
    const Placement after = Placement::Of(record);
    RETURN_IF_ERROR(Reroute(m, code, year, &before, &after, &record.unit_name()));
    if (IsOrphanPath(before.path)) m.DeleteOrphan(before.path[1], year, code);
    if (IsOrphanPath(path)) {
      aggregation::OrphanRecord orphan;
      orphan.set_unit_name(record.unit_name());
      orphan.set_division_code(record.division_code());
      m.PutOrphan(path[1], year, code, orphan);
    }
    m.PutContribution(code, year, record);
    ++moved;
  }

  struct FindingsEntry {
    int32_t year;
    std::string source;
    aggregation::FindingsRecord record;
  };
  std::vector<FindingsEntry> findings;
  RETURN_IF_ERROR(m.ForEachFindingsOfCode(
      code, [&](int32_t year, absl::string_view source, const aggregation::FindingsRecord& r) {
        findings.push_back({year, std::string(source), r});
        return absl::OkStatus();
      }));
  for (FindingsEntry& entry : findings) {
    ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> path,
                     FindingsPath(editor.tree(), m, code, entry.year));
    // A code that is no longer anywhere that year keeps its findings where
    // they were rather than lose them.
    if (!path.has_value() || *path == PathOf(entry.record.path())) continue;
    const Placement before = Placement::Of(entry.record);
    entry.record.mutable_path()->Assign(path->begin(), path->end());
    const Placement after = Placement::Of(entry.record);
    RETURN_IF_ERROR(Reroute(m, code, entry.year, &before, &after, nullptr));
    m.PutFindings(code, entry.year, entry.source, entry.record);
  }
  return moved;
}

// ---------------------------------------------------------------------------
// The tree
// ---------------------------------------------------------------------------

absl::StatusOr<int> Aggregator::ChangeTreeLocked(std::vector<v1::OrgNode> nodes,
                                                 const std::vector<std::string>& labels) {
  TreeEditor editor(CurrentTree());
  std::vector<NodeError> errors = ValidateNodeBatch(editor.tree(), &nodes);
  if (!errors.empty()) {
    return absl::InvalidArgumentError(FormatNodeErrors(errors, labels, "nodes"));
  }
  std::unique_ptr<AggregationStore::Mutation> m = store_->NewMutation();
  for (const v1::OrgNode& node : nodes) {
    editor.Mutable().Put(node);
    m->PutNode(node);
  }
  if (std::optional<std::vector<std::string>> cycle = editor.tree().FindCycle()) {
    std::vector<std::string> where;
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (std::find(cycle->begin(), cycle->end(), nodes[i].code()) != cycle->end()) {
        where.push_back(labels[i]);
      }
    }
    return absl::InvalidArgumentError(
        absl::StrCat("the tree would have a cycle: ", absl::StrJoin(*cycle, " → "), " → ",
                     cycle->front(), where.empty() ? "" : " (", absl::StrJoin(where, ", "),
                     where.empty() ? "" : ")"));
  }

  // Whose ancestors may have changed: everything under the changed nodes,
  // in the old tree and the new, and every unassigned unit (an unassigned
  // node's parent follows the tree, and unassigned units may now be in it).
  std::set<std::string> roots;
  for (const v1::OrgNode& node : nodes) roots.insert(node.code());
  for (const std::string& code : editor.tree().UnassignedCodes()) roots.insert(code);
  std::set<std::string> affected = editor.base().DescendantsAnyYear(roots);
  for (const std::string& code : editor.tree().DescendantsAnyYear(roots)) affected.insert(code);
  std::set<std::string> orphans;
  for (const std::string& code : affected) {
    if (!OrgTree::IsUnassignedCode(code)) continue;
    RETURN_IF_ERROR(m->ForEachOrphan(code, [&](int32_t, absl::string_view uscc) {
      orphans.insert(std::string(uscc));
      return absl::OkStatus();
    }));
  }
  affected.insert(orphans.begin(), orphans.end());

  int moved = 0;
  for (const std::string& code : affected) {
    ASSIGN_OR_RETURN(int n, RepathCode(editor, *m, code));
    moved += n;
  }
  RETURN_IF_ERROR(CommitLocked(*m, editor));
  return moved;
}

absl::StatusOr<v1::UpsertNodesResponse> Aggregator::UpsertNodes(
    const v1::UpsertNodesRequest& request) {
  if (request.nodes().empty()) return absl::InvalidArgumentError("no nodes to upsert");
  std::vector<v1::OrgNode> nodes(request.nodes().begin(), request.nodes().end());
  std::vector<std::string> labels;
  for (int i = 0; i < request.nodes_size(); ++i) labels.push_back(absl::StrCat("nodes[", i, "]"));
  absl::MutexLock lock(&write_mu_);
  ASSIGN_OR_RETURN(int moved, ChangeTreeLocked(std::move(nodes), labels));
  v1::UpsertNodesResponse response;
  response.set_nodes_written(request.nodes_size());
  response.set_contributions_moved(moved);
  return response;
}

absl::StatusOr<v1::ImportOrgCsvResponse> Aggregator::ImportOrgCsv(absl::string_view csv) {
  OrgCsvParse parsed = ParseOrgCsv(csv);
  std::vector<v1::OrgNode> nodes;
  std::vector<std::string> labels;
  int units = 0;
  for (const OrgCsvRow& row : parsed.rows) {
    nodes.push_back(row.node);
    labels.push_back(absl::StrCat("line ", row.line));
    if (row.node.kind() == v1::NODE_KIND_UNIT) ++units;
  }
  absl::MutexLock lock(&write_mu_);
  if (!parsed.errors.empty()) {
    // Check the good rows too, so that one answer lists every bad row.
    std::vector<CsvLineError> errors = parsed.errors;
    std::vector<NodeError> node_errors =
        ValidateNodeBatch(*CurrentTree(), &nodes, parsed.codes_of_bad_rows);
    for (const NodeError& e : node_errors) {
      errors.push_back({e.index >= 0 ? parsed.rows[e.index].line : 0, e.message});
    }
    std::stable_sort(errors.begin(), errors.end(),
                     [](const CsvLineError& a, const CsvLineError& b) { return a.line < b.line; });
    std::vector<std::string> lines;
    for (const CsvLineError& e : errors) lines.push_back(absl::StrCat("line ", e.line, ": ", e.message));
    return WithOrgCsvErrors(
        absl::InvalidArgumentError(
            absl::StrCat("org CSV: ", errors.size(), " bad rows:\n", absl::StrJoin(lines, "\n"))),
        errors);
  }
  if (nodes.empty()) return absl::InvalidArgumentError("org CSV: no rows under the header");
  absl::StatusOr<int> moved = ChangeTreeLocked(std::move(nodes), labels);
  if (!moved.ok()) {
    return absl::Status(moved.status().code(),
                        absl::StrCat("org CSV: ", moved.status().message()));
  }
  v1::ImportOrgCsvResponse response;
  response.set_nodes_written(static_cast<int32_t>(parsed.rows.size()));
  response.set_units(units);
  response.set_contributions_moved(*moved);
  return response;
}

absl::StatusOr<v1::MoveNodeResponse> Aggregator::MoveNode(const v1::MoveNodeRequest& request) {
  RETURN_IF_ERROR(keys::ValidateCode(request.code(), "code"));
  if (request.from_year() < 0 || request.from_year() > kMaxYear) {
    return absl::InvalidArgumentError(
        absl::StrCat("from_year ", request.from_year(), " is not between 0 and ", kMaxYear));
  }
  absl::MutexLock lock(&write_mu_);
  std::shared_ptr<const OrgTree> tree = CurrentTree();
  const v1::OrgNode* current = tree->NodeAt(request.code(), request.from_year());
  if (current == nullptr) {
    const std::vector<v1::OrgNode>* versions = tree->Versions(request.code());
    if (versions == nullptr) {
      return absl::NotFoundError(absl::StrCat("node \"", request.code(), "\" is not in the tree"));
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "node \"", request.code(), "\" is not in the tree in ", request.from_year(),
        " (its first version is from ", versions->front().valid_from_year(), ")"));
  }
  if (current->kind() == v1::NODE_KIND_UNASSIGNED) {
    return absl::InvalidArgumentError("unassigned nodes follow their division and cannot move");
  }
  v1::OrgNode moved_node = *current;
  moved_node.set_parent_code(request.new_parent_code());
  moved_node.set_valid_from_year(request.from_year());
  ASSIGN_OR_RETURN(int moved, ChangeTreeLocked({moved_node}, {"the move"}));
  v1::MoveNodeResponse response;
  *response.mutable_node() = moved_node;
  response.set_contributions_moved(moved);
  return response;
}

absl::StatusOr<v1::GetNodeResponse> Aggregator::GetNode(const v1::GetNodeRequest& request) {
  RETURN_IF_ERROR(keys::ValidateCode(request.code(), "code"));
  std::shared_ptr<const OrgTree> tree = CurrentTree();
  const int32_t year = request.year() <= 0 ? OrgTree::kLatestYear : request.year();
  const std::vector<v1::OrgNode>* versions = tree->Versions(request.code());
  if (versions == nullptr) {
    return absl::NotFoundError(absl::StrCat("node \"", request.code(), "\" is not in the tree"));
  }
  const v1::OrgNode* node = tree->NodeAt(request.code(), year);
  if (node == nullptr) {
    return absl::NotFoundError(absl::StrCat("node \"", request.code(), "\" is not in the tree in ",
                                            year, " (its first version is from ",
                                            versions->front().valid_from_year(), ")"));
  }
  v1::GetNodeResponse response;
  *response.mutable_node() = *node;
  response.mutable_node()->set_parent_code(tree->ParentAt(request.code(), year));
  for (const v1::OrgNode& v : *versions) *response.add_versions() = v;
  for (const std::string& code : tree->PathAt(request.code(), year)) response.add_path(code);
  response.set_expected_units(tree->ExpectedUnits(request.code(), year));
  return response;
}

absl::StatusOr<v1::ListNodesResponse> Aggregator::ListNodes(const v1::ListNodesRequest& request) {
  std::shared_ptr<const OrgTree> tree = CurrentTree();
  const int32_t year = request.year() <= 0 ? OrgTree::kLatestYear : request.year();
  if (!request.parent_code().empty() && !tree->Known(request.parent_code())) {
    return absl::NotFoundError(
        absl::StrCat("node \"", request.parent_code(), "\" is not in the tree"));
  }
  v1::ListNodesResponse response;
  for (const std::string& code : tree->ChildrenAt(request.parent_code(), year)) {
    const v1::OrgNode* node = tree->NodeAt(code, year);
    if (node == nullptr) continue;
    v1::OrgNode* out = response.add_nodes();
    *out = *node;
    out->set_parent_code(tree->ParentAt(code, year));
  }
  return response;
}

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
