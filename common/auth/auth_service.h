#ifndef BUDGETPERF_COMMON_AUTH_AUTH_SERVICE_H_
#define BUDGETPERF_COMMON_AUTH_AUTH_SERVICE_H_

// budgetperf.v1.AuthService over the callback API: a thin adapter over the
// TokenManager. Who may call what (admins issue, list and revoke; services
// authenticate) is the AccessGuard's business, not this class's: serve it
// behind one (GrpcServer does when the security has a guard).

#include <grpcpp/grpcpp.h>

#include "budgetperf/v1/auth.grpc.pb.h"
#include "common/auth/token_manager.h"

namespace budgetperf {
namespace auth {

class AuthServiceImpl final : public v1::AuthService::CallbackService {
 public:
  // `tokens` must outlive the service.
  explicit AuthServiceImpl(TokenManager* tokens);

  grpc::ServerUnaryReactor* IssueToken(grpc::CallbackServerContext* context,
                                       const v1::IssueTokenRequest* request,
                                       v1::IssueTokenResponse* response) override;
  grpc::ServerUnaryReactor* ListTokens(grpc::CallbackServerContext* context,
                                       const v1::ListTokensRequest* request,
                                       v1::ListTokensResponse* response) override;
  grpc::ServerUnaryReactor* RevokeToken(grpc::CallbackServerContext* context,
                                        const v1::RevokeTokenRequest* request,
                                        v1::RevokeTokenResponse* response) override;
  grpc::ServerUnaryReactor* Authenticate(grpc::CallbackServerContext* context,
                                         const v1::AuthenticateRequest* request,
                                         v1::AuthenticateResponse* response) override;

 private:
  TokenManager* const tokens_;
};

}  // namespace auth
}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_AUTH_AUTH_SERVICE_H_
