#include "common/auth/auth_service.h"

#include <string>
#include <utility>

#include "common/auth/access_guard.h"
#include "common/auth/principal.h"
#include "common/server/grpc_status.h"

namespace budgetperf {
namespace auth {
namespace {

// The token store is a RocksDB on local disk: each call is short enough to
// answer on gRPC's thread.
grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* context, const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace

AuthServiceImpl::AuthServiceImpl(TokenManager* tokens) : tokens_(tokens) {}

grpc::ServerUnaryReactor* AuthServiceImpl::IssueToken(grpc::CallbackServerContext* context,
                                                      const v1::IssueTokenRequest* request,
                                                      v1::IssueTokenResponse* response) {
  // Recorded with the token, so that ListTokens tells who issued what.
  const v1::Principal* caller = CurrentPrincipal();
  const std::string issued_by = caller != nullptr ? Describe(*caller) : "";
  absl::StatusOr<TokenManager::Issued> issued = tokens_->Issue(
      request->principal(), request->ttl_seconds(), request->description(), issued_by);
  if (issued.ok()) {
    response->set_token(std::move(issued->token));
    *response->mutable_record() = std::move(issued->record);
  }
  return Done(context, issued.status());
}

grpc::ServerUnaryReactor* AuthServiceImpl::ListTokens(grpc::CallbackServerContext* context,
                                                      const v1::ListTokensRequest* request,
                                                      v1::ListTokensResponse* response) {
  absl::StatusOr<std::vector<v1::TokenRecord>> records = tokens_->List(request->include_inactive());
  if (records.ok()) {
    for (v1::TokenRecord& record : *records) *response->add_tokens() = std::move(record);
  }
  return Done(context, records.status());
}

grpc::ServerUnaryReactor* AuthServiceImpl::RevokeToken(grpc::CallbackServerContext* context,
                                                       const v1::RevokeTokenRequest* request,
                                                       v1::RevokeTokenResponse* response) {
  absl::StatusOr<v1::TokenRecord> record = tokens_->Revoke(request->token_id());
  if (record.ok()) *response->mutable_record() = *std::move(record);
  return Done(context, record.status());
}

grpc::ServerUnaryReactor* AuthServiceImpl::Authenticate(grpc::CallbackServerContext* context,
                                                        const v1::AuthenticateRequest* request,
                                                        v1::AuthenticateResponse* response) {
  absl::StatusOr<VerifiedToken> verified = tokens_->Verify(request->token());
  if (verified.ok()) {
    response->set_valid(true);
    *response->mutable_principal() = std::move(verified->principal);
    response->set_token_id(std::move(verified->token_id));
    response->set_expires_unix_ms(verified->expires_unix_ms);
    return Done(context, absl::OkStatus());
  }
  // A bad token is the answer; only a failing store is an error.
  if (absl::IsUnauthenticated(verified.status())) {
    response->set_valid(false);
    response->set_reason(std::string(verified.status().message()));
    return Done(context, absl::OkStatus());
  }
  return Done(context, verified.status());
}

}  // namespace auth
}  // namespace budgetperf
