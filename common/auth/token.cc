#include "common/auth/token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace budgetperf {
namespace auth {
namespace {

// 32 bytes of base64 without padding.
constexpr size_t kSecretChars = 43;

bool IsLowerHex(absl::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsBase64Url(absl::string_view text) {
  for (char c : text) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) {
      return false;
    }
  }
  return true;
}

absl::Status Malformed() {
  return absl::UnauthenticatedError(
      "malformed token: expected bp1.<token id>.<secret> as issued by `budgetctl admin token "
      "issue`");
}

}  // namespace

absl::StatusOr<std::string> RandomBytes(size_t bytes) {
  std::string out(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(bytes)) != 1) {
    return absl::InternalError("the random number generator failed");
  }
  return out;
}

absl::StatusOr<TokenParts> NewTokenParts() {
  absl::StatusOr<std::string> id = RandomBytes(kTokenIdHexChars / 2);
  if (!id.ok()) return id.status();
  absl::StatusOr<std::string> secret = RandomBytes(kSecretBytes);
  if (!secret.ok()) return secret.status();
  TokenParts parts;
  parts.token_id = absl::BytesToHexString(*id);
  parts.secret = absl::WebSafeBase64Escape(*secret);
  return parts;
}

std::string FormatToken(const TokenParts& parts) {
  return absl::StrCat(kTokenVersion, ".", parts.token_id, ".", parts.secret);
}

absl::StatusOr<TokenParts> ParseToken(absl::string_view token) {
  std::vector<absl::string_view> fields = absl::StrSplit(token, '.');
  if (fields.size() != 3 || fields[0] != kTokenVersion || fields[1].size() != kTokenIdHexChars ||
      !IsLowerHex(fields[1]) || fields[2].size() != kSecretChars || !IsBase64Url(fields[2])) {
    return Malformed();
  }
  TokenParts parts;
  parts.token_id = std::string(fields[1]);
  parts.secret = std::string(fields[2]);
  return parts;
}

absl::StatusOr<absl::string_view> TokenFromAuthorization(absl::string_view value) {
  if (value.size() <= kBearerPrefix.size() || !absl::StartsWithIgnoreCase(value, kBearerPrefix)) {
    return absl::UnauthenticatedError("the authorization metadata must be \"Bearer <token>\"");
  }
  return absl::StripAsciiWhitespace(value.substr(kBearerPrefix.size()));
}

std::string Sha256(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  // The lengths are public (a SHA-256 is always 32 bytes); only the contents
  // must not leak through timing.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace auth
}  // namespace budgetperf
