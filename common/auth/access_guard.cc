#include "common/auth/access_guard.h"

#include <atomic>
#include <utility>

#include "absl/strings/str_cat.h"
#include "budgetperf/v1/admin.grpc.pb.h"
#include "budgetperf/v1/aggregation.grpc.pb.h"
#include "budgetperf/v1/auth.grpc.pb.h"
#include "budgetperf/v1/ingestion.grpc.pb.h"
#include "budgetperf/v1/scoring.grpc.pb.h"
#include "common/auth/token.h"
#include "common/server/grpc_status.h"

namespace budgetperf {
namespace auth {
namespace {

thread_local const v1::Principal* current_principal = nullptr;

// Ends a server-streaming call at once with `status`.
template <class Response>
class RefusedWriter final : public grpc::ServerWriteReactor<Response> {
 public:
  explicit RefusedWriter(const grpc::Status& status) { this->Finish(status); }
  void OnDone() override { delete this; }
};

// Ends a client-streaming call at once with `status`, reading nothing.
template <class Request>
class RefusedReader final : public grpc::ServerReadReactor<Request> {
 public:
  explicit RefusedReader(const grpc::Status& status) { this->Finish(status); }
  void OnDone() override { delete this; }
};

// Stands between gRPC and the service's reactor of a client stream: gRPC
// drives this reactor; the service's reactor is bound to `proxy_`, through
// which its StartRead/Finish reach this one. Each message read is checked
// before the service's OnReadDone sees it; a refused one ends the call with
// the refusal and the service sees the end of the stream (OnReadDone(false),
// after which it finishes; its Finish is then dropped).
//
// The service's reactor is told everything gRPC tells this one
// (OnSendInitialMetadataDone, OnReadDone, OnCancel, OnDone), in the same
// order, so that it keeps gRPC's guarantees: in particular OnDone comes
// last, once this call is over.
template <class Request>
class GuardedReader final : public grpc::ServerReadReactor<Request> {
 public:
  GuardedReader(AccessGuard* guard, std::string method, v1::Principal principal)
      : guard_(guard), method_(std::move(method)), principal_(std::move(principal)), proxy_(this) {}

  // Binds the service's reactor (made by its handler) to the proxy. Before
  // this reactor is returned to gRPC, so that a read the service started in
  // its constructor waits in this reactor's backlog.
  void Attach(grpc::ServerReadReactor<Request>* inner) {
    inner_ = inner;
    proxy_.Bind(inner);
  }

  void OnSendInitialMetadataDone(bool ok) override { inner_->OnSendInitialMetadataDone(ok); }

  void OnReadDone(bool ok) override {
    if (ok) {
      absl::Status allowed = guard_->CheckRequest(principal_, method_, pending_);
      if (!allowed.ok()) {
        refused_.store(true);
        this->Finish(ToGrpcStatus(allowed));
        inner_->OnReadDone(false);
        return;
      }
    }
    inner_->OnReadDone(ok);
  }

  void OnCancel() override { inner_->OnCancel(); }

  void OnDone() override {
    inner_->OnDone();
    delete this;
  }

 private:
  class Proxy final : public grpc::ServerCallbackReader<Request> {
   public:
    explicit Proxy(GuardedReader* outer) : outer_(outer) {}
    void Bind(grpc::ServerReadReactor<Request>* inner) {
      inner_ = inner;
      this->BindReactor(inner);
    }
    void Finish(grpc::Status s) override { outer_->InnerFinish(std::move(s)); }
    void SendInitialMetadata() override { outer_->StartSendInitialMetadata(); }
    void Read(Request* message) override { outer_->InnerRead(message); }

   private:
    // ServerCallbackCall's bookkeeping is the outer call's; the proxy only
    // forwards, so these are never used by gRPC.
    grpc::internal::ServerReactor* reactor() override { return inner_; }
    void CallOnDone() override {}

    GuardedReader* const outer_;
    grpc::ServerReadReactor<Request>* inner_ = nullptr;
  };

  void InnerRead(Request* message) {
    // After a refusal the call is finished: no more reads.
    if (refused_.load()) return;
    pending_ = message;
    this->StartRead(message);
  }

  void InnerFinish(grpc::Status status) {
    if (refused_.load()) return;
    this->Finish(std::move(status));
  }

  AccessGuard* const guard_;
  const std::string method_;
  const v1::Principal principal_;
  Proxy proxy_;
  grpc::ServerReadReactor<Request>* inner_ = nullptr;
  // The service's buffer the read in flight fills (one read at a time).
  Request* pending_ = nullptr;
  std::atomic<bool> refused_{false};
};

// The guard's three shapes of call. `call` invokes the service's handler.

template <class Request, class Call>
grpc::ServerUnaryReactor* GuardUnary(AccessGuard* guard, const std::string& method,
                                     grpc::CallbackServerContext* context, const Request* request,
                                     Call call) {
  absl::StatusOr<v1::Principal> principal = guard->Admit(*context, method);
  if (principal.ok()) {
    // The request belongs to this call and is not const (the handler's
    // allocator made it); the policy may narrow it to the caller's scope.
    absl::Status allowed = guard->CheckRequest(*principal, method, const_cast<Request*>(request));
    if (allowed.ok()) {
      ScopedPrincipal scoped(&*principal);
      return call();
    }
    principal = allowed;
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(principal.status()));
  return reactor;
}

template <class Response, class Request, class Call>
grpc::ServerWriteReactor<Response>* GuardServerStream(AccessGuard* guard, const std::string& method,
                                                      grpc::CallbackServerContext* context,
                                                      const Request* request, Call call) {
  absl::StatusOr<v1::Principal> principal = guard->Admit(*context, method);
  if (principal.ok()) {
    absl::Status allowed = guard->CheckRequest(*principal, method, const_cast<Request*>(request));
    if (allowed.ok()) {
      ScopedPrincipal scoped(&*principal);
      return call();
    }
    principal = allowed;
  }
  return new RefusedWriter<Response>(ToGrpcStatus(principal.status()));
}

template <class Request, class Call>
grpc::ServerReadReactor<Request>* GuardClientStream(AccessGuard* guard, const std::string& method,
                                                    grpc::CallbackServerContext* context,
                                                    Call call) {
  absl::StatusOr<v1::Principal> principal = guard->Admit(*context, method);
  if (!principal.ok()) return new RefusedReader<Request>(ToGrpcStatus(principal.status()));
  grpc::ServerReadReactor<Request>* inner = nullptr;
  {
    ScopedPrincipal scoped(&*principal);
    inner = call();
  }
  if (inner == nullptr) {
    return new RefusedReader<Request>(grpc::Status(grpc::StatusCode::INTERNAL, "no reactor"));
  }
  auto* outer = new GuardedReader<Request>(guard, method, *std::move(principal));
  outer->Attach(inner);
  return outer;
}

std::string Method(const char* service, const char* method) {
  return FullMethodName(service, method);
}

// --- one wrapper per service: each handler is the guard, then the service ---

class GuardedIngestion final : public v1::IngestionService::CallbackService {
 public:
  GuardedIngestion(AccessGuard* guard, v1::IngestionService::CallbackService* inner)
      : guard_(guard), inner_(inner) {}

  grpc::ServerUnaryReactor* Submit(grpc::CallbackServerContext* c, const v1::SubmitRequest* q,
                                   v1::SubmitResponse* r) override {
    static const std::string m = Method(v1::IngestionService::service_full_name(), "Submit");
    return GuardUnary(guard_, m, c, q, [&] { return inner_->Submit(c, q, r); });
  }
  grpc::ServerReadReactor<v1::SubmitRequest>* SubmitStream(grpc::CallbackServerContext* c,
                                                           v1::SubmitStreamResponse* r) override {
    static const std::string m = Method(v1::IngestionService::service_full_name(), "SubmitStream");
    return GuardClientStream<v1::SubmitRequest>(guard_, m, c,
                                                [&] { return inner_->SubmitStream(c, r); });
  }
  grpc::ServerUnaryReactor* GetEvaluation(grpc::CallbackServerContext* c,
                                          const v1::GetEvaluationRequest* q,
                                          v1::GetEvaluationResponse* r) override {
    static const std::string m = Method(v1::IngestionService::service_full_name(), "GetEvaluation");
    return GuardUnary(guard_, m, c, q, [&] { return inner_->GetEvaluation(c, q, r); });
  }
  grpc::ServerUnaryReactor* ListVersions(grpc::CallbackServerContext* c,
                                         const v1::ListVersionsRequest* q,
                                         v1::ListVersionsResponse* r) override {
    static const std::string m = Method(v1::IngestionService::service_full_name(), "ListVersions");
    return GuardUnary(guard_, m, c, q, [&] { return inner_->ListVersions(c, q, r); });
  }
  grpc::ServerWriteReactor<v1::ListEvaluationsResponse>* ListEvaluations(
      grpc::CallbackServerContext* c, const v1::ListEvaluationsRequest* q) override {
    static const std::string m =
        Method(v1::IngestionService::service_full_name(), "ListEvaluations");
    return GuardServerStream<v1::ListEvaluationsResponse>(
        guard_, m, c, q, [&] { return inner_->ListEvaluations(c, q); });
  }

 private:
  AccessGuard* const guard_;
  v1::IngestionService::CallbackService* const inner_;
};

class GuardedScoring final : public v1::ScoringService::CallbackService {
 public:
  GuardedScoring(AccessGuard* guard, v1::ScoringService::CallbackService* inner)
      : guard_(guard), inner_(inner) {}

  grpc::ServerUnaryReactor* Score(grpc::CallbackServerContext* c, const v1::ScoreRequest* q,
                                  v1::ScoreResponse* r) override {
    static const std::string m = Method(v1::ScoringService::service_full_name(), "Score");
    return GuardUnary(guard_, m, c, q, [&] { return inner_->Score(c, q, r); });
  }
  grpc::ServerUnaryReactor* ListProfiles(grpc::CallbackServerContext* c,
                                         const v1::ListProfilesRequest* q,
                                         v1::ListProfilesResponse* r) override {
    static const std::string m = Method(v1::ScoringService::service_full_name(), "ListProfiles");
    return GuardUnary(guard_, m, c, q, [&] { return inner_->ListProfiles(c, q, r); });
  }

 private:
  AccessGuard* const guard_;
  v1::ScoringService::CallbackService* const inner_;
};

class GuardedAuth final : public v1::AuthService::CallbackService {
 public:
  GuardedAuth(AccessGuard* guard, v1::AuthService::CallbackService* inner)
      : guard_(guard), inner_(inner) {}

  grpc::ServerUnaryReactor* IssueToken(grpc::CallbackServerContext* c,
                                       const v1::IssueTokenRequest* q,
                                       v1::IssueTokenResponse* r) override {
    static const std::string m = Method(v1::AuthService::service_full_name(), "IssueToken");
    return GuardUnary(guard_, m, c, q, [&] { return inner_->IssueToken(c, q, r); });
  }
  grpc::ServerUnaryReactor* ListTokens(grpc::CallbackServerContext* c,
                                       const v1::ListTokensRequest* q,
                                       v1::ListTokensResponse* r) override {
    static const std::string m = Method(v1::AuthService::service_full_name(), "ListTokens");
    return GuardUnary(guard_, m, c, q, [&] { return inner_->ListTokens(c, q, r); });
  }
  grpc::ServerUnaryReactor* RevokeToken(grpc::CallbackServerContext* c,
                                        const v1::RevokeTokenRequest* q,
                                        v1::RevokeTokenResponse* r) override {
    static const std::string m = Method(v1::AuthService::service_full_name(), "RevokeToken");
    return GuardUnary(guard_, m, c, q, [&] { return inner_->RevokeToken(c, q, r); });
  }
  grpc::ServerUnaryReactor* Authenticate(grpc::CallbackServerContext* c,
                                         const v1::AuthenticateRequest* q,
                                         v1::AuthenticateResponse* r) override {
    static const std::string m = Method(v1::AuthService::service_full_name(), "Authenticate");
    return GuardUnary(guard_, m, c, q, [&] { return inner_->Authenticate(c, q, r); });
  }

 private:
  AccessGuard* const guard_;
  v1::AuthService::CallbackService* const inner_;
};

class GuardedAdmin final : public v1::AdminService::CallbackService {
 public:
  GuardedAdmin(AccessGuard* guard, v1::AdminService::CallbackService* inner)
      : guard_(guard), inner_(inner) {}

  grpc::ServerUnaryReactor* Checkpoint(grpc::CallbackServerContext* c,
                                       const v1::CheckpointRequest* q,
                                       v1::CheckpointResponse* r) override {
    static const std::string m = Method(v1::AdminService::service_full_name(), "Checkpoint");
    return GuardUnary(guard_, m, c, q, [&] { return inner_->Checkpoint(c, q, r); });
  }

 private:
  AccessGuard* const guard_;
  v1::AdminService::CallbackService* const inner_;
};

// Every AggregationService method is unary; one line each.
class GuardedAggregation final : public v1::AggregationService::CallbackService {
 public:
  GuardedAggregation(AccessGuard* guard, v1::AggregationService::CallbackService* inner)
      : guard_(guard), inner_(inner) {}

#define BUDGETPERF_GUARDED_UNARY(Name)                                                       \
  grpc::ServerUnaryReactor* Name(grpc::CallbackServerContext* c, const v1::Name##Request* q, \
                                 v1::Name##Response* r) override {                           \
    static const std::string m = Method(v1::AggregationService::service_full_name(), #Name); \
    return GuardUnary(guard_, m, c, q, [&] { return inner_->Name(c, q, r); });               \
  }
  BUDGETPERF_GUARDED_UNARY(UpsertNodes)
  BUDGETPERF_GUARDED_UNARY(ImportOrgCsv)
  BUDGETPERF_GUARDED_UNARY(GetNode)
  BUDGETPERF_GUARDED_UNARY(ListNodes)
  BUDGETPERF_GUARDED_UNARY(MoveNode)
  BUDGETPERF_GUARDED_UNARY(ApplyEvaluation)
  BUDGETPERF_GUARDED_UNARY(ApplyEvaluations)
  BUDGETPERF_GUARDED_UNARY(GetRollup)
  BUDGETPERF_GUARDED_UNARY(Drilldown)
  BUDGETPERF_GUARDED_UNARY(Coverage)
  BUDGETPERF_GUARDED_UNARY(CompareYears)
  BUDGETPERF_GUARDED_UNARY(TopN)
  BUDGETPERF_GUARDED_UNARY(ListMeasures)
  BUDGETPERF_GUARDED_UNARY(RecordFindings)
  BUDGETPERF_GUARDED_UNARY(RecordFindingsBatch)
  BUDGETPERF_GUARDED_UNARY(GetFindings)
  BUDGETPERF_GUARDED_UNARY(Recompute)
#undef BUDGETPERF_GUARDED_UNARY

 private:
  AccessGuard* const guard_;
  v1::AggregationService::CallbackService* const inner_;
};

}  // namespace

const v1::Principal* CurrentPrincipal() { return current_principal; }

ScopedPrincipal::ScopedPrincipal(const v1::Principal* principal) : previous_(current_principal) {
  current_principal = principal;
}

ScopedPrincipal::~ScopedPrincipal() { current_principal = previous_; }

AccessGuard::AccessGuard(Options options)
    : verifier_(std::move(options.verifier)),
      scope_(std::make_shared<AnyScopeResolver>()),
      authorizer_(Authorizer::Options{scope_, options.submit_rate}) {
  if (options.scope != nullptr) scope_->Add(std::move(options.scope));
  if (options.node_path) {
    scope_->Add(std::make_shared<TreeScopeResolver>(std::move(options.node_path)));
  }
  if (options.unit_division) {
    scope_->Add(std::make_shared<DivisionScopeResolver>(std::move(options.unit_division)));
  }
}

absl::StatusOr<std::unique_ptr<grpc::Service>> AccessGuard::Guard(grpc::Service* service) {
  if (auto* s = dynamic_cast<v1::IngestionService::CallbackService*>(service)) {
    return std::unique_ptr<grpc::Service>(new GuardedIngestion(this, s));
  }
  if (auto* s = dynamic_cast<v1::AggregationService::CallbackService*>(service)) {
    return std::unique_ptr<grpc::Service>(new GuardedAggregation(this, s));
  }
  if (auto* s = dynamic_cast<v1::ScoringService::CallbackService*>(service)) {
    return std::unique_ptr<grpc::Service>(new GuardedScoring(this, s));
  }
  if (auto* s = dynamic_cast<v1::AuthService::CallbackService*>(service)) {
    return std::unique_ptr<grpc::Service>(new GuardedAuth(this, s));
  }
  if (auto* s = dynamic_cast<v1::AdminService::CallbackService*>(service)) {
    return std::unique_ptr<grpc::Service>(new GuardedAdmin(this, s));
  }
  return absl::FailedPreconditionError(
      "a service without an access policy cannot be served with access control on (the guard "
      "knows the callback services of IngestionService, AggregationService, ScoringService, "
      "AuthService and AdminService)");
}

absl::StatusOr<v1::Principal> AccessGuard::Authenticate(const absl::string_view* authorization) {
  if (verifier_ == nullptr) return absl::InternalError("access control has no token verifier");
  if (authorization == nullptr) {
    return absl::UnauthenticatedError(
        "no token: send the metadata \"authorization: Bearer <token>\" (budgetctl --token-file)");
  }
  absl::StatusOr<absl::string_view> token = TokenFromAuthorization(*authorization);
  if (!token.ok()) return token.status();
  absl::StatusOr<VerifiedToken> verified = verifier_->Verify(*token);
  if (!verified.ok()) return verified.status();
  return std::move(verified->principal);
}

absl::StatusOr<v1::Principal> AccessGuard::Admit(const grpc::CallbackServerContext& context,
                                                 absl::string_view method) {
  const auto& metadata = context.client_metadata();
  auto [first, last] = metadata.equal_range(
      grpc::string_ref(kAuthorizationMetadataKey.data(), kAuthorizationMetadataKey.size()));
  absl::StatusOr<v1::Principal> principal;
  if (first == last) {
    principal = Authenticate(nullptr);
  } else if (std::next(first) != last) {
    principal = absl::UnauthenticatedError("more than one authorization metadata entry");
  } else {
    const absl::string_view value(first->second.data(), first->second.size());
    principal = Authenticate(&value);
  }
  if (!principal.ok()) return principal;
  if (absl::Status s = authorizer_.AuthorizeCall(*principal, method); !s.ok()) return s;
  return principal;
}

absl::Status AccessGuard::CheckRequest(const v1::Principal& principal, absl::string_view method,
                                       google::protobuf::Message* request) {
  return authorizer_.AuthorizeRequest(principal, method, request);
}

}  // namespace auth
}  // namespace budgetperf
