#ifndef BUDGETPERF_SERVICES_AGGREGATION_QUERY_CACHE_H_
#define BUDGETPERF_SERVICES_AGGREGATION_QUERY_CACHE_H_

// QueryCache: the answers of the dashboard's hot queries, kept between calls
// and dropped when a commit touches what they were built from.
//
// A dashboard asks the same few things again and again (a district's rollup,
// the first page of its departments sorted by a measure) while the data
// changes a few times a second at most. Reading a rollup costs a RocksDB
// read, a parse and the derived measures; a Drilldown reads, decorates and
// sorts every child. Kept here, decorated and sorted, a query is a hash
// lookup and a copy of the page.
//
// Two kinds of entries:
//   - a decorated rollup per (code, year) (GetRollup, CompareYears);
//   - the filtered, sorted children of a Drilldown per (node, year, sort,
//     direction, filters), with the node's own rollup; any page is cut from
//     it.
//
// Staying exact (the stores are the truth, this only remembers reads):
//   - Aggregator calls Invalidate after every commit, under its write lock,
//     with the (code, year) rollups the commit wrote. A rollup entry goes
//     with its key; the Drilldown entries of a (node, year) go when the node
//     or one of its children was written (a child is always written with
//     its parent, except by Recompute, which rewrites a subtree from its
//     root down: the caller passes the root's parent too). A tree change
//     clears everything (names, kinds, expected units, children lists).
//   - A reader takes an epoch() before it opens its snapshot and passes it
//     back with what it built; the entry is kept only if no invalidation
//     happened in between. So a reader that read before a commit can never
//     leave a stale entry behind after the commit's invalidation.
// Entries are bounded; past the bound everything is dropped and refilled on
// demand.
//
// Thread-safe.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "budgetperf/v1/aggregation.pb.h"

namespace budgetperf {

class QueryCache {
 public:
  // What a Drilldown query keeps: the node's rollup and every child that
  // passed the filters, in the requested order.
  struct Children {
    std::shared_ptr<const v1::Rollup> node;
    std::vector<std::shared_ptr<const v1::Rollup>> rows;
  };

  struct Limits {
    size_t max_rollups = 20000;
    // Child rows held by all Drilldown entries together.
    size_t max_children_rows = 200000;
  };

  QueryCache() : QueryCache(Limits()) {}
  explicit QueryCache(Limits limits) : limits_(limits) {}
  QueryCache(const QueryCache&) = delete;
  QueryCache& operator=(const QueryCache&) = delete;

  // The current epoch: take it before reading what will be put.
  uint64_t epoch() const;

  // The decorated rollup of (code, year), or null.
  std::shared_ptr<const v1::Rollup> FindRollup(absl::string_view code, int32_t year) const;
  // Keeps a decorated rollup read after `epoch` was taken (dropped if an
  // invalidation happened since).
  void PutRollup(uint64_t epoch, std::shared_ptr<const v1::Rollup> rollup);

  // The Drilldown entry of (node, year) for `query` (DrilldownQueryKey), or
  // null.
  std::shared_ptr<const Children> FindChildren(absl::string_view node, int32_t year,
                                               absl::string_view query) const;
  void PutChildren(uint64_t epoch, absl::string_view node, int32_t year, std::string query,
                   std::shared_ptr<const Children> children);

  // Forgets what depends on the rollups `codes` of `year`: their rollups,
  // and the Drilldown entries of these nodes.
  void Invalidate(const std::vector<std::pair<std::string, int32_t>>& node_years);
  // Forgets everything.
  void Clear();

  // Entries held, for tests.
  size_t rollup_count() const;
  size_t children_count() const;

 private:
  using Key = std::pair<std::string, int32_t>;
  // query key → entry.
  using ChildrenMap = absl::flat_hash_map<std::string, std::shared_ptr<const Children>>;

  void ClearLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Limits limits_;
  mutable absl::Mutex mu_;
  uint64_t epoch_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<Key, std::shared_ptr<const v1::Rollup>> rollups_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<Key, ChildrenMap> children_ ABSL_GUARDED_BY(mu_);
  size_t children_rows_ ABSL_GUARDED_BY(mu_) = 0;
};

// The part of a Drilldown request that decides the rows and their order
// (sort, direction, filters), as a cache key: page size and token left out.
std::string DrilldownQueryKey(const v1::DrilldownRequest& request);

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_AGGREGATION_QUERY_CACHE_H_
