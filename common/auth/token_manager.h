#ifndef BUDGETPERF_COMMON_AUTH_TOKEN_MANAGER_H_
#define BUDGETPERF_COMMON_AUTH_TOKEN_MANAGER_H_

// The token logic over the AuthStore: issuing, listing, revoking and checking
// tokens, and the first admin token. Knows nothing of gRPC (AuthServiceImpl
// adapts it).
//
//   ASSIGN_OR_RETURN(auto store, AuthStore::Open(data_dir + "/auth"));
//   TokenManager tokens(store.get(), {});
//   ASSIGN_OR_RETURN(TokenManager::Issued issued,
//                    tokens.Issue(unit_principal, 0, "filing 2023", "admin ops"));
//   // issued.token is shown to the unit once; only its hash is stored.
//   ASSIGN_OR_RETURN(VerifiedToken who, tokens.Verify(issued.token));

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "budgetperf/v1/auth.pb.h"
#include "common/auth/auth_store.h"
#include "common/auth/token_verifier.h"

namespace budgetperf {
namespace auth {

// A token's life when issued without one: 90 days.
inline constexpr int64_t kDefaultTokenTtlSeconds = 90LL * 24 * 3600;
// The longest life a token can be issued with: 3 years.
inline constexpr int64_t kMaxTokenTtlSeconds = 3LL * 366 * 24 * 3600;
// The bootstrap admin token's life: 1 year.
inline constexpr int64_t kBootstrapTokenTtlSeconds = 366LL * 24 * 3600;

class TokenManager final : public TokenVerifier {
 public:
  struct Options {
    // The clock, in Unix milliseconds; tests set their own.
    std::function<int64_t()> clock = NowUnixMillis;
  };

  // A freshly issued token: its text, shown once, and its record (without
  // the hash).
  struct Issued {
    std::string token;
    v1::TokenRecord record;
  };

  // `store` must outlive the manager.
  TokenManager(AuthStore* store, Options options);

  // Issues a token for `principal`, valid for `ttl_seconds` (0: the default
  // 90 days). INVALID_ARGUMENT for an incomplete principal (see
  // ValidatePrincipal), a negative or too long ttl, or a description over
  // 500 bytes.
  absl::StatusOr<Issued> Issue(const v1::Principal& principal, int64_t ttl_seconds,
                               const std::string& description, const std::string& issued_by);

  // The records by token id, without their hashes; revoked and expired ones
  // only with `include_inactive`.
  absl::StatusOr<std::vector<v1::TokenRecord>> List(bool include_inactive) const;

  // Revokes `token_id` (idempotent) and returns its record without the hash.
  // NOT_FOUND for an unknown id.
  absl::StatusOr<v1::TokenRecord> Revoke(absl::string_view token_id);

  // See TokenVerifier. A lookup by id, then a constant-time comparison of
  // the secret's SHA-256 with the stored one, then revocation and expiry.
  absl::StatusOr<VerifiedToken> Verify(absl::string_view token) override;

  // Whether some admin token is neither revoked nor expired.
  absl::StatusOr<bool> HasActiveAdmin() const;

  // When no admin token is active, issues one (principal admin "admin",
  // issued_by "bootstrap", valid one year) and writes it with a newline to
  // `path`, created or truncated with mode 0600. Returns the new token's id,
  // or nullopt when an active admin token already exists (the file is then
  // left alone). INTERNAL when the file cannot be written (the token is then
  // revoked again).
  absl::StatusOr<std::optional<std::string>> BootstrapAdmin(const std::string& path);

 private:
  AuthStore* const store_;
  const Options options_;
  // Serialises read-modify-write of records (revocation).
  absl::Mutex mu_;
};

// `record` without its secret hash, as it may leave the server.
v1::TokenRecord WithoutHash(v1::TokenRecord record);

// Writes `contents` to `path` with mode 0600 (created, or truncated and its
// mode reset). INTERNAL naming the path on failure.
absl::Status WritePrivateFile(const std::string& path, absl::string_view contents);

}  // namespace auth
}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_AUTH_TOKEN_MANAGER_H_
