#ifndef BUDGETPERF_COMMON_AUTH_REMOTE_TOKEN_VERIFIER_H_
#define BUDGETPERF_COMMON_AUTH_REMOTE_TOKEN_VERIFIER_H_

// Checking tokens at a server that does not keep the token store: each token
// is sent once to AuthService.Authenticate (the server's own service token
// rides on the channel), and the answer is kept for a short while.
//
// Revocation therefore reaches this server within `ttl` (10 s by default): a
// token revoked at the store keeps working here until its cached answer
// expires. An expired token stops at its expiry, whatever the cache.
// Refusals are kept for `negative_ttl` (1 s), so that a client hammering
// with a bad token does not hammer the auth server too.
//
// A cache miss blocks the calling thread (one of gRPC's, in the guard) for
// the Authenticate round trip, up to `deadline`; every later call with the
// same token within `ttl` is a map lookup.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/auth/token_verifier.h"

namespace budgetperf {
namespace auth {

class RemoteTokenVerifier final : public TokenVerifier {
 public:
  struct Options {
    std::chrono::milliseconds ttl{10000};
    std::chrono::milliseconds negative_ttl{1000};
    // Each Authenticate call gives up after this long.
    std::chrono::milliseconds deadline{3000};
    // Entries kept at most; the cache is emptied when full.
    size_t max_entries = 100000;
    // Unix milliseconds; tests set their own.
    std::function<int64_t()> clock = NowUnixMillis;
  };

  // `channel` reaches the AuthService and carries this server's service
  // token (MakeClientChannel).
  RemoteTokenVerifier(std::shared_ptr<grpc::Channel> channel, Options options);

  // See TokenVerifier. UNAVAILABLE when the auth server cannot be reached or
  // refuses this server's own token (the caller is not at fault; nothing is
  // cached then).
  absl::StatusOr<VerifiedToken> Verify(absl::string_view token) override;

 private:
  struct Entry {
    absl::StatusOr<VerifiedToken> answer;
    int64_t until_unix_ms = 0;
  };

  std::shared_ptr<grpc::Channel> channel_;
  const Options options_;
  absl::Mutex mu_;
  // Keyed by the token's SHA-256, so that the cache holds no usable token.
  absl::flat_hash_map<std::string, Entry> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace auth
}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_AUTH_REMOTE_TOKEN_VERIFIER_H_
