#ifndef BUDGETPERF_SERVICES_INGESTION_INGESTOR_H_
#define BUDGETPERF_SERVICES_INGESTION_INGESTOR_H_

// The ingestion logic: what Submit, GetEvaluation, ListVersions and
// ListEvaluations do, without gRPC.
//
//   Submit: validate → (idempotent replay?) → normalise → check the package
//   rules of the consistency catalogue → score → assign the next version →
//   store everything in one batch → answer.
//
// A package that fails validation is refused with every violation
// (MakeValidationError) and nothing is stored. A package with a finding of a
// rule that its region's ConsistencyConfig makes blocking is refused with
// those findings (MakeBlockingFindingsError) and nothing is stored; other
// findings, errors included, are stored with the version and answered (an
// error finding makes its status HAS_ERRORS once scored; see
// EvaluationStatus in ingestion.proto). A package is stored whether or not
// scoring answers: when it cannot be reached (or no scorer is configured) the
// version is SCORING_PENDING and an outbox record makes the OutboxDispatcher
// score it later. With Options.deliver_to_aggregation, the same batch holds
// a record that makes the dispatcher deliver the version to aggregation.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "budgetperf/v1/ingestion.pb.h"
#include "services/consistency/consistency_config.h"
#include "services/consistency/package_checker.h"
#include "services/ingestion/ingestion_store.h"
#include "services/ingestion/package_validator.h"
#include "services/ingestion/scorer.h"

namespace budgetperf {
namespace ingestion {

// Milliseconds since the Unix epoch, from the system clock.
int64_t SystemUnixMillis();

// SHA-256 of `package`'s deterministic serialization, as lowercase hex: the
// identity of a filing for idempotency checks.
std::string PackageSha256(const v1::EvaluationPackage& package);

// The most entries a batched ListEvaluations message carries (a request may
// ask for more; see ListEvaluationsRequest.batch).
inline constexpr int32_t kMaxListingBatch = 1024;

// Where a batched ListEvaluations message stops taking entries: well under
// gRPC's default 4 MiB receive limit, large enough that a message's own cost
// is spread over some fifty full evaluations.
inline constexpr size_t kListingBatchBytes = 1 << 20;

// One (unit, year) to list, as found in the listing index.
struct ListingKey {
  std::string uscc;
  int32_t year = 0;
  int32_t version = 0;
  std::string unit_name;
  std::string division_code;
  std::string supervising_department;
};

class Ingestor {
 public:
  struct Options {
    // The clock, in Unix milliseconds; tests set a fixed one.
    std::function<int64_t()> clock = SystemUnixMillis;
    // Called after a commit that left work in the outbox (the dispatcher's
    // Notify), so that pending packages are scored without waiting for the
    // next poll. May be empty.
    std::function<void()> on_outbox_work;
    // Write an OUTBOX_DELIVER_AGGREGATION record with every accepted
    // version (in its batch), for the OutboxDispatcher to deliver to
    // aggregation. Off when no aggregation is configured.
    bool deliver_to_aggregation = false;
    // Severities, tolerances, enabling and blocking of the package rules,
    // per region. Default: the catalogue's defaults (nothing blocks).
    ConsistencyConfig consistency;
  };

  // `store` must outlive the Ingestor. `scorer` may be null (no scoring
  // configured: every version is SCORING_PENDING); otherwise it must outlive
  // the Ingestor too.
  Ingestor(IngestionStore* store, Scorer* scorer, Options options);

  Ingestor(const Ingestor&) = delete;
  Ingestor& operator=(const Ingestor&) = delete;

  // Files a package. Answers:
  //   OK: the version stored with its findings (or, for a repeated
  //     idempotency key with the same package, the first answer with
  //     replayed = true);
  //   INVALID_ARGUMENT with a ValidationErrors payload: every violation;
  //     nothing stored;
  //   FAILED_PRECONDITION with a BlockingFindings payload: the findings of
  //     rules the region makes blocking; nothing stored (the key stays free);
  //   ALREADY_EXISTS: the idempotency key was used for a different package;
  //   INTERNAL / DATA_LOSS: the store failed; nothing stored.
  // Thread-safe. Submits for the same (unit, year), or with the same
  // idempotency key, are serialised so that versions are assigned 1, 2, 3...
  // without gaps or duplicates; others run in parallel.
  absl::StatusOr<v1::SubmitResponse> Submit(const v1::SubmitRequest& request);

  // How a Submit's write reaches the disk when the store is durable.
  enum class Sync {
    kNow,    // synced before Submit returns: the answer may be acknowledged
    kLater,  // not waited for: SyncDeferred must return OK before the answer
             // is acknowledged (SubmitStream, which acknowledges at its end)
  };
  absl::StatusOr<v1::SubmitResponse> Submit(const v1::SubmitRequest& request, Sync sync);

  // Syncs every Submit made with Sync::kLater so far (IngestionStore::
  // SyncDeferred). Thread-safe; cheap when there is nothing to sync.
  absl::Status SyncDeferred();

  // A stored version, the latest unless one is asked for. INVALID_ARGUMENT
  // for a malformed USCC or year, NOT_FOUND if there is no such version.
  absl::StatusOr<v1::GetEvaluationResponse> GetEvaluation(const v1::GetEvaluationRequest& request);

  // The history of (unit, year), oldest first; empty if nothing is stored.
  // INVALID_ARGUMENT for a malformed USCC or year.
  absl::StatusOr<v1::ListVersionsResponse> ListVersions(const v1::ListVersionsRequest& request);

  // The (unit, year)s matching `request`'s filters, in year, division, USCC
  // order. The listing is read entry by entry with ReadListing (or a batch
  // at a time with ReadListingBatch), so that a stream of thousands never
  // holds them all in memory. INVALID_ARGUMENT for a malformed filter or a
  // negative batch.
  absl::StatusOr<std::vector<ListingKey>> ListEvaluationKeys(
      const v1::ListEvaluationsRequest& request);

  // One entry of a listing, in the view asked for.
  absl::StatusOr<v1::ListEvaluationsResponse> ReadListing(const ListingKey& key,
                                                          v1::EvaluationView view);

  // The next entries of a listing, from the front of `keys`, as the `batch`
  // items of one batched message: as many as keys has, except that it stops
  // once the items reach `max_bytes` (after at least one). The versions are
  // read together (IngestionStore::GetEvaluationBytes) and sent as stored,
  // without being parsed (see the .cc), so each item is what ReadListing
  // gives for its key. Returns how many keys it used; `response` must be
  // empty. Example, one message of a stream:
  //
  //   v1::ListEvaluationsResponse message;
  //   ASSIGN_OR_RETURN(size_t used, ingestor.ReadListingBatch(
  //       absl::MakeConstSpan(keys).subspan(next, 256), view,
  //       kListingBatchBytes, &message));
  //   next += used;
  absl::StatusOr<size_t> ReadListingBatch(absl::Span<const ListingKey> keys,
                                          v1::EvaluationView view, size_t max_bytes,
                                          v1::ListEvaluationsResponse* response);

 private:
  // Locks are striped: a fixed array of mutexes picked by hash. Two keys may
  // share a stripe, which only serialises them needlessly.
  static constexpr size_t kStripes = 64;

  // The stored answer for `key`, if any: the first answer (replayed) when it
  // was for `sha256`, ALREADY_EXISTS when for another package.
  absl::StatusOr<std::optional<v1::SubmitResponse>> Replay(const std::string& key,
                                                           const std::string& sha256);

  IngestionStore* const store_;
  Scorer* const scorer_;
  const Options options_;
  PackageValidator validator_;
  const PackageChecker checker_;
  // Lock order: an idempotency-key stripe, then a unit stripe.
  std::array<absl::Mutex, kStripes> key_locks_;
  std::array<absl::Mutex, kStripes> unit_locks_;
};

}  // namespace ingestion
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_INGESTION_INGESTOR_H_
