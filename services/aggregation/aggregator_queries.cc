// The read side of Aggregator: every query reads stored rollups from one
// snapshot, with the tree of the same moment.

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/money/rate.h"
#include "common/status/status_macros.h"
#include "services/aggregation/aggregation_keys.h"
#include "services/aggregation/aggregator.h"
#include "services/aggregation/measures.h"
#include "services/aggregation/rollup_query.h"

namespace budgetperf {

namespace keys = aggregation_keys;

namespace {

constexpr int32_t kDefaultTopN = 10;
constexpr int32_t kMaxTopN = 1000;

absl::Status ValidateNodeYear(const std::string& code, int32_t year) {
  RETURN_IF_ERROR(keys::ValidateCode(code, "node_code"));
  if (year < 1 || year > 9999) {
    return absl::InvalidArgumentError(absl::StrCat("year ", year, " is not between 1 and 9999"));
  }
  return absl::OkStatus();
}

v1::Rollup EmptyRollup(const std::string& code, int32_t year) {
  v1::Rollup rollup;
  rollup.set_node_code(code);
  rollup.set_year(year);
  return rollup;
}

// A cached message shared into a response rather than copied, when the
// response lives on an arena (the service puts GetRollup and Drilldown calls
// on one): the arena keeps `keep` (which owns the message) alive until the
// call is done, and the message is only read. Serialising one const message
// from several calls at once is safe (its cached size is a relaxed atomic).
// A page of 20 rollups is some 800 small messages: sharing them is what
// makes a cached Drilldown cost little more than its serialisation.
template <typename Keep>
bool CanShare(google::protobuf::Arena* arena, const std::shared_ptr<Keep>& keep) {
  if (arena == nullptr) return false;
  arena->Own(new std::shared_ptr<Keep>(keep));
  return true;
}

}  // namespace

void Aggregator::Decorate(const OrgTree& tree, v1::Rollup* rollup) {
  std::optional<int64_t> expected;
  if (const v1::OrgNode* node = tree.NodeAt(rollup->node_code(), rollup->year())) {
    rollup->set_node_name(node->name());
    rollup->set_node_kind(node->kind());
    expected = tree.ExpectedUnits(rollup->node_code(), rollup->year());
  } else {
    // A unit outside the tree that year: expected nowhere.
    expected = 0;
  }
  ClearDerived(rollup->mutable_measures());
  FillDerived(rollup->mutable_measures(), expected);
}

absl::StatusOr<v1::Rollup> Aggregator::ReadRollup(const ReadState& state, const std::string& code,
                                                  int32_t year) {
  ASSIGN_OR_RETURN(std::optional<v1::Rollup> stored, state.reader->GetRollup(code, year));
  if (!stored.has_value() && !state.tree->Known(code)) {
    return absl::NotFoundError(
        absl::StrCat("\"", code, "\" is neither a node of the tree nor a unit that filed"));
  }
  v1::Rollup rollup = stored.has_value() ? *std::move(stored) : EmptyRollup(code, year);
  Decorate(*state.tree, &rollup);
  return rollup;
}

absl::StatusOr<std::vector<std::string>> Aggregator::SubtreeUnits(const ReadState& state,
                                                                  const std::string& code,
                                                                  int32_t year) {
  std::vector<std::string> units;
  for (const std::string& c : state.tree->SubtreeAt(code, year)) {
    const v1::OrgNode* node = state.tree->NodeAt(c, year);
    if (node == nullptr) continue;
    if (node->kind() == v1::NODE_KIND_UNIT) {
      units.push_back(c);
    } else if (node->kind() == v1::NODE_KIND_UNASSIGNED) {
      ASSIGN_OR_RETURN(auto orphans, state.reader->ListOrphans(c, year));
      for (auto& [uscc, record] : orphans) units.push_back(uscc);
    }
  }
  return units;
}

absl::StatusOr<std::shared_ptr<const v1::Rollup>> Aggregator::CachedRollup(
    const std::string& code, int32_t year) {
  if (std::shared_ptr<const v1::Rollup> hit = cache_.FindRollup(code, year)) return hit;
  const uint64_t epoch = cache_.epoch();  // before the snapshot: see query_cache.h
  ReadState state = BeginRead();
  ASSIGN_OR_RETURN(v1::Rollup rollup, ReadRollup(state, code, year));
  auto shared = std::make_shared<const v1::Rollup>(std::move(rollup));
  cache_.PutRollup(epoch, shared);
  return shared;
}

absl::StatusOr<v1::GetRollupResponse> Aggregator::GetRollup(const v1::GetRollupRequest& request) {
  v1::GetRollupResponse response;
  RETURN_IF_ERROR(GetRollup(request, &response));
  return response;
}

absl::Status Aggregator::GetRollup(const v1::GetRollupRequest& request,
                                   v1::GetRollupResponse* response) {
  RETURN_IF_ERROR(ValidateNodeYear(request.node_code(), request.year()));
  ASSIGN_OR_RETURN(std::shared_ptr<const v1::Rollup> rollup,
                   CachedRollup(request.node_code(), request.year()));
  if (CanShare(response->GetArena(), rollup)) {
    response->unsafe_arena_set_allocated_rollup(const_cast<v1::Rollup*>(rollup.get()));
  } else {
    *response->mutable_rollup() = *rollup;
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::DrilldownResponse> Aggregator::Drilldown(const v1::DrilldownRequest& request) {
  v1::DrilldownResponse response;
  RETURN_IF_ERROR(Drilldown(request, &response));
  return response;
}

absl::Status Aggregator::Drilldown(const v1::DrilldownRequest& request,
                                   v1::DrilldownResponse* response) {
  RETURN_IF_ERROR(ValidateNodeYear(request.node_code(), request.year()));
  RETURN_IF_ERROR(ValidateDrilldown(request));
  const std::string& code = request.node_code();
  const int32_t year = request.year();
  const std::string query = DrilldownQueryKey(request);
  std::shared_ptr<const QueryCache::Children> entry = cache_.FindChildren(code, year, query);
  if (entry == nullptr) {
    // Every child is read, decorated, filtered and sorted once; the pages
    // of the same query are then slices of the cached result.
    const uint64_t epoch = cache_.epoch();  // before the snapshot: see query_cache.h
    ReadState state = BeginRead();
    auto built = std::make_shared<QueryCache::Children>();
    ASSIGN_OR_RETURN(v1::Rollup node_rollup, ReadRollup(state, code, year));
    built->node = std::make_shared<const v1::Rollup>(std::move(node_rollup));

    std::vector<std::string> children;
    const v1::OrgNode* node = state.tree->NodeAt(code, year);
    if (node != nullptr && node->kind() == v1::NODE_KIND_UNASSIGNED) {
      ASSIGN_OR_RETURN(auto orphans, state.reader->ListOrphans(code, year));
      for (auto& [uscc, record] : orphans) children.push_back(uscc);
    } else if (node != nullptr) {
      children = state.tree->ChildrenAt(code, year);
    }
    ASSIGN_OR_RETURN(std::vector<std::optional<v1::Rollup>> stored,
                     state.reader->GetRollups(children, year));
    std::vector<v1::Rollup> rows;
    rows.reserve(children.size());
    for (size_t i = 0; i < children.size(); ++i) {
      // An unassigned node with nothing under it that year is noise.
      if (OrgTree::IsUnassignedCode(children[i]) &&
          (!stored[i].has_value() || SumsAreZero(stored[i]->measures()))) {
        continue;
      }
      v1::Rollup rollup = stored[i].has_value() ? *std::move(stored[i])
                                                : EmptyRollup(children[i], year);
      Decorate(*state.tree, &rollup);
      rows.push_back(std::move(rollup));
    }
    rows = FilterAndSortRollups(std::move(rows), request);
    built->rows.reserve(rows.size());
    for (v1::Rollup& row : rows) {
      built->rows.push_back(std::make_shared<const v1::Rollup>(std::move(row)));
    }
    entry = built;
    cache_.PutChildren(epoch, code, year, query, std::move(built));
  }

  ASSIGN_OR_RETURN(const PageSlice slice, SlicePage(entry->rows.size(), request));
  response->mutable_children()->Reserve(static_cast<int>(slice.end - slice.begin));
  if (CanShare(response->GetArena(), entry)) {
    response->unsafe_arena_set_allocated_node(const_cast<v1::Rollup*>(entry->node.get()));
    for (size_t i = slice.begin; i < slice.end; ++i) {
      response->mutable_children()->UnsafeArenaAddAllocated(
          const_cast<v1::Rollup*>(entry->rows[i].get()));
    }
  } else {
    *response->mutable_node() = *entry->node;
    for (size_t i = slice.begin; i < slice.end; ++i) *response->add_children() = *entry->rows[i];
  }
  response->set_total_children(static_cast<int32_t>(entry->rows.size()));
  response->set_next_page_token(slice.next_page_token);
  return absl::OkStatus();
}

absl::StatusOr<v1::CoverageResponse> Aggregator::Coverage(const v1::CoverageRequest& request) {
  RETURN_IF_ERROR(ValidateNodeYear(request.node_code(), request.year()));
  const std::string& code = request.node_code();
  const int32_t year = request.year();
  ReadState state = BeginRead();
  if (state.tree->NodeAt(code, year) == nullptr) {
    return absl::NotFoundError(absl::StrCat("node \"", code, "\" is not in the tree in ", year));
  }
  std::vector<std::string> units;
  std::vector<std::string> unassigned_nodes;
  for (const std::string& c : state.tree->SubtreeAt(code, year)) {
    const v1::OrgNode* node = state.tree->NodeAt(c, year);
    // The same filers the rollup's 应报 counts: units and USCC-coded
    // departments (their own 部门本级 package).
    if (OrgTree::ExpectedToFile(*node)) units.push_back(c);
    if (node->kind() == v1::NODE_KIND_UNASSIGNED) unassigned_nodes.push_back(c);
  }
  std::sort(units.begin(), units.end());
  ASSIGN_OR_RETURN(auto filed, state.reader->GetContributions(units, year));
  // Last year's filings, for units without an expected budget of their own.
  std::vector<std::string> need_last_year;
  for (const std::string& uscc : units) {
    if (!state.tree->NodeAt(uscc, year)->has_expected_budget_fen()) need_last_year.push_back(uscc);
  }
  ASSIGN_OR_RETURN(auto last_year, state.reader->GetContributions(need_last_year, year - 1));
  size_t last_year_index = 0;

  v1::CoverageResponse response;
  for (size_t i = 0; i < units.size(); ++i) {
    const v1::OrgNode* node = state.tree->NodeAt(units[i], year);
    int64_t budget = 0;
    if (node->has_expected_budget_fen()) {
      budget = node->expected_budget_fen();
    } else {
      const auto& previous = last_year[last_year_index++];
      if (previous.has_value()) budget = previous->figures().funds().full_year_budget_fen();
    }
    response.set_budget_expected_fen(response.budget_expected_fen() + budget);
    if (filed[i].has_value()) {
      response.set_units_filed(response.units_filed() + 1);
      response.set_budget_filed_fen(response.budget_filed_fen() + budget);
    } else {
      v1::MissingUnit* missing = response.add_missing();
      missing->set_uscc(units[i]);
      missing->set_name(node->name());
      missing->set_parent_code(state.tree->ParentAt(units[i], year));
      missing->set_expected_budget_fen(budget);
    }
  }
  response.set_units_expected(static_cast<int64_t>(units.size()));
  if (!units.empty()) {
    ASSIGN_OR_RETURN(int64_t bp, RateBasisPoints(response.units_filed(), response.units_expected()));
    response.set_units_share_bp(bp);
  }
  if (response.budget_expected_fen() != 0) {
    ASSIGN_OR_RETURN(int64_t bp, RateBasisPoints(response.budget_filed_fen(),
                                                 response.budget_expected_fen()));
    response.set_budget_share_bp(bp);
  }
  for (const std::string& u : unassigned_nodes) {
    ASSIGN_OR_RETURN(auto orphans, state.reader->ListOrphans(u, year));
    for (auto& [uscc, record] : orphans) {
      v1::UnassignedUnit* out = response.add_unassigned();
      out->set_uscc(uscc);
      out->set_name(record.unit_name());
      out->set_division_code(record.division_code());
      out->set_unassigned_node(u);
    }
  }
  return response;
}

absl::StatusOr<v1::CompareYearsResponse> Aggregator::CompareYears(
    const v1::CompareYearsRequest& request) {
  RETURN_IF_ERROR(ValidateNodeYear(request.node_code(), request.year_a()));
  RETURN_IF_ERROR(ValidateNodeYear(request.node_code(), request.year_b()));
  std::vector<const MeasureDef*> defs;
  if (request.measures().empty()) {
    for (const MeasureDef& def : MeasureCatalog::Get().measures()) defs.push_back(&def);
  } else {
    for (const std::string& name : request.measures()) {
      ASSIGN_OR_RETURN(const MeasureDef* def, MeasureCatalog::Get().Require(name));
      defs.push_back(def);
    }
  }
  ReadState state = BeginRead();
  v1::CompareYearsResponse response;
  ASSIGN_OR_RETURN(*response.mutable_rollup_a(),
                   ReadRollup(state, request.node_code(), request.year_a()));
  ASSIGN_OR_RETURN(*response.mutable_rollup_b(),
                   ReadRollup(state, request.node_code(), request.year_b()));
  for (const MeasureDef* def : defs) {
    v1::MeasureChange* change = response.add_changes();
    change->set_measure(def->name);
    const std::optional<int64_t> a = MeasureCatalog::Value(response.rollup_a().measures(), *def);
    const std::optional<int64_t> b = MeasureCatalog::Value(response.rollup_b().measures(), *def);
    if (a.has_value()) change->set_value_a(*a);
    if (b.has_value()) change->set_value_b(*b);
    int64_t difference = 0;
    if (a.has_value() && b.has_value() && !__builtin_sub_overflow(*b, *a, &difference)) {
      change->set_change(difference);
      if (*a != 0) {
        absl::StatusOr<int64_t> bp = RateBasisPoints(difference, *a < 0 ? -*a : *a);
        if (bp.ok()) change->set_change_bp(*bp);
      }
    }
  }
  return response;
}

absl::StatusOr<v1::TopNResponse> Aggregator::TopN(const v1::TopNRequest& request) {
  RETURN_IF_ERROR(ValidateNodeYear(request.node_code(), request.year()));
  ASSIGN_OR_RETURN(const MeasureDef* def, MeasureCatalog::Get().Require(request.measure()));
  if (request.n() < 0 || request.n() > kMaxTopN) {
    return absl::InvalidArgumentError(absl::StrCat("n must be between 0 and ", kMaxTopN));
  }
  const int32_t n = request.n() == 0 ? kDefaultTopN : request.n();
  ReadState state = BeginRead();
  if (state.tree->NodeAt(request.node_code(), request.year()) == nullptr) {
    return absl::NotFoundError(absl::StrCat("node \"", request.node_code(),
                                            "\" is not in the tree in ", request.year()));
  }
  ASSIGN_OR_RETURN(std::vector<std::string> units,
                   SubtreeUnits(state, request.node_code(), request.year()));
  ASSIGN_OR_RETURN(std::vector<std::optional<v1::Rollup>> stored,
                   state.reader->GetRollups(units, request.year()));
  std::vector<v1::Rollup> rows;
  for (std::optional<v1::Rollup>& rollup : stored) {
    if (!rollup.has_value()) continue;  // not filed
    Decorate(*state.tree, &*rollup);
    if (!MeasureCatalog::Value(rollup->measures(), *def).has_value()) continue;
    rows.push_back(*std::move(rollup));
  }
  SortRollups(&rows, def, !request.ascending());
  v1::TopNResponse response;
  for (size_t i = 0; i < rows.size() && static_cast<int32_t>(i) < n; ++i) {
    v1::RankedUnit* ranked = response.add_units();
    ranked->set_rank(static_cast<int32_t>(i) + 1);
    ranked->set_uscc(rows[i].node_code());
    ranked->set_name(rows[i].node_name());
    ranked->set_value(*MeasureCatalog::Value(rows[i].measures(), *def));
    *ranked->mutable_rollup() = std::move(rows[i]);
  }
  return response;
}

v1::ListMeasuresResponse Aggregator::ListMeasures() {
  v1::ListMeasuresResponse response;
  for (const MeasureDef& def : MeasureCatalog::Get().measures()) {
    v1::MeasureInfo* info = response.add_measures();
    info->set_name(def.name);
    info->set_kind(def.kind);
  }
  return response;
}

}  // namespace budgetperf
