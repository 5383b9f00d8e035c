#include "services/aggregation/rollup_query.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace budgetperf {

namespace {

// Page tokens are the offset of the next row. They are only meaningful for
// the same query; a changed query with an old token gets a shifted page,
// never an error or a crash.
absl::StatusOr<int64_t> ParsePageToken(const std::string& token) {
  if (token.empty()) return 0;
  int64_t offset = 0;
  if (!absl::SimpleAtoi(token, &offset) || offset < 0) {
    return absl::InvalidArgumentError(absl::StrCat("page_token \"", token, "\" is not valid"));
  }
  return offset;
}

int64_t GradeCount(const v1::ScoreStats& stats, v1::Grade grade) {
  switch (grade) {
    case v1::GRADE_EXCELLENT:
      return stats.excellent();
    case v1::GRADE_GOOD:
      return stats.good();
    case v1::GRADE_FAIR:
      return stats.fair();
    case v1::GRADE_POOR:
      return stats.poor();
    default:
      return stats.ungraded();
  }
}

bool ConditionHolds(const v1::Rollup& rollup, const v1::DrilldownFilter& filter) {
  switch (filter.condition_case()) {
    case v1::DrilldownFilter::kKinds:
      for (int kind : filter.kinds().kinds()) {
        if (kind == rollup.node_kind()) return true;
      }
      return false;
    case v1::DrilldownFilter::kGrades:
      for (int grade : filter.grades().grades()) {
        if (GradeCount(rollup.measures().scores().computed(), static_cast<v1::Grade>(grade)) > 0) {
          return true;
        }
      }
      return false;
    case v1::DrilldownFilter::kRange: {
      const MeasureDef* def = MeasureCatalog::Get().Find(filter.range().measure());
      if (def == nullptr) return false;
      std::optional<int64_t> value = MeasureCatalog::Value(rollup.measures(), *def);
      if (!value.has_value()) return false;
      if (filter.range().has_min() && *value < filter.range().min()) return false;
      if (filter.range().has_max() && *value > filter.range().max()) return false;
      return true;
    }
    default:
      return true;  // an empty filter
  }
}

}  // namespace

absl::Status ValidateDrilldown(const v1::DrilldownRequest& request) {
  if (!request.sort_by().empty()) {
    RETURN_IF_ERROR(MeasureCatalog::Get().Require(request.sort_by()).status());
  }
  for (int i = 0; i < request.filters_size(); ++i) {
    const v1::DrilldownFilter& filter = request.filters(i);
    if (filter.condition_case() == v1::DrilldownFilter::CONDITION_NOT_SET) {
      return absl::InvalidArgumentError(
          absl::StrCat("filters[", i, "] has no condition (kinds, grades or range)"));
    }
    if (filter.has_range()) {
      RETURN_IF_ERROR(MeasureCatalog::Get().Require(filter.range().measure()).status());
      if (filter.range().has_min() && filter.range().has_max() &&
          filter.range().min() > filter.range().max()) {
        return absl::InvalidArgumentError(
            absl::StrCat("filters[", i, "]: min is above max"));
      }
    }
  }
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be between 0 and ", kMaxPageSize));
  }
  return ParsePageToken(request.page_token()).status();
}

bool MatchesFilter(const v1::Rollup& rollup, const v1::DrilldownFilter& filter) {
  return ConditionHolds(rollup, filter) != filter.negate();
}

void SortRollups(std::vector<v1::Rollup>* rows, const MeasureDef* def, bool descending) {
  if (def == nullptr) {
    std::stable_sort(rows->begin(), rows->end(), [](const v1::Rollup& a, const v1::Rollup& b) {
      return a.node_code() < b.node_code();
    });
    return;
  }
  // The values are read once, not at every comparison.
  std::vector<std::pair<std::optional<int64_t>, size_t>> keys;
  keys.reserve(rows->size());
  for (size_t i = 0; i < rows->size(); ++i) {
    keys.emplace_back(MeasureCatalog::Value((*rows)[i].measures(), *def), i);
  }
  std::sort(keys.begin(), keys.end(), [&](const auto& a, const auto& b) {
    if (a.first.has_value() != b.first.has_value()) return a.first.has_value();
    if (a.first.has_value() && *a.first != *b.first) {
      return descending ? *a.first > *b.first : *a.first < *b.first;
    }
    return (*rows)[a.second].node_code() < (*rows)[b.second].node_code();
  });
  std::vector<v1::Rollup> sorted;
  sorted.reserve(rows->size());
  for (const auto& key : keys) sorted.push_back(std::move((*rows)[key.second]));
  *rows = std::move(sorted);
}

std::vector<v1::Rollup> FilterAndSortRollups(std::vector<v1::Rollup> rows,
                                             const v1::DrilldownRequest& request) {
  std::vector<v1::Rollup> kept;
  kept.reserve(rows.size());
  for (v1::Rollup& row : rows) {
    bool keep = true;
    for (const v1::DrilldownFilter& filter : request.filters()) {
      if (!MatchesFilter(row, filter)) {
        keep = false;
        break;
      }
    }
    if (keep) kept.push_back(std::move(row));
  }
  const MeasureDef* def =
      request.sort_by().empty() ? nullptr : MeasureCatalog::Get().Find(request.sort_by());
  SortRollups(&kept, def, request.descending());
  return kept;
}

absl::StatusOr<PageSlice> SlicePage(size_t total, const v1::DrilldownRequest& request) {
  ASSIGN_OR_RETURN(const int64_t offset, ParsePageToken(request.page_token()));
  const int64_t size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  const int64_t count = static_cast<int64_t>(total);
  PageSlice slice;
  const int64_t begin = std::min(offset, count);  // no overflow below for a huge token
  slice.begin = static_cast<size_t>(begin);
  slice.end = static_cast<size_t>(std::min(begin + size, count));
  if (slice.end < total) slice.next_page_token = absl::StrCat(slice.end);
  return slice;
}

absl::StatusOr<RollupPage> SelectRollups(std::vector<v1::Rollup> rows,
                                         const v1::DrilldownRequest& request) {
  RETURN_IF_ERROR(ValidateDrilldown(request));
  std::vector<v1::Rollup> kept = FilterAndSortRollups(std::move(rows), request);
  ASSIGN_OR_RETURN(const PageSlice slice, SlicePage(kept.size(), request));
  RollupPage page;
  page.total = static_cast<int32_t>(kept.size());
  for (size_t i = slice.begin; i < slice.end; ++i) page.rows.push_back(std::move(kept[i]));
  page.next_page_token = slice.next_page_token;
  return page;
}

}  // namespace budgetperf
