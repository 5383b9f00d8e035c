#include "common/auth/token_manager.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/auth/principal.h"
#include "common/auth/token.h"

namespace budgetperf {
namespace auth {
namespace {

constexpr size_t kMaxDescriptionBytes = 500;

absl::Status InvalidToken() {
  return absl::UnauthenticatedError("invalid token: unknown, or not the secret issued");
}

}  // namespace

int64_t NowUnixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

v1::TokenRecord WithoutHash(v1::TokenRecord record) {
  record.clear_secret_sha256();
  return record;
}

absl::Status WritePrivateFile(const std::string& path, absl::string_view contents) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  // O_CREAT's mode does not apply to a file that already existed.
  bool ok = fchmod(fd, 0600) == 0;
  size_t written = 0;
  while (ok && written < contents.size()) {
    const ssize_t n = write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) written += static_cast<size_t>(n);
  }
  ok = ok && fsync(fd) == 0;
  const int saved_errno = errno;
  close(fd);
  if (!ok) {
    return absl::InternalError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(saved_errno)));
  }
  return absl::OkStatus();
}

TokenManager::TokenManager(AuthStore* store, Options options)
    : store_(store), options_(std::move(options)) {}

absl::StatusOr<TokenManager::Issued> TokenManager::Issue(const v1::Principal& principal,
                                                         int64_t ttl_seconds,
                                                         const std::string& description,
                                                         const std::string& issued_by) {
  if (absl::Status s = ValidatePrincipal(principal); !s.ok()) return s;
  if (ttl_seconds < 0 || ttl_seconds > kMaxTokenTtlSeconds) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ttl_seconds must be 0 (the default, 90 days) up to ", kMaxTokenTtlSeconds, " (3 years)"));
  }
  if (description.size() > kMaxDescriptionBytes) {
    return absl::InvalidArgumentError(absl::StrCat("description is ", description.size(),
                                                   " bytes, at most ", kMaxDescriptionBytes));
  }
  if (ttl_seconds == 0) ttl_seconds = kDefaultTokenTtlSeconds;

  // A 64-bit random id colliding with a stored one is next to impossible,
  // but a collision would silently replace a token: draw again instead.
  absl::MutexLock lock(&mu_);
  TokenParts parts;
  for (int attempt = 0;; ++attempt) {
    absl::StatusOr<TokenParts> fresh = NewTokenParts();
    if (!fresh.ok()) return fresh.status();
    absl::StatusOr<std::optional<v1::TokenRecord>> existing = store_->Get(fresh->token_id);
    if (!existing.ok()) return existing.status();
    if (!existing->has_value()) {
      parts = *std::move(fresh);
      break;
    }
    if (attempt == 3) return absl::InternalError("cannot draw an unused token id");
  }

  const int64_t now = options_.clock();
  v1::TokenRecord record;
  record.set_token_id(parts.token_id);
  *record.mutable_principal() = principal;
  record.set_secret_sha256(Sha256(parts.secret));
  record.set_created_unix_ms(now);
  record.set_expires_unix_ms(now + ttl_seconds * 1000);
  record.set_description(description);
  record.set_issued_by(issued_by);
  if (absl::Status s = store_->Put(record); !s.ok()) return s;

  Issued issued;
  issued.token = FormatToken(parts);
  issued.record = WithoutHash(std::move(record));
  return issued;
}

absl::StatusOr<std::vector<v1::TokenRecord>> TokenManager::List(bool include_inactive) const {
  const int64_t now = options_.clock();
  std::vector<v1::TokenRecord> records;
  absl::Status s = store_->Scan([&](const v1::TokenRecord& record) {
    const bool active = record.revoked_unix_ms() == 0 && record.expires_unix_ms() > now;
    if (active || include_inactive) records.push_back(WithoutHash(record));
    return true;
  });
  if (!s.ok()) return s;
  return records;
}

absl::StatusOr<v1::TokenRecord> TokenManager::Revoke(absl::string_view token_id) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::optional<v1::TokenRecord>> record = store_->Get(token_id);
  if (!record.ok()) return record.status();
  if (!record->has_value()) {
    return absl::NotFoundError(absl::StrCat("no token with id \"", token_id, "\""));
  }
  v1::TokenRecord updated = **std::move(record);
  if (updated.revoked_unix_ms() == 0) {
    updated.set_revoked_unix_ms(options_.clock());
    if (absl::Status s = store_->Put(updated); !s.ok()) return s;
  }
  return WithoutHash(std::move(updated));
}

absl::StatusOr<VerifiedToken> TokenManager::Verify(absl::string_view token) {
  absl::StatusOr<TokenParts> parts = ParseToken(token);
  if (!parts.ok()) return parts.status();
  absl::StatusOr<std::optional<v1::TokenRecord>> record = store_->Get(parts->token_id);
  if (!record.ok()) return record.status();

  const std::string presented = Sha256(parts->secret);
  if (!record->has_value()) {
    // Compare anyway, so that an unknown id takes as long as a wrong secret.
    static const std::string* const kNothing = new std::string(Sha256(""));
    (void)ConstantTimeEquals(presented, *kNothing);
    return InvalidToken();
  }
  const v1::TokenRecord& r = **record;
  if (!ConstantTimeEquals(presented, r.secret_sha256())) return InvalidToken();
  // Only the holder of the secret learns why a real token no longer works.
  if (r.revoked_unix_ms() != 0) {
    return absl::UnauthenticatedError(absl::StrCat("token ", r.token_id(), " has been revoked"));
  }
  if (r.expires_unix_ms() <= options_.clock()) {
    return absl::UnauthenticatedError(absl::StrCat("token ", r.token_id(), " has expired"));
  }
  VerifiedToken verified;
  verified.principal = r.principal();
  verified.token_id = r.token_id();
  verified.expires_unix_ms = r.expires_unix_ms();
  return verified;
}

absl::StatusOr<bool> TokenManager::HasActiveAdmin() const {
  const int64_t now = options_.clock();
  bool found = false;
  absl::Status s = store_->Scan([&](const v1::TokenRecord& record) {
    found = record.principal().kind() == v1::PRINCIPAL_ADMIN && record.revoked_unix_ms() == 0 &&
            record.expires_unix_ms() > now;
    return !found;
  });
  if (!s.ok()) return s;
  return found;
}

absl::StatusOr<std::optional<std::string>> TokenManager::BootstrapAdmin(const std::string& path) {
  absl::StatusOr<bool> has_admin = HasActiveAdmin();
  if (!has_admin.ok()) return has_admin.status();
  if (*has_admin) return std::optional<std::string>();
  v1::Principal admin;
  admin.set_kind(v1::PRINCIPAL_ADMIN);
  admin.set_name("admin");
  absl::StatusOr<Issued> issued =
      Issue(admin, kBootstrapTokenTtlSeconds, "bootstrap admin token", "bootstrap");
  if (!issued.ok()) return issued.status();
  if (absl::Status s = WritePrivateFile(path, issued->token + "\n"); !s.ok()) {
    // Nobody knows this token's secret; it must not stay usable.
    (void)Revoke(issued->record.token_id());
    return s;
  }
  return std::optional<std::string>(issued->record.token_id());
}

}  // namespace auth
}  // namespace budgetperf
