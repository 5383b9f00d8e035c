#include "common/auth/auth_store.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/slice.h"

namespace budgetperf {
namespace auth {
namespace {

constexpr const char* kColumnFamilyNames[] = {"default", "tokens"};
constexpr size_t kColumnFamilyCount = sizeof(kColumnFamilyNames) / sizeof(kColumnFamilyNames[0]);

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  const std::string message = absl::StrCat(what, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(message);
  if (s.IsCorruption()) return absl::DataLossError(message);
  return absl::InternalError(message);
}

absl::StatusOr<v1::TokenRecord> ParseRecord(const rocksdb::Slice& bytes) {
  v1::TokenRecord record;
  if (!record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError("cannot parse a stored token record");
  }
  return record;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuthStore>> AuthStore::Open(const std::string& path) {
  if (path.empty()) return absl::InvalidArgumentError("the token store's folder is empty");
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot create the token store folder ", path, ": ", ec.message()));
  }
  // Nobody but the server's user has any business in the folder, hashes or not.
  std::filesystem::permissions(path, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  rocksdb::ColumnFamilyOptions cf_options;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const char* name : kColumnFamilyNames) descriptors.emplace_back(name, cf_options);
  // A store written by a later version may hold column families this one
  // does not know; RocksDB only opens a store with all of them named.
  std::vector<std::string> existing;
  if (rocksdb::DB::ListColumnFamilies(db_options, path, &existing).ok()) {
    for (const std::string& name : existing) {
      bool known = false;
      for (const char* k : kColumnFamilyNames) known = known || name == k;
      if (!known) descriptors.emplace_back(name, cf_options);
    }
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, path, descriptors, &handles, &raw_db);
  if (!s.ok()) return FromRocks(s, absl::StrCat("cannot open the token store in ", path));
  std::unique_ptr<rocksdb::DB> db(raw_db);
  for (size_t i = kColumnFamilyCount; i < handles.size(); ++i) {
    db->DestroyColumnFamilyHandle(handles[i]);
  }
  handles.resize(kColumnFamilyCount);
  return std::unique_ptr<AuthStore>(new AuthStore(path, std::move(db), std::move(handles)));
}

AuthStore::AuthStore(std::string path, std::unique_ptr<rocksdb::DB> db,
                     std::vector<rocksdb::ColumnFamilyHandle*> handles)
    : path_(std::move(path)), db_(std::move(db)), handles_(std::move(handles)) {}

AuthStore::~AuthStore() {
  for (rocksdb::ColumnFamilyHandle* h : handles_) db_->DestroyColumnFamilyHandle(h);
  handles_.clear();
}

absl::StatusOr<std::optional<v1::TokenRecord>> AuthStore::Get(absl::string_view token_id) const {
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handle(ColumnFamily::kTokens),
                               rocksdb::Slice(token_id.data(), token_id.size()), &value);
  if (s.IsNotFound()) return std::optional<v1::TokenRecord>();
  if (!s.ok()) return FromRocks(s, "reading a token record");
  absl::StatusOr<v1::TokenRecord> record = ParseRecord(value);
  if (!record.ok()) return record.status();
  return std::optional<v1::TokenRecord>(*std::move(record));
}

absl::Status AuthStore::Put(const v1::TokenRecord& record) {
  if (record.token_id().empty()) return absl::InvalidArgumentError("token record without an id");
  std::string value;
  if (!record.SerializeToString(&value)) {
    return absl::InternalError("cannot serialize a token record");
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  return FromRocks(db_->Put(write_options, handle(ColumnFamily::kTokens), record.token_id(), value),
                   "writing a token record");
}

absl::Status AuthStore::Scan(const std::function<bool(const v1::TokenRecord&)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handle(ColumnFamily::kTokens)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    absl::StatusOr<v1::TokenRecord> record = ParseRecord(it->value());
    if (!record.ok()) return record.status();
    if (!visit(*record)) break;
  }
  return FromRocks(it->status(), "reading the token records");
}

}  // namespace auth
}  // namespace budgetperf
