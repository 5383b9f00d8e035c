#ifndef BUDGETPERF_COMMON_AUTH_AUTH_STORE_H_
#define BUDGETPERF_COMMON_AUTH_AUTH_STORE_H_

// The token store: the one owner of its RocksDB folder (e.g. <data>/auth),
// its column families and its keys.
//
//   tokens   token_id (16 hex characters) → TokenRecord
//
// A TokenRecord holds the SHA-256 of the token's secret, never the secret:
// reading the folder gives no usable token. Every write is synced to disk
// (tokens are few and change rarely; losing a revocation to a crash would be
// worse than the fsync).
//
// RocksDB statuses are translated here (common/storage/rocks_status.h):
// NotFound → an empty result, Corruption → DATA_LOSS, anything else →
// INTERNAL.
//
// Thread-safe; read-modify-write callers serialise themselves (see
// TokenManager).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "budgetperf/v1/auth.pb.h"
#include "common/storage/database.h"

namespace budgetperf {
namespace auth {

class AuthStore {
 public:
  // The column families, one per kind of record.
  enum class ColumnFamily {
    kDefault,  // RocksDB's own; unused
    kTokens,   // token_id → TokenRecord
  };

  // Opens (creating if needed) the store in `path`. INTERNAL naming the
  // folder when it cannot be opened (e.g. another process holds it),
  // DATA_LOSS if it is corrupt.
  static absl::StatusOr<std::unique_ptr<AuthStore>> Open(const std::string& path);

  // Closes the database.
  ~AuthStore();

  AuthStore(const AuthStore&) = delete;
  AuthStore& operator=(const AuthStore&) = delete;

  // The record of `token_id`; nullopt if there is none.
  absl::StatusOr<std::optional<v1::TokenRecord>> Get(absl::string_view token_id) const;

  // Adds or replaces the record of record.token_id().
  absl::Status Put(const v1::TokenRecord& record);

  // Calls `visit` for each record in token_id order until it returns false.
  absl::Status Scan(const std::function<bool(const v1::TokenRecord&)>& visit) const;

  // The folder, as opened.
  const std::string& path() const { return path_; }

 private:
  AuthStore(std::string path, std::unique_ptr<storage::Database> database);

  rocksdb::DB* db() const { return database_->db(); }
  rocksdb::ColumnFamilyHandle* handle(ColumnFamily cf) const { return database_->handle(cf); }

  const std::string path_;
  // The database and its handles, indexed by ColumnFamily.
  std::unique_ptr<storage::Database> database_;
};

}  // namespace auth
}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_AUTH_AUTH_STORE_H_
