#ifndef BUDGETPERF_COMMON_AUTH_SCOPE_H_
#define BUDGETPERF_COMMON_AUTH_SCOPE_H_

// Where a unit or an org node lies relative to a bureau: the data behind
// "a bureau reads its subtree". The policy (authorizer.h) asks a
// ScopeResolver; each server plugs in the source it has:
//
//   aggregation  its org tree: TreeScopeResolver over Aggregator::GetNode's
//                path (a NodePathLookup the composition root passes in
//                AccessGuard::Options), or over AggregationService.GetNode
//                (GrpcNodePathLookup) from another server;
//   ingestion    the division code of the unit's latest version:
//                DivisionScopeResolver over IngestionStore::GetLatest (a
//                UnitDivisionLookup passed the same way).
//
// A code the source does not know is kUnknown, which the policy treats like
// kOutside, so that a refusal never tells whether a unit exists.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <grpcpp/channel.h>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "budgetperf/v1/auth.pb.h"

namespace budgetperf {
namespace auth {

// Where a code lies relative to a bureau's node.
enum class Placement {
  kUnknown,  // the source knows no such unit or node (that year)
  kOutside,  // known, and not in the bureau's subtree
  kSelf,     // the bureau's own node
  kBelow,    // strictly below the bureau's node
};

class ScopeResolver {
 public:
  virtual ~ScopeResolver() = default;

  // Where `code` (an org node's code or a unit's USCC) lies relative to
  // `bureau`'s node in `year`'s tree (0: the tree as it stands now).
  // UNAVAILABLE (or another error) when the source cannot be asked.
  // Thread-safe.
  virtual absl::StatusOr<Placement> Locate(const v1::Principal& bureau, absl::string_view code,
                                           int32_t year) = 0;
};

// [code, parent, ..., root] as of `year` (0: latest); NOT_FOUND for a code
// not in the tree that year.
using NodePathLookup =
    std::function<absl::StatusOr<std::vector<std::string>>(absl::string_view code, int32_t year)>;

// Placement by the org tree: kSelf/kBelow when the bureau's node_code is on
// `code`'s path to the root.
class TreeScopeResolver final : public ScopeResolver {
 public:
  explicit TreeScopeResolver(NodePathLookup path_of);
  absl::StatusOr<Placement> Locate(const v1::Principal& bureau, absl::string_view code,
                                   int32_t year) override;

 private:
  const NodePathLookup path_of_;
};

// The division code (行政区划代码) a unit filed under in `year`; nullopt
// when nothing is known of the unit.
using UnitDivisionLookup =
    std::function<absl::StatusOr<std::optional<std::string>>(absl::string_view uscc, int32_t year)>;

// Placement by division code: a unit is below a bureau whose division_code
// contains the unit's division (430600 contains 430602). Units only: a
// bureau is never kSelf here. A bureau without a division code has nothing
// below it.
class DivisionScopeResolver final : public ScopeResolver {
 public:
  explicit DivisionScopeResolver(UnitDivisionLookup division_of);
  absl::StatusOr<Placement> Locate(const v1::Principal& bureau, absl::string_view code,
                                   int32_t year) override;

 private:
  const UnitDivisionLookup division_of_;
};

// Asks each resolver in turn: the first kSelf or kBelow wins; otherwise
// kOutside if any says so, else kUnknown. An error is returned only when no
// resolver placed the code inside.
class AnyScopeResolver final : public ScopeResolver {
 public:
  explicit AnyScopeResolver(std::vector<std::shared_ptr<ScopeResolver>> resolvers = {});
  absl::StatusOr<Placement> Locate(const v1::Principal& bureau, absl::string_view code,
                                   int32_t year) override;

  // Asks `resolver` too, after the others. Thread-safe.
  void Add(std::shared_ptr<ScopeResolver> resolver);

 private:
  absl::Mutex mu_;
  std::vector<std::shared_ptr<ScopeResolver>> resolvers_ ABSL_GUARDED_BY(mu_);
};

// The lookups a server that keeps the tree or the filings places codes by,
// passed by its composition root (budgetd, the servers' main) to the access
// guard: plain functions over its own Aggregator or IngestionStore. Either
// may be empty.
struct ScopeLookups {
  NodePathLookup node_path;
  UnitDivisionLookup unit_division;
};

// NodePathLookup over AggregationService.GetNode on `channel` (which must
// carry a service token; see MakeClientChannel), each answer kept for `ttl`
// so that a dashboard's calls do not each cost a lookup: a node moved out of
// a bureau's subtree leaves its scope within `ttl`.
class GrpcNodePathLookup {
 public:
  struct Options {
    std::chrono::milliseconds ttl{10000};
    std::chrono::milliseconds deadline{3000};
    // Entries kept at most; the cache is emptied when full.
    size_t max_entries = 100000;
  };

  GrpcNodePathLookup(std::shared_ptr<grpc::Channel> channel, Options options);

  // The lookup itself; usable as a NodePathLookup. UNAVAILABLE when
  // aggregation cannot be reached.
  absl::StatusOr<std::vector<std::string>> operator()(absl::string_view code, int32_t year);

 private:
  struct Entry {
    absl::StatusOr<std::vector<std::string>> path;
    std::chrono::steady_clock::time_point until;
  };

  std::shared_ptr<grpc::Channel> channel_;
  const Options options_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace auth
}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_AUTH_SCOPE_H_
