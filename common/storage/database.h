#ifndef BUDGETPERF_COMMON_STORAGE_DATABASE_H_
#define BUDGETPERF_COMMON_STORAGE_DATABASE_H_

// Database: an open RocksDB with the column families its store knows, and
// the handles to them; the piece each store (ingestion, aggregation, auth)
// owns its DB through.
//
//   enum class Cf { kDefault, kTokens };
//   constexpr const char* kCfNames[] = {"default", "tokens"};  // by Cf
//   ASSIGN_OR_RETURN(std::unique_ptr<Database> db,
//                    Database::Open({.path = dir, .column_families = kCfNames,
//                                    .what = "the token store"}));
//   db->db()->Get(rocksdb::ReadOptions(), db->handle(Cf::kTokens), key, &value);
//
// Opening creates the database and every missing column family. A database
// written by a newer version may hold column families this version does not
// know (RocksDB refuses to open a database without naming all of them):
// those are opened too, with default options, and their handles closed at
// once; their data is left alone.
//
// Thread-safe as RocksDB is.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/storage/checkpointable.h"
#include "common/storage/record.h"
#include "common/storage/rocks_status.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"

namespace budgetperf {
namespace storage {

class Database final : public Checkpointable {
 public:
  struct Options {
    // The database folder. RocksDB creates its last level; its parent must
    // exist.
    std::string path;
    // The column families this version knows, in the order handle()
    // indexes them (typically an enum's order). "default" may be among them;
    // it is opened either way, as RocksDB requires.
    absl::Span<const char* const> column_families;
    // What the database is, for the open error: "the token store".
    std::string what = "the store";
    // create_if_missing and create_missing_column_families are set by Open.
    rocksdb::DBOptions db_options;
    // For every known column family.
    rocksdb::ColumnFamilyOptions cf_options;
  };

  // Opens (creating if needed) the database. INTERNAL "cannot open <what> in
  // <path>: ..." when it cannot be opened (e.g. another process holds it),
  // DATA_LOSS if it is corrupt.
  static absl::StatusOr<std::unique_ptr<Database>> Open(const Options& options);

  // Closes the handles, then the database.
  ~Database() override;

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  rocksdb::DB* db() const { return db_.get(); }

  // The handle of the column family at `index` of Options.column_families
  // (an enum of them works as the index).
  template <typename Index>
  rocksdb::ColumnFamilyHandle* handle(Index index) const {
    return handles_[static_cast<size_t>(index)];
  }
  // Its name, as in Options.column_families.
  template <typename Index>
  absl::string_view name(Index index) const {
    return names_[static_cast<size_t>(index)];
  }

  // The record stored in column family `index` under `key`, parsed
  // (ParseRecord); nullopt if there is none. Other RocksDB errors are
  // translated (FromRocksStatus) with `what`: "reading a token record".
  template <typename Record, typename Index>
  absl::StatusOr<std::optional<Record>> GetRecord(Index index, absl::string_view key,
                                                  absl::string_view what) const {
    rocksdb::PinnableSlice value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handle(index),
                                 rocksdb::Slice(key.data(), key.size()), &value);
    if (s.IsNotFound()) return std::optional<Record>();
    if (!s.ok()) return FromRocksStatus(s, what);
    absl::StatusOr<Record> record = ParseRecord<Record>(AsStringView(value), name(index), key);
    if (!record.ok()) return record.status();
    return std::optional<Record>(*std::move(record));
  }

  // A checkpoint of the database into `dir` (see Checkpointable).
  absl::StatusOr<uint64_t> Checkpoint(const std::string& dir) override;

 private:
  Database(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> handles,
           std::vector<std::string> names);

  std::unique_ptr<rocksdb::DB> db_;
  // Indexed as Options.column_families; owned (destroyed before db_).
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::vector<std::string> names_;
};

}  // namespace storage
}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_STORAGE_DATABASE_H_
