#ifndef BUDGETPERF_COMMON_AUTH_TOKEN_H_
#define BUDGETPERF_COMMON_AUTH_TOKEN_H_

// The bearer token's text and the cryptography behind it, in one place.
//
//   bp1.<token_id>.<secret>
//
//   bp1       the format version
//   token_id  16 lowercase hex characters (8 random bytes): the store's key,
//             not a secret (ListTokens shows it, RevokeToken takes it)
//   secret    43 base64url characters (32 random bytes, no padding): known
//             only to the holder; the store keeps its SHA-256
//
// A call carries it as "authorization: Bearer bp1.<token_id>.<secret>".

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace budgetperf {
namespace auth {

// "bp1".
inline constexpr absl::string_view kTokenVersion = "bp1";
// The request metadata key (gRPC lowercases keys) and its value's prefix.
inline constexpr absl::string_view kAuthorizationMetadataKey = "authorization";
inline constexpr absl::string_view kBearerPrefix = "Bearer ";

inline constexpr size_t kTokenIdHexChars = 16;
inline constexpr size_t kSecretBytes = 32;

// A token taken apart.
struct TokenParts {
  std::string token_id;
  std::string secret;  // the base64url text, as hashed
};

// `bytes` random bytes from the operating system's CSPRNG (OpenSSL
// RAND_bytes). INTERNAL if it fails.
absl::StatusOr<std::string> RandomBytes(size_t bytes);

// A fresh token id (16 hex characters) and secret (43 base64url characters).
absl::StatusOr<TokenParts> NewTokenParts();

// "bp1.<token_id>.<secret>".
std::string FormatToken(const TokenParts& parts);

// Takes a token apart, checking its shape only (version, id of 16 lowercase
// hex characters, secret of 43 base64url characters). UNAUTHENTICATED
// "malformed token" otherwise; the message never repeats the token.
absl::StatusOr<TokenParts> ParseToken(absl::string_view token);

// The token from an "authorization" metadata value "Bearer <token>" (the
// scheme is matched without regard to case). UNAUTHENTICATED when the value
// is not a bearer credential.
absl::StatusOr<absl::string_view> TokenFromAuthorization(absl::string_view value);

// SHA-256 of `data`: 32 raw bytes.
std::string Sha256(absl::string_view data);

// Whether `a` and `b` are equal, in time that depends only on their lengths
// (OpenSSL CRYPTO_memcmp), so that comparing a presented secret's hash with
// the stored one tells an attacker nothing about how many bytes matched.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace auth
}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_AUTH_TOKEN_H_
