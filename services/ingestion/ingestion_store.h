#ifndef BUDGETPERF_SERVICES_INGESTION_INGESTION_STORE_H_
#define BUDGETPERF_SERVICES_INGESTION_INGESTION_STORE_H_

// Ingestion's RocksDB store: the one owner of the database, its column
// families, its key encoding and its write batches.
//
// Column families and keys (uscc: the 18 ASCII characters of a USCC; year:
// big-endian uint16; version: big-endian uint32; seq: big-endian uint64, so
// that byte order is numeric order):
//
//   evaluations  uscc | year | version  → StoredEvaluation
//                  a unit's versions of a year, oldest first, are the prefix
//                  uscc | year; all its years the prefix uscc
//   latest       uscc | year            → LatestVersionRecord
//   by_year      year | division | uscc → YearIndexRecord
//                  (division: the 6 digits of the division code) a year's
//                  units are the prefix year, a division's the prefix
//                  year | "4306" (the code's significant digits)
//   idempotency  idempotency key        → IdempotencyRecord
//   outbox       seq                    → OutboxRecord, oldest first
//                  (OUTBOX_SCORE: score a pending version;
//                  OUTBOX_DELIVER_AGGREGATION: deliver a version to
//                  aggregation)
//
// Every accepted submission is one WriteBatch (the version, the latest
// pointer, the listing index entry, the idempotency record, the outbox
// records): it is all there or none of it is, across crashes. The WAL is
// always on; with Options.durable each acknowledged write is synced to disk
// first, so it survives a kill -9 or a power cut. A caller that acknowledges
// many writes at once (SubmitStream) may defer their sync
// (NewVersion.defer_sync) and call SyncDeferred once before acknowledging.
// Outbox bookkeeping (CompleteOutbox, UpdateOutbox) is never synced on its
// own: losing it in a power cut only means the work is done again, which
// the outbox allows; the next synced write syncs it anyway.
//
// The records are private to this service (ingestion_records.proto), but
// for StoredEvaluation, which GetEvaluation answers with as it is.
//
// RocksDB statuses are translated here (common/storage/rocks_status.h):
// NotFound → NOT_FOUND (or an empty result), Corruption (and an unreadable
// record) → DATA_LOSS, anything else → INTERNAL.
//
// Thread-safe: RocksDB serialises writes; the store adds no locking of its
// own. Callers that read-modify-write (assigning the next version) serialise
// themselves (see Ingestor).

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "budgetperf/v1/ingestion.pb.h"
#include "common/storage/checkpointable.h"
#include "common/storage/database.h"
#include "google/protobuf/arena.h"
#include "rocksdb/slice.h"
#include "rocksdb/status.h"
#include "services/ingestion/ingestion_records.pb.h"

namespace budgetperf {
namespace ingestion {

// The column families, one per kind of record.
enum class ColumnFamily {
  kDefault,      // RocksDB's own; unused
  kEvaluations,  // every stored version
  kLatest,       // the latest version of each (unit, year)
  kByYear,       // the listing index
  kIdempotency,  // answers to Submits with an idempotency key
  kOutbox,       // work left to do for stored versions
};

// Key encoding, in one place. USCCs are fixed at 18 bytes (callers pass only
// validated codes), which is what makes the concatenations below
// prefix-free.
namespace store_keys {

inline constexpr size_t kUsccBytes = 18;
inline constexpr size_t kDivisionBytes = 6;

// uscc | year | version.
std::string EvaluationKey(absl::string_view uscc, int32_t year, int32_t version);
// uscc | year: the prefix of a unit's versions of a year; also the latest key.
std::string UnitYearKey(absl::string_view uscc, int32_t year);
// year | division | uscc.
std::string YearIndexKey(int32_t year, absl::string_view division_code, absl::string_view uscc);
// year, or year | the leading digits of a division: the prefix scanned to
// list a year's units, or those of a division.
std::string YearIndexPrefix(int32_t year, absl::string_view division_prefix = "");
// seq.
std::string OutboxKey(uint64_t seq);

// Decodes EvaluationKey; false if `key` is not one.
bool ParseEvaluationKey(absl::string_view key, std::string* uscc, int32_t* year, int32_t* version);
// Decodes YearIndexKey; false if `key` is not one.
bool ParseYearIndexKey(absl::string_view key, int32_t* year, std::string* division_code,
                       std::string* uscc);
// Decodes OutboxKey; false if `key` is not one.
bool ParseOutboxKey(absl::string_view key, uint64_t* seq);

}  // namespace store_keys

// Names one stored version (the views must outlive the call that takes it).
struct EvaluationId {
  absl::string_view uscc;
  int32_t year = 0;
  int32_t version = 0;
};

// An entry of the listing index (column family by_year).
struct YearIndexEntry {
  int32_t year = 0;
  std::string division_code;
  std::string uscc;
  YearIndexRecord record;
};

// An outbox record with its sequence number.
struct OutboxEntry {
  uint64_t seq = 0;
  OutboxRecord record;
};

// A new outbox record of `kind` for a version, due at once.
OutboxRecord MakeOutboxRecord(absl::string_view uscc, int32_t year, int32_t version,
                              OutboxKind kind, int64_t now_unix_ms);

// Everything one accepted submission writes, in one batch.
struct NewVersion {
  // The version to store; its package's unit.uscc, year and version name the
  // keys.
  v1::StoredEvaluation evaluation;
  // When set, the version stored instead of `evaluation` (e.g. one on the
  // caller's arena); it must outlive the commit.
  const v1::StoredEvaluation* borrowed = nullptr;
  const v1::StoredEvaluation& stored() const {
    return borrowed != nullptr ? *borrowed : evaluation;
  }
  // The latest pointer before this version, if there was one: its listing
  // index entry is removed if the division changed.
  std::optional<LatestVersionRecord> previous;
  // Stored under `idempotency_key` when that is not empty.
  std::string idempotency_key;
  IdempotencyRecord idempotency;
  // Appended to the outbox with fresh sequence numbers.
  std::vector<OutboxRecord> outbox;
  // Written without waiting for the disk even when durable: the caller
  // calls SyncDeferred before acknowledging it.
  bool defer_sync = false;
};

class IngestionStore final : public storage::Checkpointable {
 public:
  struct Options {
    // The database folder; created (with missing parents' last level) if
    // absent.
    std::string path;
    // Sync every write to disk before it returns (WriteOptions.sync). Off
    // only for bulk loads and tests that accept losing the last writes on a
    // machine crash (a process crash loses nothing either way: the WAL is
    // always written).
    bool durable = true;
  };

  // Opens (creating if needed) the database at options.path with every
  // column family. INTERNAL naming the folder when it cannot be opened (e.g.
  // another process holds it), DATA_LOSS if it is corrupt.
  static absl::StatusOr<std::unique_ptr<IngestionStore>> Open(const Options& options);

  // Closes the database.
  ~IngestionStore() override;

  IngestionStore(const IngestionStore&) = delete;
  IngestionStore& operator=(const IngestionStore&) = delete;

  // --- reads ---------------------------------------------------------------

  // One version. NOT_FOUND if it was never stored.
  absl::StatusOr<v1::StoredEvaluation> GetEvaluation(absl::string_view uscc, int32_t year,
                                                     int32_t version) const;

  // The stored bytes of each of `ids`, in their order: serialised
  // StoredEvaluations, read together with one MultiGet and left unparsed, so
  // that a listing can send them on as they are. NOT_FOUND naming the first
  // that was never stored.
  absl::StatusOr<std::vector<std::string>> GetEvaluationBytes(
      absl::Span<const EvaluationId> ids) const;

  // The versions `ids` name, in their order, read with one MultiGet and
  // parsed onto `arena` (not null; the outbox's deliveries of one round are
  // freed at once with it); nullptr for one never stored.
  absl::StatusOr<std::vector<v1::StoredEvaluation*>> GetEvaluations(
      absl::Span<const EvaluationId> ids, google::protobuf::Arena* arena) const;
  // Every version of (uscc, year), oldest first; empty if none.
  absl::StatusOr<std::vector<v1::StoredEvaluation>> ListVersions(absl::string_view uscc,
                                                                 int32_t year) const;

  // The latest pointer of (uscc, year); nullopt if nothing is stored.
  absl::StatusOr<std::optional<LatestVersionRecord>> GetLatest(absl::string_view uscc,
                                                               int32_t year) const;

  // The record stored under an idempotency key; nullopt if none.
  absl::StatusOr<std::optional<IdempotencyRecord>> GetIdempotency(absl::string_view key) const;

  // Calls `visit` for each listing index entry of `year` (0: every year)
  // whose division code starts with `division_prefix`, in key order, until
  // it returns false.
  absl::Status ScanYearIndex(int32_t year, absl::string_view division_prefix,
                             const std::function<bool(const YearIndexEntry&)>& visit) const;

  // Up to `limit` outbox records with sequence numbers above `after_seq`,
  // oldest first.
  absl::StatusOr<std::vector<OutboxEntry>> ListOutbox(size_t limit, uint64_t after_seq = 0) const;

  // --- writes --------------------------------------------------------------

  // Stores a new version and everything that goes with it in one batch.
  // INVALID_ARGUMENT if the package's USCC is not 18 bytes or its division
  // code not 6 (nothing is written).
  absl::Status CommitNewVersion(const NewVersion& version);

  // Removes outbox record `seq`, replaces the stored version `updated` names
  // (if given) and appends `follow_up` to the outbox (fresh sequence
  // numbers), in one batch: the outcome of outbox work, e.g. a version now
  // scored and the delivery of its score.
  absl::Status CompleteOutbox(uint64_t seq, const v1::StoredEvaluation* updated,
                              const std::vector<OutboxRecord>& follow_up = {});

  // Removes the outbox records `seqs` in one batch (work done: a round of
  // deliveries). Not synced, like CompleteOutbox.
  absl::Status CompleteOutboxBatch(absl::Span<const uint64_t> seqs);
  // Replaces outbox record `seq` (its attempts and next attempt time).
  absl::Status UpdateOutbox(uint64_t seq, const OutboxRecord& record);

  // When durable, syncs to disk every write made with defer_sync so far
  // (and whatever else the log holds); returns once they are on disk. Cheap
  // when there are none. Thread-safe.
  absl::Status SyncDeferred();

  // A checkpoint of the store into `dir`, for backups (common/admin's
  // Checkpointer; see storage::Checkpointable).
  absl::StatusOr<uint64_t> Checkpoint(const std::string& dir) override;

  // The RocksDB database and column family handle, for tests that inspect
  // the raw store.
  rocksdb::DB* db() const { return database_->db(); }
  rocksdb::ColumnFamilyHandle* handle(ColumnFamily cf) const { return database_->handle(cf); }

 private:
  IngestionStore(std::unique_ptr<storage::Database> database, bool durable,
                 uint64_t next_outbox_seq);

  // One MultiGet over the evaluations of `ids`; values and statuses in order.
  struct EvaluationReads {
    std::vector<rocksdb::PinnableSlice> values;
    std::vector<rocksdb::Status> statuses;
  };
  EvaluationReads MultiGetEvaluations(absl::Span<const EvaluationId> ids) const;

  // The database and its handles, indexed by ColumnFamily.
  std::unique_ptr<storage::Database> database_;
  bool durable_;
  std::atomic<uint64_t> next_outbox_seq_;
  // Set before a deferred write, cleared by the SyncDeferred that covers it.
  std::atomic<bool> unsynced_{false};
  // One SyncDeferred at a time, so that a caller that finds nothing to do
  // knows the sync that cleared the flag has finished.
  absl::Mutex sync_mu_;
};

}  // namespace ingestion
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_INGESTION_INGESTION_STORE_H_
