// The tree side of Aggregator: upserts, CSV imports and moves of nodes, and
// the re-routing of stored contributions (and findings) that a change of
// the tree causes.

#include "services/aggregation/aggregator.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/status_macros.h"
#include "services/aggregation/aggregation_keys.h"
#include "services/aggregation/aggregator_internal.h"
#include "services/aggregation/measures.h"
#include "services/aggregation/org_csv.h"
#include "services/aggregation/org_csv_errors.h"

namespace budgetperf {

namespace keys = aggregation_keys;

using aggregator_internal::FormatNodeErrors;
using aggregator_internal::IsOrphanPath;
using aggregator_internal::kMaxYear;
using aggregator_internal::PathOf;

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

}  // namespace budgetperf
