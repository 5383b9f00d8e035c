// Bureau scope over real gRPC: listings narrowed to a bureau's division,
// refusals that do not tell whether a unit exists, the principal the
// handlers see, and units placed by a remote tree lookup.

#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/integration/auth_integration_test_fixture.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace auth_integration_test {
namespace {

TEST_F(AuthIntegrationTest, BureauListingsAreNarrowedToItsDivision) {
  auto list = [](const std::string& token, const std::string& division) {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    v1::ListEvaluationsRequest r;
    r.set_year(kYear);
    r.set_division_code(division);
    r.set_view(v1::EVALUATION_VIEW_SUMMARY);
    std::unique_ptr<v1::IngestionService::Stub> stub = d_->Ingestion(token);
    auto reader = stub->ListEvaluations(&context, r);
    std::set<std::string> units;
    v1::ListEvaluationsResponse item;
    while (reader->Read(&item)) units.insert(item.summary().uscc());
    grpc::Status s = reader->Finish();
    EXPECT_THAT(s, IsOk());
    return units;
  };
  EXPECT_EQ(list(d_->bureau_in, ""), std::set<std::string>{UsccA()});
  EXPECT_EQ(list(d_->bureau_in, "430600"), std::set<std::string>{UsccA()});
  EXPECT_EQ(list(d_->bureau_out, ""), std::set<std::string>{UsccB()});
  EXPECT_EQ(list(d_->admin, ""), (std::set<std::string>{UsccA(), UsccB()}));
}

// A refusal reads the same whether the unit or node asked about exists.
TEST_F(AuthIntegrationTest, RefusalsDoNotTellWhetherAUnitExists) {
  const std::string unknown = ingestion::test_packages::TestUscc(77777);
  auto get = [](const std::string& token, const std::string& uscc) {
    v1::GetEvaluationRequest r;
    r.set_uscc(uscc);
    r.set_year(kYear);
    return Unary(d_->Ingestion(token), &v1::IngestionService::Stub::GetEvaluation, r);
  };
  auto rollup = [](const std::string& token, const std::string& node) {
    v1::GetRollupRequest r;
    r.set_node_code(node);
    r.set_year(kYear);
    return Unary(d_->Aggregation(token), &v1::AggregationService::Stub::GetRollup, r);
  };
  struct Probe {
    grpc::Status existing, missing;
    std::string existing_code, missing_code;
  };
  for (const Probe& p : {
           Probe{get(d_->unit_a, UsccB()), get(d_->unit_a, unknown), UsccB(), unknown},
           Probe{get(d_->bureau_out, UsccA()), get(d_->bureau_out, unknown), UsccA(), unknown},
           Probe{rollup(d_->bureau_out, "430602-D01"), rollup(d_->bureau_out, "430602-D99"),
                 "430602-D01", "430602-D99"},
           Probe{rollup(d_->unit_a, UsccB()), rollup(d_->unit_a, unknown), UsccB(), unknown},
       }) {
    EXPECT_EQ(p.existing.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(p.missing.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(absl::StrReplaceAll(p.existing.error_message(), {{p.existing_code, "X"}}),
              absl::StrReplaceAll(p.missing.error_message(), {{p.missing_code, "X"}}));
  }
  // The same unknown unit asked by its own principal is simply not found.
  EXPECT_EQ(get(d_->admin, unknown).error_code(), grpc::StatusCode::NOT_FOUND);
}

// Handlers see who is calling: the AuthService records the issuer.
TEST_F(AuthIntegrationTest, HandlersSeeTheAuthenticatedPrincipal) {
  v1::IssueTokenRequest r;
  *r.mutable_principal() = Bureau("430602");
  r.set_description("dashboard");
  v1::IssueTokenResponse response;
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  ASSERT_THAT(d_->Auth(d_->admin)->IssueToken(&context, r, &response), IsOk());
  EXPECT_EQ(response.record().issued_by(), "admin admin");
  EXPECT_TRUE(response.record().secret_sha256().empty());
  // The token issued over gRPC works at once, at both servers.
  v1::GetRollupRequest rollup;
  rollup.set_node_code("430602");
  rollup.set_year(kYear);
  EXPECT_THAT(
      Unary(d_->Aggregation(response.token()), &v1::AggregationService::Stub::GetRollup, rollup),
      IsOk());
}

// Revocation is immediate where the store is, and reaches the other servers
// once their cached answer expires (kRemoteTtl here, 10 s by default).

TEST_F(AuthIntegrationTest, RemoteTreeLookupPlacesUnits) {
  auth::GrpcNodePathLookup lookup(d_->Channel(d_->aggregation->address(), d_->service), {});
  auth::TreeScopeResolver resolver(
      [&lookup](absl::string_view code, int32_t year) { return lookup(code, year); });
  EXPECT_EQ(*resolver.Locate(Bureau("430602"), UsccA(), kYear), auth::Placement::kBelow);
  EXPECT_EQ(*resolver.Locate(Bureau("430603"), UsccA(), kYear), auth::Placement::kOutside);
  EXPECT_EQ(*resolver.Locate(Bureau("430602"), "nowhere", kYear), auth::Placement::kUnknown);
  auth::GrpcNodePathLookup no_token(d_->Channel(d_->aggregation->address(), ""), {});
  EXPECT_THAT(no_token(UsccA(), kYear).status(), StatusIs(absl::StatusCode::kUnavailable));
}

// Health checks need no token (probes carry none).

}  // namespace
}  // namespace auth_integration_test
}  // namespace budgetperf
