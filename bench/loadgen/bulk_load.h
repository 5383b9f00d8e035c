#ifndef BUDGETPERF_BENCH_LOADGEN_BULK_LOAD_H_
#define BUDGETPERF_BENCH_LOADGEN_BULK_LOAD_H_

// Bulk load through IngestionService.SubmitStream: a generated district of
// `units` units streamed over `streams` concurrent streams, the way a bureau
// backfills a year. Packages are generated while streaming, so the client's
// memory stays flat whatever the count.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace budgetperf::bench {

struct BulkLoadOptions {
  std::string target;
  std::string division_code = "430602";
  std::string district_name = "岳阳楼区";
  int departments = 100;
  int units = 100'000;
  int year = 2023;
  int streams = 4;
  uint64_t seed = 1;
  // Also write the district's org tree (CSV) here, for `budgetctl org import`.
  std::string org_csv_path;
};

struct BulkLoadResult {
  int64_t sent = 0;
  int64_t accepted = 0;
  int64_t rejected = 0;
  int64_t failed = 0;
  double seconds = 0;
};

// Streams the packages; fails if a stream fails as a whole.
absl::StatusOr<BulkLoadResult> RunBulkLoad(const BulkLoadOptions& options);

}  // namespace budgetperf::bench

#endif  // BUDGETPERF_BENCH_LOADGEN_BULK_LOAD_H_
