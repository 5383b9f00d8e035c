#ifndef BUDGETPERF_SERVICES_AGGREGATION_ORG_TREE_H_
#define BUDGETPERF_SERVICES_AGGREGATION_ORG_TREE_H_

// OrgTree: the organisation tree in memory, with year-versioned parent links.
//
// Each node has one or more versions (v1::OrgNode), each in force from its
// valid_from_year until the next one; a node is in the tree for a year when
// some version is in force. The tree as of a year answers every question
// about that year, so a rollup of 2023 keeps the tree of 2023 after a unit
// moves in 2024.
//
// The tree is small next to the data (thousands of nodes for a district)
// and changes rarely, so the whole of it lives in memory: an apply resolves
// a unit's ancestors by walking parent links, never by a scan. Per-year
// views (children lists, expected unit counts) are built on first use and
// cached; a change makes a new tree (Clone + Put), which starts with no
// cache.
//
// UNASSIGNED nodes ("unassigned-430602") have no stored parent: theirs is
// the shallowest node of their division code in force that year (not a unit,
// not another unassigned node), or none. So an unassigned node hangs under
// its district as soon as the district is imported.
//
// Thread-safety: const methods may be called concurrently (the view cache
// has its own lock); Put must not race with anything.

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "budgetperf/v1/aggregation.pb.h"

namespace budgetperf {

class OrgTree {
 public:
  // A year after every valid_from_year: the latest version of each node.
  static constexpr int32_t kLatestYear = std::numeric_limits<int32_t>::max();
  // The code prefix reserved for unassigned nodes.
  static constexpr absl::string_view kUnassignedPrefix = "unassigned-";

  OrgTree() = default;
  OrgTree(const OrgTree&) = delete;
  OrgTree& operator=(const OrgTree&) = delete;

  // A copy of the nodes (without the cache), to change and swap in.
  std::unique_ptr<OrgTree> Clone() const;

  // Adds a version, or replaces the version of the same code and
  // valid_from_year. Does not validate (see ValidateNodeBatch, FindCycle).
  void Put(const v1::OrgNode& node);

  // Number of distinct codes.
  size_t size() const { return nodes_.size(); }

  // True when `code` has any version.
  bool Known(absl::string_view code) const;

  // Every version of `code`, oldest first; nullptr if unknown.
  const std::vector<v1::OrgNode>* Versions(absl::string_view code) const;

  // The version in force in `year`, or nullptr.
  const v1::OrgNode* NodeAt(absl::string_view code, int32_t year) const;

  // The parent in force in `year`: the version's parent_code (dynamic for
  // UNASSIGNED nodes), or "" for a root, an unknown node, or a parent not in
  // force that year.
  std::string ParentAt(absl::string_view code, int32_t year) const;

  // [code, parent, ..., root] in `year`. Just [code] for a code not in force.
  std::vector<std::string> PathAt(absl::string_view code, int32_t year) const;

  // The path a unit's figures take in `year`: the unit's own PathAt when it
  // is a node in force, else [uscc, "unassigned-<division>", the division's
  // anchor, ..., root], whether or not that unassigned node exists yet.
  std::vector<std::string> UnitPathAt(absl::string_view uscc, int32_t year,
                                      absl::string_view division_code) const;

  // The children of `code` in force in `year` (roots for ""), by code.
  std::vector<std::string> ChildrenAt(absl::string_view code, int32_t year) const;

  // `code` and every descendant in force in `year`, parents before children.
  std::vector<std::string> SubtreeAt(absl::string_view code, int32_t year) const;

  // The expected filers (ExpectedToFile) in force in `year` in the subtree
  // of `code`, itself included (应报单位数).
  int64_t ExpectedUnits(absl::string_view code, int32_t year) const;

  // Whether a node is expected to file a package of its own: every UNIT, and
  // a DEPARTMENT whose code is a USCC. A department (主管部门) is a budget
  // unit itself and files its own package (部门本级) besides its units';
  // that package rolls up at the department's node, since a package is
  // placed by its USCC. So a bureau counting 应报 against 已报 must count such
  // departments too, or more would have filed than were expected (56 of 50).
  // A department coded otherwise ("430602-D01") is a grouping only: nothing
  // can be filed under its code, so nothing is expected of it.
  static bool ExpectedToFile(const v1::OrgNode& node);

  // Every code that lies under one of `roots` (or is one) through the parent
  // links of any version: the codes whose ancestors in some year may change
  // when the roots change.
  std::set<std::string> DescendantsAnyYear(const std::set<std::string>& roots) const;

  // The codes of the UNASSIGNED nodes.
  std::vector<std::string> UnassignedCodes() const;

  // A cycle of parent links in force in some year, as the codes in it, or
  // nullopt when the tree has none.
  std::optional<std::vector<std::string>> FindCycle() const;

  // "unassigned-<division>" ("unassigned-unknown" for an empty division).
  static std::string UnassignedCode(absl::string_view division_code);
  // True for a code with the unassigned prefix.
  static bool IsUnassignedCode(absl::string_view code);
  // The UNASSIGNED node for a division, as it is created on first use.
  static v1::OrgNode MakeUnassignedNode(absl::string_view division_code);

 private:
  struct YearView {
    // code → children in force, by code; "" → the roots.
    absl::flat_hash_map<std::string, std::vector<std::string>> children;
    // code → expected filers in its subtree (ExpectedToFile).
    absl::flat_hash_map<std::string, int64_t> expected_units;
  };

  std::shared_ptr<const YearView> View(int32_t year) const;
  std::shared_ptr<const YearView> BuildView(int32_t year) const;
  // The shallowest non-unit node of `division_code` in force in `year`.
  std::string DivisionAnchor(const std::string& division_code, int32_t year) const;
  // The versions' from-years, and 0: the years at which the tree can change.
  std::vector<int32_t> BreakpointYears() const;

  absl::btree_map<std::string, std::vector<v1::OrgNode>> nodes_;
  // division code → non-unit codes that have a version of that division.
  absl::flat_hash_map<std::string, absl::btree_set<std::string>> by_division_;

  mutable absl::Mutex cache_mu_;
  mutable absl::flat_hash_map<int32_t, std::shared_ptr<const YearView>> views_
      ABSL_GUARDED_BY(cache_mu_);
};

// A problem with one node of a batch, by its index in the batch.
struct NodeError {
  int index = -1;  // -1: the batch as a whole
  std::string message;
};

// Checks a batch of node versions about to be added to `tree`, reporting
// every problem: a malformed code, kind, name or year; a UNIT whose code is
// not a valid USCC (its `uscc` is filled from the code when empty); a bad
// division code; an unknown parent (codes in `also_known` count as known: rows
// of the same import that failed for other reasons); a unit or unassigned
// node as a parent; a unit with children; a code whose kind differs between
// versions; a negative expected budget; the same (code, valid_from_year)
// twice. Cycles are checked on the merged tree (OrgTree::FindCycle).
std::vector<NodeError> ValidateNodeBatch(const OrgTree& tree, std::vector<v1::OrgNode>* batch,
                                         const std::set<std::string>& also_known = {});

// The kind's name as written in CSV files: "province", "city", "district",
// "department", "unit", "unassigned".
std::string NodeKindName(v1::NodeKind kind);

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_AGGREGATION_ORG_TREE_H_
