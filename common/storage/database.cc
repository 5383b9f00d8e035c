#include "common/storage/database.h"

#include <utility>

#include "absl/algorithm/container.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/storage/rocks_status.h"
#include "rocksdb/utilities/checkpoint.h"

namespace budgetperf {
namespace storage {

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const Options& options) {
  rocksdb::DBOptions db_options = options.db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const char* name : options.column_families) {
    descriptors.emplace_back(name, options.cf_options);
  }
  const size_t known = descriptors.size();
  auto named = [&](const std::string& name) {
    return absl::c_any_of(descriptors,
                          [&](const rocksdb::ColumnFamilyDescriptor& d) { return d.name == name; });
  };
  if (!named(rocksdb::kDefaultColumnFamilyName)) {
    descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  }
  // Families written by a newer version. A database that does not exist
  // yet has none (and fails to list: nothing to add then).
  std::vector<std::string> existing;
  if (rocksdb::DB::ListColumnFamilies(db_options, options.path, &existing).ok()) {
    for (const std::string& name : existing) {
      if (!named(name)) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
  }

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.path, descriptors, &handles, &raw_db);
  if (!s.ok()) {
    return FromRocksStatus(s, absl::StrCat("cannot open ", options.what, " in ", options.path));
  }
  std::unique_ptr<rocksdb::DB> db(raw_db);
  // Only the known families' handles are kept.
  for (size_t i = known; i < handles.size(); ++i) {
    db->DestroyColumnFamilyHandle(handles[i]).PermitUncheckedError();
  }
  handles.resize(known);
  std::vector<std::string> names(options.column_families.begin(), options.column_families.end());
  return std::unique_ptr<Database>(
      new Database(std::move(db), std::move(handles), std::move(names)));
}

Database::Database(std::unique_ptr<rocksdb::DB> db,
                   std::vector<rocksdb::ColumnFamilyHandle*> handles,
                   std::vector<std::string> names)
    : db_(std::move(db)), handles_(std::move(handles)), names_(std::move(names)) {}

Database::~Database() {
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  }
  // Close reports errors the destructor would swallow; there is nobody to
  // report them to here, and the WAL makes the data safe either way.
  db_->Close().PermitUncheckedError();
}

absl::StatusOr<uint64_t> Database::Checkpoint(const std::string& dir) {
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(db_.get(), &raw);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  uint64_t sequence = 0;
  // log_size_for_flush 0: the memtables are flushed first, so the checkpoint
  // is SST files (hard links) and needs no WAL replay.
  if (s.ok()) s = checkpoint->CreateCheckpoint(dir, 0, &sequence);
  if (!s.ok()) return absl::InternalError(s.ToString());
  return sequence;
}

}  // namespace storage
}  // namespace budgetperf
