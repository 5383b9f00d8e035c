#ifndef BUDGETPERF_COMMON_AUTH_ACCESS_GUARD_H_
#define BUDGETPERF_COMMON_AUTH_ACCESS_GUARD_H_

// The one layer where every call is authenticated and authorised, before the
// service's handler sees it.
//
// Why a guard and not a grpc::experimental server interceptor: in gRPC 1.51 a
// C++ server interceptor can look at a call but cannot end it; the handler
// runs whatever the interceptor decides (there is no Hijack on the server
// side; grpc/grpc#22395, #24017). An AuthMetadataProcessor can refuse a call,
// but only on TLS ports, and it never sees the request message, which the
// scope checks need. So the layer sits at dispatch instead: GrpcServer
// registers, in place of each service, a wrapper implementing the same
// generated CallbackService that
//   1. authenticates the "authorization: Bearer <token>" metadata
//      (UNAUTHENTICATED when missing, malformed, unknown, expired, revoked);
//   2. checks the caller's kind against the method's policy row and the
//      request against its scope (PERMISSION_DENIED), and the Submit rate
//      (RESOURCE_EXHAUSTED): authorizer.h;
//   3. only then calls the service's handler, with the principal available
//      through CurrentPrincipal().
// Client streams (SubmitStream) are checked message by message: the wrapper
// reads each message for the service's reactor and passes it on only once it
// is allowed; a refused message ends the call with the refusal, and the
// service sees the stream end there.
//
// Services are matched by their generated base class; a service without a
// policy makes GrpcServer::Start fail (FAILED_PRECONDITION), and a method
// without a row in the table is refused to everyone. Health checking and
// reflection are not behind the guard.
//
//   auto guard = std::make_shared<AccessGuard>(AccessGuard::Options{
//       .verifier = token_manager, .scope = resolver});
//   GrpcServerOptions options;
//   options.security = ServerSecurity{.guard = guard};
//   ASSIGN_OR_RETURN(auto server, GrpcServer::Start(options, {&ingestion_service}));

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "budgetperf/v1/auth.pb.h"
#include "common/auth/authorizer.h"
#include "common/auth/scope.h"
#include "common/auth/token_verifier.h"
#include "common/server/server_security.h"
#include "google/protobuf/message.h"

namespace budgetperf {
namespace auth {

class AccessGuard final : public ServiceGuard {
 public:
  struct Options {
    // Checks tokens: a TokenManager where the store lives, a
    // RemoteTokenVerifier elsewhere. Required.
    std::shared_ptr<TokenVerifier> verifier;
    // Places codes for bureaus (see scope.h), asked first. Without any
    // source, bureaus reach their own node and their division's listings
    // only.
    std::shared_ptr<ScopeResolver> scope;
    // The server's own sources, asked after `scope`: the org tree of the
    // Aggregator it serves (a TreeScopeResolver over it) and the divisions
    // its IngestionStore keeps (a DivisionScopeResolver). The composition
    // root (budgetd, the servers' main) passes plain functions over them.
    NodePathLookup node_path;
    UnitDivisionLookup unit_division;
    // The Submit rate per unit principal.
    RateLimiter::Options submit_rate;
  };

  explicit AccessGuard(Options options);

  // See ServiceGuard: wraps IngestionService, ScoringService,
  // AggregationService, AuthService and AdminService callback services.
  absl::StatusOr<std::unique_ptr<grpc::Service>> Guard(grpc::Service* service) override;

  // Authenticates a call from its metadata and checks its caller may call
  // `method` at all.
  absl::StatusOr<v1::Principal> Admit(const grpc::CallbackServerContext& context,
                                      absl::string_view method);

  // Admit's second half, and the check of each message: see
  // Authorizer::AuthorizeRequest. May narrow `request` to the caller's scope.
  absl::Status CheckRequest(const v1::Principal& principal, absl::string_view method,
                            google::protobuf::Message* request);

  // Authenticates the value of an "authorization" metadata entry (nullptr:
  // none was sent).
  absl::StatusOr<v1::Principal> Authenticate(const absl::string_view* authorization);

 private:
  const std::shared_ptr<TokenVerifier> verifier_;
  // Options::scope, then the tree and the divisions of Options.
  const std::shared_ptr<AnyScopeResolver> scope_;
  Authorizer authorizer_;
};

// The principal of the call whose handler is running on this thread, set by
// the guard around the handler's synchronous part (nullptr outside one, or on
// a server without access control). Handlers that hand work to other threads
// copy it first:
//
//   const v1::Principal* who = CurrentPrincipal();
//   std::string issued_by = who != nullptr ? Describe(*who) : "";
const v1::Principal* CurrentPrincipal();

// Sets CurrentPrincipal() for its lifetime (the guard's, and tests').
class ScopedPrincipal {
 public:
  explicit ScopedPrincipal(const v1::Principal* principal);
  ~ScopedPrincipal();
  ScopedPrincipal(const ScopedPrincipal&) = delete;
  ScopedPrincipal& operator=(const ScopedPrincipal&) = delete;

 private:
  const v1::Principal* const previous_;
};

}  // namespace auth
}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_AUTH_ACCESS_GUARD_H_
