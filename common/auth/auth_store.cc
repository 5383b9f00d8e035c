#include "common/auth/auth_store.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/storage/record.h"
#include "common/storage/rocks_status.h"
#include "rocksdb/db.h"
#include "rocksdb/slice.h"

namespace budgetperf {
namespace auth {
namespace {

// Column family names on disk, indexed by ColumnFamily. Never rename one: an
// existing store would lose it.
constexpr const char* kColumnFamilyNames[] = {"default", "tokens"};

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

  storage::Database::Options db_options;
  db_options.path = path;
  db_options.column_families = kColumnFamilyNames;
  db_options.what = "the token store";
  absl::StatusOr<std::unique_ptr<storage::Database>> database = storage::Database::Open(db_options);
  if (!database.ok()) return database.status();
  return std::unique_ptr<AuthStore>(new AuthStore(path, *std::move(database)));
}

AuthStore::AuthStore(std::string path, std::unique_ptr<storage::Database> database)
    : path_(std::move(path)), database_(std::move(database)) {}

AuthStore::~AuthStore() = default;

absl::StatusOr<std::optional<v1::TokenRecord>> AuthStore::Get(absl::string_view token_id) const {
  return database_->GetRecord<v1::TokenRecord>(ColumnFamily::kTokens, token_id,
                                               "reading a token record");
}

absl::Status AuthStore::Put(const v1::TokenRecord& record) {
  if (record.token_id().empty()) return absl::InvalidArgumentError("token record without an id");
  std::string value;
  if (!record.SerializeToString(&value)) {
    return absl::InternalError("cannot serialize a token record");
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  return storage::FromRocksStatus(
      db()->Put(write_options, handle(ColumnFamily::kTokens), record.token_id(), value),
      "writing a token record");
}

absl::Status AuthStore::Scan(const std::function<bool(const v1::TokenRecord&)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      db()->NewIterator(rocksdb::ReadOptions(), handle(ColumnFamily::kTokens)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    absl::StatusOr<v1::TokenRecord> record = storage::ParseRecord<v1::TokenRecord>(
        storage::AsStringView(it->value()), database_->name(ColumnFamily::kTokens),
        storage::AsStringView(it->key()));
    if (!record.ok()) return record.status();
    if (!visit(*record)) break;
  }
  return storage::FromRocksStatus(it->status(), "reading the token records");
}

}  // namespace auth
}  // namespace budgetperf
