#include "common/auth/remote_token_verifier.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "budgetperf/v1/auth.grpc.pb.h"
#include "common/auth/token.h"
#include "common/server/grpc_status.h"

namespace budgetperf {
namespace auth {

RemoteTokenVerifier::RemoteTokenVerifier(std::shared_ptr<grpc::Channel> channel, Options options)
    : channel_(std::move(channel)), options_(std::move(options)) {}

absl::StatusOr<VerifiedToken> RemoteTokenVerifier::Verify(absl::string_view token) {
  // Malformed tokens never leave the server.
  if (absl::Status s = ParseToken(token).status(); !s.ok()) return s;
  const std::string key = Sha256(token);
  const int64_t now = options_.clock();
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.until_unix_ms > now) return it->second.answer;
  }

  v1::AuthenticateRequest request;
  request.set_token(std::string(token));
  v1::AuthenticateResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + options_.deadline);
  const grpc::Status status =
      v1::AuthService::NewStub(channel_)->Authenticate(&context, request, &response);
  if (!status.ok()) {
    return absl::UnavailableError(absl::StrCat("cannot check the token with the auth server: ",
                                               FromGrpcStatus(status).ToString()));
  }

  Entry entry;
  if (response.valid()) {
    VerifiedToken verified;
    verified.principal = response.principal();
    verified.token_id = response.token_id();
    verified.expires_unix_ms = response.expires_unix_ms();
    entry.until_unix_ms = std::min<int64_t>(now + options_.ttl.count(), verified.expires_unix_ms);
    entry.answer = std::move(verified);
  } else {
    entry.until_unix_ms = now + options_.negative_ttl.count();
    entry.answer = absl::UnauthenticatedError(response.reason());
  }
  absl::StatusOr<VerifiedToken> answer = entry.answer;
  absl::MutexLock lock(&mu_);
  if (cache_.size() >= options_.max_entries) cache_.clear();
  cache_[key] = std::move(entry);
  return answer;
}

}  // namespace auth
}  // namespace budgetperf
