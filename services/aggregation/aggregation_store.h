#ifndef BUDGETPERF_SERVICES_AGGREGATION_AGGREGATION_STORE_H_
#define BUDGETPERF_SERVICES_AGGREGATION_AGGREGATION_STORE_H_

// AggregationStore: the one owner of aggregation's RocksDB, its column
// families and their typed records (keys in aggregation_keys.h).
//
// Reads go through a Reader (a consistent snapshot: a dashboard query sees
// one state of the store even while evaluations arrive). Every change goes
// through a Mutation, a WriteBatchWithIndex whose reads see its own pending
// writes on top of the database, so that one change can read-modify-write
// the same rollup several times (a unit's every ancestor, several years of a
// move) and still commit as one atomic batch.
//
//   ASSIGN_OR_RETURN(auto store, AggregationStore::Open({.path = dir}));
//   std::unique_ptr<AggregationStore::Mutation> m = store->NewMutation();
//   ASSIGN_OR_RETURN(std::optional<v1::Rollup> r, m->GetRollup("430602", 2023));
//   ...
//   RETURN_IF_ERROR(m->PutRollup(*r));
//   RETURN_IF_ERROR(store->Commit(*m));
//
// RocksDB statuses become absl ones here (common/storage/rocks_status.h):
// NotFound is an empty optional, Corruption (and an unreadable record)
// DATA_LOSS, anything else INTERNAL.
// Thread-safe: any number of Readers and Mutations may be used concurrently;
// making concurrent Mutations consistent with each other is the caller's job
// (Aggregator serializes them).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "budgetperf/v1/aggregation.pb.h"
#include "common/storage/checkpointable.h"
#include "common/storage/database.h"
#include "rocksdb/db.h"
#include "rocksdb/utilities/write_batch_with_index.h"
#include "services/aggregation/aggregation_records.pb.h"

namespace budgetperf {

// The column families, one per kind of record.
enum class AggregationCf : int {
  kNodes = 0,
  kContributions,
  kRollups,
  kScoreIndex,
  kOrphans,
  kFindings,
};
inline constexpr int kAggregationCfCount = 6;

class AggregationStore final : public storage::Checkpointable {
 public:
  struct Options {
    std::string path;  // the data folder; created if missing
    // fsync every commit (the WAL is always on). Off only for throwaway data.
    bool sync_writes = true;
  };

  // Reads shared by Reader and Mutation.
  class View {
   public:
    // The rollup of (code, year), if one was ever written.
    absl::StatusOr<std::optional<v1::Rollup>> GetRollup(absl::string_view code,
                                                        int32_t year);
    // The applied contribution of (uscc, year), if any.
    absl::StatusOr<std::optional<aggregation::ContributionRecord>> GetContribution(
        absl::string_view uscc, int32_t year);
    // One source's findings for (code, year), if any.
    absl::StatusOr<std::optional<aggregation::FindingsRecord>> GetFindings(
        absl::string_view code, int32_t year, absl::string_view source);

    // Every source's findings for (code, year), by source.
    absl::StatusOr<std::vector<aggregation::FindingsRecord>> ListFindings(
        absl::string_view code, int32_t year);
    // The unassigned units of `unassigned_code` in `year`, by USCC.
    absl::StatusOr<std::vector<std::pair<std::string, aggregation::OrphanRecord>>>
    ListOrphans(absl::string_view unassigned_code, int32_t year);

    // Calls fn(year, record) for every year `uscc` has a contribution, in
    // year order.
    absl::Status ForEachContributionOfUnit(
        absl::string_view uscc,
        const std::function<absl::Status(int32_t, const aggregation::ContributionRecord&)>& fn);
    // Calls fn(year, source, record) for every findings record of `code`.
    absl::Status ForEachFindingsOfCode(
        absl::string_view code,
        const std::function<absl::Status(int32_t, absl::string_view,
                                         const aggregation::FindingsRecord&)>& fn);
    // Calls fn(year, uscc) for every unassigned unit of `unassigned_code`,
    // all years.
    absl::Status ForEachOrphan(
        absl::string_view unassigned_code,
        const std::function<absl::Status(int32_t, absl::string_view)>& fn);
    // Calls fn(score, uscc) for every score index entry of (code, year,
    // kind), lowest score first.
    absl::Status ForEachScore(
        absl::string_view code, int32_t year, char kind,
        const std::function<absl::Status(int32_t, absl::string_view)>& fn);

    // The lowest and highest score indexed under (code, year, kind); empty
    // when there is none.
    absl::StatusOr<std::optional<std::pair<int32_t, int32_t>>> ScoreExtremes(
        absl::string_view code, int32_t year, char kind);

   protected:
    // Reads `store` as of `snapshot` (the latest state when null), through
    // the pending writes of `pending` when not null.
    View(AggregationStore* store, const rocksdb::Snapshot* snapshot,
         rocksdb::WriteBatchWithIndex* pending)
        : store_(store), snapshot_(snapshot), pending_(pending) {}
    ~View() = default;

    // Read options with this view's snapshot.
    rocksdb::ReadOptions read_options() const;

    // The raw value of `key`, or nullopt when absent.
    absl::StatusOr<std::optional<std::string>> GetRaw(AggregationCf cf, absl::string_view key);
    // An iterator over `cf` as this view sees it.
    std::unique_ptr<rocksdb::Iterator> NewIterator(AggregationCf cf);

    // Calls fn(key, value) for every key starting with `prefix`.
    absl::Status ScanPrefix(
        AggregationCf cf, absl::string_view prefix,
        const std::function<absl::Status(absl::string_view, absl::string_view)>& fn);

    template <typename T>
    absl::StatusOr<std::optional<T>> GetProto(AggregationCf cf, absl::string_view key);

    AggregationStore* store_;
    const rocksdb::Snapshot* snapshot_;      // the Reader's; null in a Mutation
    rocksdb::WriteBatchWithIndex* pending_;  // the Mutation's batch; null in a Reader
  };

  // A consistent snapshot of the store for queries.
  class Reader final : public View {
   public:
    ~Reader();

    // The rollups of `codes` for `year`, in the same order (nullopt where
    // none was written), read in one MultiGet.
    absl::StatusOr<std::vector<std::optional<v1::Rollup>>> GetRollups(
        const std::vector<std::string>& codes, int32_t year);
    // The contributions of `usccs` for `year`, in the same order.
    absl::StatusOr<std::vector<std::optional<aggregation::ContributionRecord>>>
    GetContributions(const std::vector<std::string>& usccs, int32_t year);

   private:
    friend class AggregationStore;
    explicit Reader(AggregationStore* store);

    // The records under `keys`, in the same order, read in one MultiGet.
    template <typename T>
    absl::StatusOr<std::vector<std::optional<T>>> MultiGetProto(
        AggregationCf cf, const std::vector<std::string>& keys);
  };

  // A batch of changes, committed atomically by AggregationStore::Commit.
  // Its reads see its own pending writes.
  class Mutation final : public View {
   public:
    // Writes, pending until Commit; each record goes to its key
    // (aggregation_keys.h) and replaces what is there.
    void PutNode(const v1::OrgNode& node);
    void PutRollup(const v1::Rollup& rollup);
    void PutContribution(absl::string_view uscc, int32_t year,
                         const aggregation::ContributionRecord& record);
    void PutFindings(absl::string_view code, int32_t year, absl::string_view source,
                     const aggregation::FindingsRecord& record);
    void PutOrphan(absl::string_view unassigned_code, int32_t year,
                   absl::string_view uscc, const aggregation::OrphanRecord& record);
    void DeleteOrphan(absl::string_view unassigned_code, int32_t year,
                      absl::string_view uscc);
    // Score index entries: `kind` is aggregation_keys::kComputedScore or
    // kSelfScore.
    void PutScore(absl::string_view code, int32_t year, char kind, int32_t score,
                  absl::string_view uscc);
    void DeleteScore(absl::string_view code, int32_t year, char kind, int32_t score,
                     absl::string_view uscc);
    // Deletes every score index entry of (code, year, kind).
    absl::Status DeleteScores(absl::string_view code, int32_t year, char kind);

    // Number of writes pending.
    int pending() { return static_cast<int>(batch_.GetWriteBatch()->Count()); }

    // The (code, year) of every rollup put, in order (a key may repeat): what
    // a query cache must forget once the mutation commits.
    const std::vector<std::pair<std::string, int32_t>>& written_rollups() const {
      return written_rollups_;
    }

   private:
    friend class AggregationStore;
    explicit Mutation(AggregationStore* store);

    void Put(AggregationCf cf, const std::string& key, const std::string& value);
    void Delete(AggregationCf cf, const std::string& key);

    rocksdb::WriteBatchWithIndex batch_;
    std::vector<std::pair<std::string, int32_t>> written_rollups_;
  };

  // Opens (creating if needed) the store in options.path. INTERNAL (with
  // RocksDB's message) when it cannot be opened, e.g. locked by another
  // process.
  static absl::StatusOr<std::unique_ptr<AggregationStore>> Open(const Options& options);

  // Flushes nothing (the WAL has everything) and closes the database.
  ~AggregationStore() override;

  AggregationStore(const AggregationStore&) = delete;
  AggregationStore& operator=(const AggregationStore&) = delete;

  // A snapshot reader.
  std::unique_ptr<Reader> NewReader();
  // An empty batch of changes.
  std::unique_ptr<Mutation> NewMutation();
  // Writes the mutation's batch atomically (synced when sync_writes).
  absl::Status Commit(Mutation& mutation);

  // Every node version stored, by (code, valid_from_year).
  absl::StatusOr<std::vector<v1::OrgNode>> LoadNodes();

  // A checkpoint of the store into `dir`, for backups (common/admin's
  // Checkpointer; see storage::Checkpointable).
  absl::StatusOr<uint64_t> Checkpoint(const std::string& dir) override;

 private:
  AggregationStore(const Options& options, std::unique_ptr<storage::Database> database);

  rocksdb::DB* db() const { return database_->db(); }
  rocksdb::ColumnFamilyHandle* handle(AggregationCf cf) const { return database_->handle(cf); }

  Options options_;
  // The database and its handles, indexed by AggregationCf.
  std::unique_ptr<storage::Database> database_;
};

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_AGGREGATION_AGGREGATION_STORE_H_
