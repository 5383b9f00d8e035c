// Tokens over real gRPC: revocation reaching the other servers within the
// cache time, Authenticate for services only, scoring behind a token, and
// health checks without one.

#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "tests/integration/auth_integration_test_fixture.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace auth_integration_test {
namespace {

TEST_F(AuthIntegrationTest, RevocationReachesOtherServersWithinTheCacheTime) {
  const std::string token = Issue(d_->tokens.get(), Bureau("430602"));
  v1::GetRollupRequest rollup;
  rollup.set_node_code("430602");
  rollup.set_year(kYear);
  v1::GetEvaluationRequest get;
  get.set_uscc(UsccA());
  get.set_year(kYear);
  ASSERT_THAT(Unary(d_->Aggregation(token), &v1::AggregationService::Stub::GetRollup, rollup),
              IsOk());
  ASSERT_THAT(Unary(d_->Ingestion(token), &v1::IngestionService::Stub::GetEvaluation, get), IsOk());

  v1::RevokeTokenRequest revoke;
  revoke.set_token_id(auth::ParseToken(token)->token_id);
  ASSERT_THAT(Unary(d_->Auth(d_->admin), &v1::AuthService::Stub::RevokeToken, revoke), IsOk());
  EXPECT_EQ(
      Unary(d_->Ingestion(token), &v1::IngestionService::Stub::GetEvaluation, get).error_code(),
      grpc::StatusCode::UNAUTHENTICATED);

  std::this_thread::sleep_for(kRemoteTtl + std::chrono::milliseconds(200));
  grpc::Status later =
      Unary(d_->Aggregation(token), &v1::AggregationService::Stub::GetRollup, rollup);
  EXPECT_EQ(later.error_code(), grpc::StatusCode::UNAUTHENTICATED) << later.error_message();
}

// Only services may ask the front to check tokens; a unit cannot use it to
// probe other tokens.
TEST_F(AuthIntegrationTest, AuthenticateIsForServices) {
  v1::AuthenticateRequest r;
  r.set_token(d_->unit_b);
  v1::AuthenticateResponse response;
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  ASSERT_THAT(d_->Auth(d_->service)->Authenticate(&context, r, &response), IsOk());
  EXPECT_TRUE(response.valid());
  EXPECT_EQ(response.principal().uscc(), UsccB());
  r.set_token(d_->revoked);
  grpc::ClientContext context2;
  context2.set_deadline(Deadline());
  ASSERT_THAT(d_->Auth(d_->service)->Authenticate(&context2, r, &response), IsOk());
  EXPECT_FALSE(response.valid());
  EXPECT_EQ(Unary(d_->Auth(d_->unit_a), &v1::AuthService::Stub::Authenticate, r).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Unary(d_->Auth(d_->admin), &v1::AuthService::Stub::Authenticate, r).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// Scoring keeps no data: any authenticated caller, nobody else.
TEST_F(AuthIntegrationTest, ScoringNeedsAToken) {
  v1::ListProfilesRequest r;
  EXPECT_THAT(Unary(d_->Scoring(d_->unit_a), &v1::ScoringService::Stub::ListProfiles, r), IsOk());
  EXPECT_THAT(Unary(d_->Scoring(d_->bureau_out), &v1::ScoringService::Stub::ListProfiles, r),
              IsOk());
  EXPECT_EQ(Unary(d_->Scoring(""), &v1::ScoringService::Stub::ListProfiles, r).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

// Bureau scope at another server, through aggregation's GetNode with a
// service token: how budget-ingestion places units when run with --org-tree.

TEST_F(AuthIntegrationTest, HealthNeedsNoToken) {
  grpc::GenericStub stub(d_->Channel(d_->front->address(), ""));
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  grpc::ByteBuffer request;  // HealthCheckRequest{service: ""} is empty
  grpc::Slice empty;
  request = grpc::ByteBuffer(&empty, 1);
  grpc::ByteBuffer response;
  absl::Mutex mu;
  bool finished = false;
  grpc::Status status;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) {
                   absl::MutexLock lock(&mu);
                   status = std::move(s);
                   finished = true;
                 });
  absl::MutexLock lock(&mu);
  mu.Await(absl::Condition(&finished));
  EXPECT_THAT(status, IsOk()) << status.error_code() << " " << status.error_message();
}

}  // namespace
}  // namespace auth_integration_test
}  // namespace budgetperf
