#ifndef BUDGETPERF_COMMON_AUTH_TOKEN_VERIFIER_H_
#define BUDGETPERF_COMMON_AUTH_TOKEN_VERIFIER_H_

// Turning a presented bearer token into the principal it speaks for. The
// server that keeps the token store checks tokens itself (TokenManager);
// every other server asks it (RemoteTokenVerifier).

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "budgetperf/v1/auth.pb.h"

namespace budgetperf {
namespace auth {

// A token that checked out.
struct VerifiedToken {
  v1::Principal principal;
  std::string token_id;
  int64_t expires_unix_ms = 0;
};

class TokenVerifier {
 public:
  virtual ~TokenVerifier() = default;

  // Whose token `token` ("bp1.<id>.<secret>") is. UNAUTHENTICATED for a
  // malformed, unknown, expired or revoked token (the message never says
  // whether an id exists with another secret); UNAVAILABLE when the token
  // store cannot be reached. Thread-safe.
  virtual absl::StatusOr<VerifiedToken> Verify(absl::string_view token) = 0;
};

// Milliseconds since the Unix epoch, from the system clock.
int64_t NowUnixMillis();

}  // namespace auth
}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_AUTH_TOKEN_VERIFIER_H_
