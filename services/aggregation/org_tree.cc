#include "services/aggregation/org_tree.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/codes/division_code.h"
#include "common/codes/uscc.h"
#include "services/aggregation/aggregation_keys.h"

namespace budgetperf {

namespace {

// Year views kept at once; dashboards ask about a handful of years.
constexpr size_t kMaxCachedViews = 64;

constexpr int32_t kMaxYear = 9999;

}  // namespace

std::unique_ptr<OrgTree> OrgTree::Clone() const {
  auto copy = std::make_unique<OrgTree>();
  copy->nodes_ = nodes_;
  copy->by_division_ = by_division_;
  return copy;
}

void OrgTree::Put(const v1::OrgNode& node) {
  std::vector<v1::OrgNode>& versions = nodes_[node.code()];
  auto it = std::lower_bound(versions.begin(), versions.end(), node.valid_from_year(),
                             [](const v1::OrgNode& v, int32_t year) {
                               return v.valid_from_year() < year;
                             });
  if (it != versions.end() && it->valid_from_year() == node.valid_from_year()) {
    *it = node;
  } else {
    versions.insert(it, node);
  }
  if (node.kind() != v1::NODE_KIND_UNIT && node.kind() != v1::NODE_KIND_UNASSIGNED &&
      !node.division_code().empty()) {
    by_division_[node.division_code()].insert(node.code());
  }
  absl::MutexLock lock(&cache_mu_);
  views_.clear();
}

bool OrgTree::Known(absl::string_view code) const { return nodes_.contains(code); }

const std::vector<v1::OrgNode>* OrgTree::Versions(absl::string_view code) const {
  auto it = nodes_.find(code);
  return it == nodes_.end() ? nullptr : &it->second;
}

const v1::OrgNode* OrgTree::NodeAt(absl::string_view code, int32_t year) const {
  auto it = nodes_.find(code);
  if (it == nodes_.end()) return nullptr;
  const std::vector<v1::OrgNode>& versions = it->second;
  // The last version whose valid_from_year ≤ year.
  auto after = std::upper_bound(versions.begin(), versions.end(), year,
                                [](int32_t y, const v1::OrgNode& v) {
                                  return y < v.valid_from_year();
                                });
  if (after == versions.begin()) return nullptr;
  return &*(after - 1);
}

std::string OrgTree::ParentAt(absl::string_view code, int32_t year) const {
  const v1::OrgNode* node = NodeAt(code, year);
  if (node == nullptr) return "";
  if (node->kind() == v1::NODE_KIND_UNASSIGNED) {
    return DivisionAnchor(node->division_code(), year);
  }
  if (node->parent_code().empty() || NodeAt(node->parent_code(), year) == nullptr) return "";
  return node->parent_code();
}

std::vector<std::string> OrgTree::PathAt(absl::string_view code, int32_t year) const {
  std::vector<std::string> path = {std::string(code)};
  // A validated tree has no cycle; the bound keeps a broken one from hanging.
  while (path.size() <= nodes_.size() + 1) {
    std::string parent = ParentAt(path.back(), year);
    if (parent.empty()) break;
    path.push_back(std::move(parent));
  }
  return path;
}

std::vector<std::string> OrgTree::UnitPathAt(absl::string_view uscc, int32_t year,
                                            absl::string_view division_code) const {
  const v1::OrgNode* node = NodeAt(uscc, year);
  if (node != nullptr && node->kind() != v1::NODE_KIND_UNASSIGNED) return PathAt(uscc, year);
  std::vector<std::string> path = {std::string(uscc), UnassignedCode(division_code)};
  const std::string anchor = DivisionAnchor(std::string(division_code), year);
  if (!anchor.empty()) {
    std::vector<std::string> above = PathAt(anchor, year);
    path.insert(path.end(), above.begin(), above.end());
  }
  return path;
}

std::string OrgTree::DivisionAnchor(const std::string& division_code, int32_t year) const {
  auto it = by_division_.find(division_code);
  if (it == by_division_.end()) return "";
  std::string best;
  size_t best_depth = 0;
  for (const std::string& code : it->second) {  // by code, so ties go to the smallest
    const v1::OrgNode* node = NodeAt(code, year);
    if (node == nullptr || node->division_code() != division_code ||
        node->kind() == v1::NODE_KIND_UNIT || node->kind() == v1::NODE_KIND_UNASSIGNED) {
      continue;
    }
    const size_t depth = PathAt(code, year).size();
    if (best.empty() || depth < best_depth) {
      best = code;
      best_depth = depth;
    }
  }
  return best;
}

std::shared_ptr<const OrgTree::YearView> OrgTree::View(int32_t year) const {
  {
    absl::MutexLock lock(&cache_mu_);
    auto it = views_.find(year);
    if (it != views_.end()) return it->second;
  }
  // Built outside the lock: two threads may build the same view, and the
  // second simply replaces the first.
  std::shared_ptr<const YearView> view = BuildView(year);
  absl::MutexLock lock(&cache_mu_);
  if (views_.size() >= kMaxCachedViews) views_.clear();
  views_[year] = view;
  return view;
}

std::shared_ptr<const OrgTree::YearView> OrgTree::BuildView(int32_t year) const {
  auto view = std::make_shared<YearView>();
  for (const auto& [code, versions] : nodes_) {  // by code: children lists come sorted
    if (NodeAt(code, year) == nullptr) continue;
    view->children[ParentAt(code, year)].push_back(code);
  }
  // Post-order over the forest, iteratively, with a guard against cycles.
  absl::flat_hash_set<std::string> visited;
  auto root_it = view->children.find("");
  if (root_it == view->children.end()) return view;
  struct Frame {
    std::string code;
    size_t next_child = 0;
  };
  for (const std::string& root : root_it->second) {
    std::vector<Frame> stack;
    stack.push_back({root, 0});
    visited.insert(root);
    while (!stack.empty()) {
      Frame& frame = stack.back();
      auto children_it = view->children.find(frame.code);
      if (children_it != view->children.end() &&
          frame.next_child < children_it->second.size()) {
        const std::string& child = children_it->second[frame.next_child++];
        if (visited.insert(child).second) stack.push_back({child, 0});
        continue;
      }
      int64_t count = 0;
      const v1::OrgNode* node = NodeAt(frame.code, year);
      if (node != nullptr && ExpectedToFile(*node)) count = 1;
      if (children_it != view->children.end()) {
        for (const std::string& child : children_it->second) {
          auto c = view->expected_units.find(child);
          if (c != view->expected_units.end()) count += c->second;
        }
      }
      view->expected_units[frame.code] = count;
      stack.pop_back();
    }
  }
  return view;
}

std::vector<std::string> OrgTree::ChildrenAt(absl::string_view code, int32_t year) const {
  std::shared_ptr<const YearView> view = View(year);
  auto it = view->children.find(code);
  if (it == view->children.end()) return {};
  return it->second;
}

std::vector<std::string> OrgTree::SubtreeAt(absl::string_view code, int32_t year) const {
  std::shared_ptr<const YearView> view = View(year);
  std::vector<std::string> out;
  if (NodeAt(code, year) == nullptr) return out;
  absl::flat_hash_set<std::string> seen;
  std::vector<std::string> stack = {std::string(code)};
  while (!stack.empty()) {
    std::string current = std::move(stack.back());
    stack.pop_back();
    if (!seen.insert(current).second) continue;
    auto it = view->children.find(current);
    if (it != view->children.end()) {
      // Reversed so that children come out in code order.
      for (auto c = it->second.rbegin(); c != it->second.rend(); ++c) stack.push_back(*c);
    }
    out.push_back(std::move(current));
  }
  return out;
}

bool OrgTree::ExpectedToFile(const v1::OrgNode& node) {
  switch (node.kind()) {
    case v1::NODE_KIND_UNIT:
      return true;
    case v1::NODE_KIND_DEPARTMENT:
      // Its code is a USCC: a budget unit that files its own package.
      return ValidateUscc(node.code()).ok();
    default:
      return false;
  }
}

int64_t OrgTree::ExpectedUnits(absl::string_view code, int32_t year) const {
  std::shared_ptr<const YearView> view = View(year);
  auto it = view->expected_units.find(code);
  return it == view->expected_units.end() ? 0 : it->second;
}

std::set<std::string> OrgTree::DescendantsAnyYear(const std::set<std::string>& roots) const {
  absl::flat_hash_map<std::string, std::vector<std::string>> children;
  for (const auto& [code, versions] : nodes_) {
    for (const v1::OrgNode& v : versions) {
      if (!v.parent_code().empty()) children[v.parent_code()].push_back(code);
    }
  }
  std::set<std::string> out;
  std::vector<std::string> stack(roots.begin(), roots.end());
  while (!stack.empty()) {
    std::string current = std::move(stack.back());
    stack.pop_back();
    if (!out.insert(current).second) continue;
    auto it = children.find(current);
    if (it != children.end()) {
      for (const std::string& c : it->second) stack.push_back(c);
    }
  }
  return out;
}

std::vector<std::string> OrgTree::UnassignedCodes() const {
  std::vector<std::string> out;
  for (auto it = nodes_.lower_bound(kUnassignedPrefix);
       it != nodes_.end() && absl::StartsWith(it->first, kUnassignedPrefix); ++it) {
    out.push_back(it->first);
  }
  return out;
}

std::vector<int32_t> OrgTree::BreakpointYears() const {
  std::set<int32_t> years = {0};
  for (const auto& [code, versions] : nodes_) {
    for (const v1::OrgNode& v : versions) years.insert(v.valid_from_year());
  }
  return std::vector<int32_t>(years.begin(), years.end());
}

std::optional<std::vector<std::string>> OrgTree::FindCycle() const {
  // The tree of a year only changes at a breakpoint, so checking those years
  // checks all of them.
  for (int32_t year : BreakpointYears()) {
    absl::flat_hash_map<std::string, int> state;  // 1: on the current walk, 2: done
    for (const auto& [code, versions] : nodes_) {
      if (state.contains(code) || NodeAt(code, year) == nullptr) continue;
      std::vector<std::string> walk;
      std::string current = code;
      while (!current.empty()) {
        auto it = state.find(current);
        if (it != state.end()) {
          if (it->second == 1) {
            auto start = std::find(walk.begin(), walk.end(), current);
            return std::vector<std::string>(start, walk.end());
          }
          break;
        }
        state[current] = 1;
        walk.push_back(current);
        current = ParentAt(current, year);
      }
      for (const std::string& c : walk) state[c] = 2;
    }
  }
  return std::nullopt;
}

std::string OrgTree::UnassignedCode(absl::string_view division_code) {
  return absl::StrCat(kUnassignedPrefix, division_code.empty() ? "unknown" : division_code);
}

bool OrgTree::IsUnassignedCode(absl::string_view code) {
  return absl::StartsWith(code, kUnassignedPrefix);
}

v1::OrgNode OrgTree::MakeUnassignedNode(absl::string_view division_code) {
  v1::OrgNode node;
  node.set_code(UnassignedCode(division_code));
  node.set_name(absl::StrCat("未归属单位 (", division_code.empty() ? "unknown" : division_code,
                             ")"));
  node.set_kind(v1::NODE_KIND_UNASSIGNED);
  node.set_division_code(std::string(division_code));
  node.set_valid_from_year(0);
  return node;
}

std::string NodeKindName(v1::NodeKind kind) {
  switch (kind) {
    case v1::NODE_KIND_PROVINCE:
      return "province";
    case v1::NODE_KIND_CITY:
      return "city";
    case v1::NODE_KIND_DISTRICT:
      return "district";
    case v1::NODE_KIND_DEPARTMENT:
      return "department";
    case v1::NODE_KIND_UNIT:
      return "unit";
    case v1::NODE_KIND_UNASSIGNED:
      return "unassigned";
    default:
      return "unspecified";
  }
}

std::vector<NodeError> ValidateNodeBatch(const OrgTree& tree, std::vector<v1::OrgNode>* batch,
                                         const std::set<std::string>& also_known) {
  std::vector<NodeError> errors;
  auto fail = [&](int index, std::string message) {
    errors.push_back({index, std::move(message)});
  };

  // The kind each code has in the batch (its first row) or else the tree.
  absl::flat_hash_map<std::string, v1::NodeKind> batch_kind;
  absl::flat_hash_set<std::string> batch_parents;
  for (const v1::OrgNode& node : *batch) {
    batch_kind.emplace(node.code(), node.kind());
    if (!node.parent_code().empty()) batch_parents.insert(node.parent_code());
  }
  auto kind_of = [&](const std::string& code) -> std::optional<v1::NodeKind> {
    auto it = batch_kind.find(code);
    if (it != batch_kind.end()) return it->second;
    if (const std::vector<v1::OrgNode>* versions = tree.Versions(code)) {
      return versions->back().kind();
    }
    return std::nullopt;
  };
  std::set<std::pair<std::string, int32_t>> seen;
  for (int i = 0; i < static_cast<int>(batch->size()); ++i) {
    v1::OrgNode& node = (*batch)[i];
    const std::string label = absl::StrCat("node \"", node.code(), "\"");
    if (absl::Status s = aggregation_keys::ValidateCode(node.code(), "code"); !s.ok()) {
      fail(i, std::string(s.message()));
      continue;
    }
    if (OrgTree::IsUnassignedCode(node.code())) {
      fail(i, absl::StrCat(label, ": the prefix \"", OrgTree::kUnassignedPrefix,
                           "\" is reserved for the server's unassigned nodes"));
    }
    if (node.kind() < v1::NODE_KIND_PROVINCE || node.kind() > v1::NODE_KIND_UNIT) {
      fail(i, absl::StrCat(label, ": kind must be province, city, district, department or unit"));
    }
    if (node.name().empty()) fail(i, absl::StrCat(label, ": name is empty"));
    if (node.valid_from_year() < 0 || node.valid_from_year() > kMaxYear) {
      fail(i, absl::StrCat(label, ": valid_from_year ", node.valid_from_year(),
                           " is not between 0 and ", kMaxYear));
    }
    if (!seen.insert({node.code(), node.valid_from_year()}).second) {
      fail(i, absl::StrCat(label, " appears twice with valid_from_year ",
                           node.valid_from_year()));
    }
    if (node.kind() == v1::NODE_KIND_UNIT) {
      if (absl::Status s = ValidateUscc(node.code()); !s.ok()) {
        fail(i, absl::StrCat(label, ": a unit's code must be its USCC: ", s.message()));
      }
      if (node.uscc().empty()) {
        node.set_uscc(node.code());
      } else if (node.uscc() != node.code()) {
        fail(i, absl::StrCat(label, ": uscc \"", node.uscc(), "\" differs from the code"));
      }
    }
    if (!node.division_code().empty()) {
      if (absl::Status s = ValidateDivisionCode(node.division_code()); !s.ok()) {
        fail(i, absl::StrCat(label, ": ", s.message()));
      }
    }
    if (node.has_expected_budget_fen() && node.expected_budget_fen() < 0) {
      fail(i, absl::StrCat(label, ": expected budget is negative"));
    }
    if (std::optional<v1::NodeKind> kind = kind_of(node.code());
        kind.has_value() && *kind != node.kind()) {
      fail(i, absl::StrCat(label, " is a ", NodeKindName(*kind),
                           " elsewhere; a node keeps its kind in every version"));
    } else if (const std::vector<v1::OrgNode>* versions = tree.Versions(node.code())) {
      if (versions->front().kind() != node.kind()) {
        fail(i, absl::StrCat(label, " is a ", NodeKindName(versions->front().kind()),
                             " in the tree; a node keeps its kind in every version"));
      }
    }
    const std::string& parent = node.parent_code();
    if (!parent.empty()) {
      if (parent == node.code()) {
        fail(i, absl::StrCat(label, " cannot be its own parent"));
      } else if (std::optional<v1::NodeKind> parent_kind = kind_of(parent);
                 !parent_kind.has_value()) {
        if (!also_known.count(parent)) {
          fail(i, absl::StrCat(label, ": parent \"", parent, "\" is not in the tree"));
        }
      } else if (*parent_kind == v1::NODE_KIND_UNIT ||
                 *parent_kind == v1::NODE_KIND_UNASSIGNED) {
        fail(i, absl::StrCat(label, ": parent \"", parent, "\" is a ",
                             NodeKindName(*parent_kind), ", which cannot have children"));
      }
    }
    if (node.kind() == v1::NODE_KIND_UNIT && batch_parents.contains(node.code())) {
      fail(i, absl::StrCat(label, " is a unit but other rows name it as their parent"));
    }
  }
  // A unit with children already in the tree would have to have been
  // something else before, which the kind check refuses.
  return errors;
}

}  // namespace budgetperf
