// Access control over real gRPC: the whole matrix of callers × methods
// against the in-process deployment (auth_integration_test_fixture.h), and
// that refused calls change nothing.

#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/integration/auth_integration_test_fixture.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace auth_integration_test {
namespace {

using ::testing::Not;

// ---------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------

// What a caller acts on.
struct Target {
  std::string uscc;      // a unit
  int unit_number;       // ingestion::test_packages' number of that unit
  std::string division;  // its division code
  std::string node;      // an org node for node-scoped calls
  std::string district;  // a node under which to create one
};

struct Caller {
  const char* name;
  std::string Deployment::*token;
  Target target;
};

Target OfUnitA() { return {UsccA(), kUnitA, "430602", UsccA(), "430602"}; }
Target OfUnitB() { return {UsccB(), kUnitB, "430603", UsccB(), "430603"}; }
Target InDistrict430602() { return {UsccA(), kUnitA, "430602", "430602-D01", "430602"}; }

std::vector<Caller> Callers() {
  return {
      {"unit own", &Deployment::unit_a, OfUnitA()},
      {"unit other", &Deployment::unit_a, OfUnitB()},
      {"bureau inside", &Deployment::bureau_in, InDistrict430602()},
      {"bureau outside", &Deployment::bureau_out, InDistrict430602()},
      {"admin", &Deployment::admin, InDistrict430602()},
      {"no token", nullptr, InDistrict430602()},
      {"forged token", &Deployment::forged, InDistrict430602()},
      {"expired token", &Deployment::expired, InDistrict430602()},
      {"revoked token", &Deployment::revoked, InDistrict430602()},
  };
}

using Op = std::function<grpc::Status(Deployment*, const std::string& token, const Target&)>;

std::atomic<int> new_node_counter{0};

std::vector<std::pair<std::string, Op>> Ops() {
  std::vector<std::pair<std::string, Op>> ops;
  ops.emplace_back("Submit", [](Deployment* d, const std::string& token, const Target& t) {
    v1::SubmitRequest r;
    *r.mutable_package() = ingestion::test_packages::PackageForUnit(t.unit_number, t.division);
    r.mutable_package()->set_year(kYear);
    return Unary(d->Ingestion(token), &v1::IngestionService::Stub::Submit, r);
  });
  ops.emplace_back("SubmitStream", [](Deployment* d, const std::string& token, const Target& t) {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    v1::SubmitStreamResponse response;
    std::unique_ptr<v1::IngestionService::Stub> stub = d->Ingestion(token);
    std::unique_ptr<grpc::ClientWriter<v1::SubmitRequest>> writer =
        stub->SubmitStream(&context, &response);
    v1::SubmitRequest r;
    *r.mutable_package() = ingestion::test_packages::PackageForUnit(t.unit_number, t.division);
    r.mutable_package()->set_year(kYear);
    writer->Write(r);
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    if (status.ok() && response.accepted() != 1) {
      return grpc::Status(grpc::StatusCode::INTERNAL, "the streamed package was not stored");
    }
    return status;
  });
  ops.emplace_back("GetEvaluation", [](Deployment* d, const std::string& token, const Target& t) {
    v1::GetEvaluationRequest r;
    r.set_uscc(t.uscc);
    r.set_year(kYear);
    return Unary(d->Ingestion(token), &v1::IngestionService::Stub::GetEvaluation, r);
  });
  ops.emplace_back("ListVersions", [](Deployment* d, const std::string& token, const Target& t) {
    v1::ListVersionsRequest r;
    r.set_uscc(t.uscc);
    r.set_year(kYear);
    return Unary(d->Ingestion(token), &v1::IngestionService::Stub::ListVersions, r);
  });
  ops.emplace_back("ListEvaluations", [](Deployment* d, const std::string& token, const Target& t) {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    v1::ListEvaluationsRequest r;
    r.set_year(kYear);
    r.set_division_code(t.division);
    r.set_view(v1::EVALUATION_VIEW_SUMMARY);
    std::unique_ptr<v1::IngestionService::Stub> stub = d->Ingestion(token);
    std::unique_ptr<grpc::ClientReader<v1::ListEvaluationsResponse>> reader =
        stub->ListEvaluations(&context, r);
    v1::ListEvaluationsResponse item;
    while (reader->Read(&item)) {
    }
    return reader->Finish();
  });
  ops.emplace_back("GetRollup", [](Deployment* d, const std::string& token, const Target& t) {
    v1::GetRollupRequest r;
    r.set_node_code(t.node);
    r.set_year(kYear);
    return Unary(d->Aggregation(token), &v1::AggregationService::Stub::GetRollup, r);
  });
  ops.emplace_back("Drilldown", [](Deployment* d, const std::string& token, const Target& t) {
    v1::DrilldownRequest r;
    r.set_node_code(t.node);
    r.set_year(kYear);
    return Unary(d->Aggregation(token), &v1::AggregationService::Stub::Drilldown, r);
  });
  ops.emplace_back("Coverage", [](Deployment* d, const std::string& token, const Target& t) {
    v1::CoverageRequest r;
    r.set_node_code(t.node);
    r.set_year(kYear);
    return Unary(d->Aggregation(token), &v1::AggregationService::Stub::Coverage, r);
  });
  ops.emplace_back("RecordFindings", [](Deployment* d, const std::string& token, const Target& t) {
    v1::RecordFindingsRequest r;
    r.set_code(t.node);
    r.set_year(kYear);
    r.set_source("auth-test");
    r.mutable_counts()->set_warning(1);
    return Unary(d->Aggregation(token), &v1::AggregationService::Stub::RecordFindings, r);
  });
  ops.emplace_back("GetFindings", [](Deployment* d, const std::string& token, const Target& t) {
    v1::GetFindingsRequest r;
    r.set_code(t.node);
    r.set_year(kYear);
    return Unary(d->Aggregation(token), &v1::AggregationService::Stub::GetFindings, r);
  });
  ops.emplace_back("UpsertNodes", [](Deployment* d, const std::string& token, const Target& t) {
    v1::UpsertNodesRequest r;
    *r.add_nodes() = Node(absl::StrCat(t.district, "-N", ++new_node_counter),
                          v1::NODE_KIND_DEPARTMENT, t.district, t.division);
    return Unary(d->Aggregation(token), &v1::AggregationService::Stub::UpsertNodes, r);
  });
  ops.emplace_back("MoveNode", [](Deployment* d, const std::string& token, const Target& t) {
    // A department of 430602 (or, for a unit, its own node) goes back and
    // forth between the district's two other departments.
    const std::string code = t.district == "430602" && t.node != t.uscc ? "430602-MV" : t.node;
    v1::GetNodeRequest where;
    where.set_code(code);
    absl::StatusOr<v1::GetNodeResponse> node = d->aggregator->GetNode(where);
    v1::MoveNodeRequest r;
    r.set_code(code);
    r.set_new_parent_code(node.ok() && node->node().parent_code() == "430602-D01" ? "430602-D02"
                                                                                  : "430602-D01");
    r.set_from_year(kYear);
    return Unary(d->Aggregation(token), &v1::AggregationService::Stub::MoveNode, r);
  });
  ops.emplace_back("IssueToken", [](Deployment* d, const std::string& token, const Target& t) {
    v1::IssueTokenRequest r;
    *r.mutable_principal() = Unit(t.uscc);
    r.set_ttl_seconds(3600);
    return Unary(d->Auth(token), &v1::AuthService::Stub::IssueToken, r);
  });
  ops.emplace_back("ListTokens", [](Deployment* d, const std::string& token, const Target&) {
    v1::ListTokensRequest r;
    return Unary(d->Auth(token), &v1::AuthService::Stub::ListTokens, r);
  });
  ops.emplace_back("Checkpoint", [](Deployment* d, const std::string& token, const Target&) {
    static std::atomic<int> backups{0};
    v1::CheckpointRequest r;
    r.set_dir(d->dir->Join(absl::StrCat("backup-", ++backups)));
    return Unary(d->Admin(token), &v1::AdminService::Stub::Checkpoint, r);
  });
  ops.emplace_back("RevokeToken", [](Deployment* d, const std::string& token, const Target& t) {
    absl::StatusOr<auth::TokenParts> victim =
        auth::ParseToken(Issue(d->tokens.get(), Unit(t.uscc)));
    v1::RevokeTokenRequest r;
    r.set_token_id(victim.ok() ? victim->token_id : "");
    return Unary(d->Auth(token), &v1::AuthService::Stub::RevokeToken, r);
  });
  return ops;
}

// For each op, what the first five callers get (unit own, unit other, bureau
// inside, bureau outside, admin); the four bad tokens always get
// UNAUTHENTICATED.
std::map<std::string, std::vector<Expect>> Expectations() {
  const Expect O = Expect::kOk;
  const Expect D = Expect::kDenied;
  return {
      {"Submit", {O, D, D, D, O}},          {"SubmitStream", {O, D, D, D, O}},
      {"GetEvaluation", {O, D, O, D, O}},   {"ListVersions", {O, D, O, D, O}},
      {"ListEvaluations", {D, D, O, D, O}}, {"GetRollup", {O, D, O, D, O}},
      {"Drilldown", {O, D, O, D, O}},       {"Coverage", {O, D, O, D, O}},
      {"RecordFindings", {D, D, O, D, O}},  {"GetFindings", {O, D, O, D, O}},
      {"UpsertNodes", {D, D, O, D, O}},     {"MoveNode", {D, D, O, D, O}},
      {"IssueToken", {D, D, D, D, O}},      {"ListTokens", {D, D, D, D, O}},
      {"RevokeToken", {D, D, D, D, O}},     {"Checkpoint", {D, D, D, D, O}},
  };
}

TEST_F(AuthIntegrationTest, WholeMatrix) {
  const std::vector<Caller> callers = Callers();
  const std::map<std::string, std::vector<Expect>> expectations = Expectations();
  int cells = 0;
  for (const auto& [op_name, op] : Ops()) {
    auto row = expectations.find(op_name);
    ASSERT_NE(row, expectations.end()) << op_name;
    for (size_t i = 0; i < callers.size(); ++i) {
      const Caller& caller = callers[i];
      const Expect expect = i < row->second.size() ? row->second[i] : Expect::kUnauthenticated;
      const std::string token = caller.token == nullptr ? "" : d_->*caller.token;
      const grpc::Status status = op(d_, token, caller.target);
      EXPECT_EQ(status.error_code(), ExpectedCode(expect))
          << op_name << " by " << caller.name << ": expected " << ExpectName(expect) << ", got "
          << status.error_code() << " " << status.error_message();
      ++cells;
    }
  }
  EXPECT_EQ(cells, 16 * 9);
}

// Bad tokens never reach a handler: nothing they sent is stored.
TEST_F(AuthIntegrationTest, RefusedCallsChangeNothing) {
  auto versions_of = [](const std::string& uscc) {
    v1::ListVersionsRequest r;
    r.set_uscc(uscc);
    r.set_year(kYear);
    v1::ListVersionsResponse response;
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    grpc::Status s = d_->Ingestion(d_->admin)->ListVersions(&context, r, &response);
    EXPECT_THAT(s, IsOk());
    return response.versions_size();
  };
  const int before_b = versions_of(UsccB());
  for (const std::string& token :
       {std::string(), d_->forged, d_->expired, d_->revoked, d_->unit_a, d_->bureau_out}) {
    v1::SubmitRequest r;
    *r.mutable_package() = ingestion::test_packages::PackageForUnit(kUnitB, "430603");
    r.mutable_package()->set_year(kYear);
    grpc::Status s = Unary(d_->Ingestion(token), &v1::IngestionService::Stub::Submit, r);
    EXPECT_THAT(s, Not(IsOk()));
  }
  EXPECT_EQ(versions_of(UsccB()), before_b);
}

// A unit may stream only its own packages: the stream is checked message by
// message, and the first foreign package ends it before it is stored.
TEST_F(AuthIntegrationTest, SubmitStreamChecksEachPackage) {
  auto versions_of = [](const std::string& uscc) {
    v1::ListVersionsRequest r;
    r.set_uscc(uscc);
    r.set_year(kYear);
    v1::ListVersionsResponse response;
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    EXPECT_THAT(d_->Ingestion(d_->admin)->ListVersions(&context, r, &response), IsOk());
    return response.versions_size();
  };
  const int before_a = versions_of(UsccA());
  const int before_b = versions_of(UsccB());

  grpc::ClientContext context;
  context.set_deadline(Deadline());
  v1::SubmitStreamResponse response;
  std::unique_ptr<v1::IngestionService::Stub> stub = d_->Ingestion(d_->unit_a);
  auto writer = stub->SubmitStream(&context, &response);
  for (const auto& [n, division] : {std::pair<int, std::string>{kUnitA, "430602"},
                                    std::pair<int, std::string>{kUnitB, "430603"},
                                    std::pair<int, std::string>{kUnitA, "430602"}}) {
    v1::SubmitRequest r;
    *r.mutable_package() = ingestion::test_packages::PackageForUnit(n, division);
    r.mutable_package()->set_year(kYear);
    if (!writer->Write(r)) break;  // the server has ended the call
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  EXPECT_EQ(versions_of(UsccA()), before_a + 1) << "the own package before the foreign one";
  EXPECT_EQ(versions_of(UsccB()), before_b) << "the foreign package is not stored";

  // A stream of own packages goes through whole.
  grpc::ClientContext ok_context;
  ok_context.set_deadline(Deadline());
  v1::SubmitStreamResponse ok_response;
  auto ok_writer = stub->SubmitStream(&ok_context, &ok_response);
  for (int i = 0; i < 3; ++i) {
    v1::SubmitRequest r;
    *r.mutable_package() = ingestion::test_packages::PackageForUnit(kUnitA, "430602");
    r.mutable_package()->set_year(kYear);
    ASSERT_TRUE(ok_writer->Write(r));
  }
  ok_writer->WritesDone();
  grpc::Status ok = ok_writer->Finish();
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(ok_response.accepted(), 3);
}

// A bureau's listing holds its own division's units only, whatever it asks.

}  // namespace
}  // namespace auth_integration_test
}  // namespace budgetperf
