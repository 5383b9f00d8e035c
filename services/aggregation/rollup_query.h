#ifndef BUDGETPERF_SERVICES_AGGREGATION_ROLLUP_QUERY_H_
#define BUDGETPERF_SERVICES_AGGREGATION_ROLLUP_QUERY_H_

// Filtering, sorting and paging of rollups for Drilldown and TopN: plain
// functions over rollups already read, so they are tested without a store.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "budgetperf/v1/aggregation.pb.h"
#include "services/aggregation/measures.h"

namespace budgetperf {

inline constexpr int32_t kDefaultPageSize = 50;
inline constexpr int32_t kMaxPageSize = 1000;

// One page of rollups.
struct RollupPage {
  std::vector<v1::Rollup> rows;
  int32_t total = 0;            // rows matching the filters, all pages
  std::string next_page_token;  // empty on the last page
};

// Checks a Drilldown request's measures, filters, page size and token.
// INVALID_ARGUMENT naming the first problem.
absl::Status ValidateDrilldown(const v1::DrilldownRequest& request);

// True when `rollup` meets `filter` (negation applied). Unknown measures
// never match (ValidateDrilldown reports them first).
bool MatchesFilter(const v1::Rollup& rollup, const v1::DrilldownFilter& filter);

// Sorts by a measure (by code when `def` is null): rows whose measure is
// absent come last in either direction, ties go by code.
void SortRollups(std::vector<v1::Rollup>* rows, const MeasureDef* def, bool descending);

// Keeps the rows that pass every filter of a (validated) Drilldown request,
// sorted as it asks: every page of the request is a slice of the result.
std::vector<v1::Rollup> FilterAndSortRollups(std::vector<v1::Rollup> rows,
                                             const v1::DrilldownRequest& request);

// Where a request's page lies among `total` rows: [begin, end), and the
// token of the next page ("" on the last one). INVALID_ARGUMENT for a bad
// token.
struct PageSlice {
  size_t begin = 0;
  size_t end = 0;
  std::string next_page_token;
};
absl::StatusOr<PageSlice> SlicePage(size_t total, const v1::DrilldownRequest& request);

// Filters, sorts and cuts the page a (validated) Drilldown request asks for.
absl::StatusOr<RollupPage> SelectRollups(std::vector<v1::Rollup> rows,
                                         const v1::DrilldownRequest& request);

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_AGGREGATION_ROLLUP_QUERY_H_
