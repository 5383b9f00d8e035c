// Access control in the real binaries, wired with their flags: a split
// deployment, budgetd with budget-audit, plaintext beyond loopback, and
// mutual TLS between servers.

#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/integration/auth_integration_test_fixture.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace auth_integration_test {
namespace {

using ::testing::Not;

// ---------------------------------------------------------------------------
// The real binaries, wired with their flags
// ---------------------------------------------------------------------------

using ::budgetperf::testutil::BinaryPath;
using ::budgetperf::testutil::ServerProcess;

// A split deployment of processes: budget-ingestion keeps the tokens
// (--auth-store, bootstrapping the admin token), budget-aggregation and
// budget-scoring check tokens there (--auth, --service-token-file).
TEST(AuthBinariesTest, SplitDeployment) {
  absl::StatusOr<TempDir> dir = TempDir::Create("auth-binaries");
  ASSERT_THAT(dir, IsOk());
  auto ingestion_process = ServerProcess::Start(
      BinaryPath("budget-ingestion"), {"--listen=127.0.0.1:0", "--data=" + dir->Join("ingestion"),
                                "--auth-store=" + dir->Join("auth"),
                                "--bootstrap-admin-token-file=" + dir->Join("admin.token")});
  ASSERT_THAT(ingestion_process, IsOk());
  const std::string ingestion = (*ingestion_process)->address();
  absl::StatusOr<std::string> admin = auth::ReadTokenFile(dir->Join("admin.token"));
  ASSERT_THAT(admin, IsOk());

  // Tokens for the other servers, a unit and a bureau, over gRPC.
  auto issue = [&](const v1::Principal& principal) {
    v1::IssueTokenRequest r;
    *r.mutable_principal() = principal;
    v1::IssueTokenResponse response;
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    ClientSecurity security;
    security.token = *admin;
    grpc::Status s = v1::AuthService::NewStub(*auth::MakeClientChannel(ingestion, security))
                         ->IssueToken(&context, r, &response);
    EXPECT_THAT(s, IsOk());
    return response.token();
  };
  for (const char* name : {"budget-aggregation", "budget-scoring"}) {
    ASSERT_THAT(auth::WritePrivateFile(dir->Join(std::string(name) + ".token"),
                                       issue(Named(v1::PRINCIPAL_SERVICE, name))),
                IsOk());
  }
  const std::string unit = issue(Unit(UsccA()));
  const std::string bureau = issue(Bureau("430602"));
  const std::string other_bureau = issue(Bureau("430603"));

  auto aggregation_process = ServerProcess::Start(
      BinaryPath("budget-aggregation"),
      {"--listen=127.0.0.1:0", "--data=" + dir->Join("aggregation"), "--ingestion=" + ingestion,
       "--auth=" + ingestion, "--service-token-file=" + dir->Join("budget-aggregation.token")});
  ASSERT_THAT(aggregation_process, IsOk());
  const std::string aggregation = (*aggregation_process)->address();
  auto scoring_process = ServerProcess::Start(
      BinaryPath("budget-scoring"), {"--listen=127.0.0.1:0", "--auth=" + ingestion,
                              "--service-token-file=" + dir->Join("budget-scoring.token")});
  ASSERT_THAT(scoring_process, IsOk());
  const std::string scoring = (*scoring_process)->address();

  {
    auto channel = [](const std::string& address, const std::string& token) {
      ClientSecurity security;
      security.token = token;
      return *auth::MakeClientChannel(address, security);
    };
    // Ingestion: the unit files; bureaus read by division.
    v1::SubmitRequest submit;
    *submit.mutable_package() = ingestion::test_packages::PackageForUnit(kUnitA, "430602");
    submit.mutable_package()->set_year(kYear);
    EXPECT_EQ(Unary(v1::IngestionService::NewStub(channel(ingestion, "")),
                    &v1::IngestionService::Stub::Submit, submit)
                  .error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    grpc::Status filed = Unary(v1::IngestionService::NewStub(channel(ingestion, unit)),
                               &v1::IngestionService::Stub::Submit, submit);
    ASSERT_THAT(filed, IsOk());
    v1::GetEvaluationRequest get;
    get.set_uscc(UsccA());
    get.set_year(kYear);
    EXPECT_THAT(Unary(v1::IngestionService::NewStub(channel(ingestion, bureau)),
                      &v1::IngestionService::Stub::GetEvaluation, get),
                IsOk());
    EXPECT_EQ(Unary(v1::IngestionService::NewStub(channel(ingestion, other_bureau)),
                    &v1::IngestionService::Stub::GetEvaluation, get)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);

    // Aggregation: tokens checked at ingestion, scope by its own tree.
    v1::UpsertNodesRequest nodes;
    *nodes.add_nodes() = Node("430602", v1::NODE_KIND_DISTRICT, "", "430602");
    *nodes.add_nodes() = Node("430602-D01", v1::NODE_KIND_DEPARTMENT, "430602", "430602");
    *nodes.add_nodes() = Node(UsccA(), v1::NODE_KIND_UNIT, "430602-D01", "430602");
    grpc::Status upsert = Unary(v1::AggregationService::NewStub(channel(aggregation, *admin)),
                                &v1::AggregationService::Stub::UpsertNodes, nodes);
    ASSERT_THAT(upsert, IsOk());
    v1::GetRollupRequest rollup;
    rollup.set_node_code("430602-D01");
    rollup.set_year(kYear);
    EXPECT_THAT(Unary(v1::AggregationService::NewStub(channel(aggregation, bureau)),
                      &v1::AggregationService::Stub::GetRollup, rollup),
                IsOk());
    EXPECT_EQ(Unary(v1::AggregationService::NewStub(channel(aggregation, other_bureau)),
                    &v1::AggregationService::Stub::GetRollup, rollup)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(Unary(v1::AggregationService::NewStub(channel(aggregation, "")),
                    &v1::AggregationService::Stub::GetRollup, rollup)
                  .error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    // Recompute reads ingestion with aggregation's service token, which the
    // binary attaches to its own calls.
    v1::RecomputeRequest recompute;
    recompute.set_node_code("430602");
    recompute.set_year(kYear);
    recompute.set_dry_run(true);
    v1::RecomputeResponse recomputed;
    grpc::ClientContext recompute_context;
    recompute_context.set_deadline(Deadline());
    grpc::Status recompute_status = v1::AggregationService::NewStub(channel(aggregation, *admin))
                                        ->Recompute(&recompute_context, recompute, &recomputed);
    EXPECT_THAT(recompute_status, IsOk());
    EXPECT_EQ(recomputed.source(), "ingestion " + ingestion);
    // Unit A's filing, read from ingestion with aggregation's service token,
    // is not applied yet (no outbox delivery in this deployment).
    ASSERT_EQ(recomputed.reapplied_units_size(), 1);
    EXPECT_EQ(recomputed.reapplied_units(0), UsccA());

    // Scoring: any token, but a token.
    v1::ListProfilesRequest profiles;
    EXPECT_THAT(Unary(v1::ScoringService::NewStub(channel(scoring, unit)),
                      &v1::ScoringService::Stub::ListProfiles, profiles),
                IsOk());
    EXPECT_EQ(Unary(v1::ScoringService::NewStub(channel(scoring, "")),
                    &v1::ScoringService::Stub::ListProfiles, profiles)
                  .error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }

  // budgetctl: the admin commands and --token-file.
  const std::string ctl = BinaryPath("budgetctl") + " --server=" + ingestion + " ";
  EXPECT_EQ(std::system(
                (ctl + "--token-file=" + dir->Join("admin.token") + " admin token list > /dev/null")
                    .c_str()),
            0);
  EXPECT_NE(std::system((ctl + "admin token list > /dev/null 2>&1").c_str()), 0);
  EXPECT_EQ(std::system((ctl + "--token-file=" + dir->Join("admin.token") +
                         " admin token issue --kind unit --uscc " + UsccB() + " > " +
                         dir->Join("b.token") + " 2>/dev/null")
                            .c_str()),
            0);
  absl::StatusOr<std::string> b_token = auth::ReadTokenFile(dir->Join("b.token"));
  EXPECT_THAT(b_token, IsOk());

  EXPECT_THAT((*scoring_process)->Terminate(), IsOk());
  EXPECT_THAT((*aggregation_process)->Terminate(), IsOk());
  EXPECT_THAT((*ingestion_process)->Terminate(), IsOk());
}

// budgetd takes the same flags: it keeps the tokens itself (--auth-store),
// places units by its own org tree, and budget-audit runs against it as the
// district's bureau with --token-file.
TEST(AuthBinariesTest, BudgetdAndTheAuditWithTokens) {
  absl::StatusOr<TempDir> dir = TempDir::Create("auth-budgetd");
  ASSERT_THAT(dir, IsOk());
  auto budgetd_process = ServerProcess::Start(
      BinaryPath("budgetd"), {"--listen=127.0.0.1:0", "--data=" + dir->Join("data"),
                       "--auth-store=" + dir->Join("auth"),
                       "--bootstrap-admin-token-file=" + dir->Join("admin.token")});
  ASSERT_THAT(budgetd_process, IsOk());
  const std::string budgetd = (*budgetd_process)->address();
  absl::StatusOr<std::string> admin = auth::ReadTokenFile(dir->Join("admin.token"));
  ASSERT_THAT(admin, IsOk());
  auto channel = [&](const std::string& token) {
    ClientSecurity security;
    security.token = token;
    return *auth::MakeClientChannel(budgetd, security);
  };
  auto issue = [&](const v1::Principal& principal) {
    v1::IssueTokenRequest r;
    *r.mutable_principal() = principal;
    v1::IssueTokenResponse response;
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    grpc::Status s = v1::AuthService::NewStub(channel(*admin))->IssueToken(&context, r, &response);
    EXPECT_THAT(s, IsOk());
    return response.token();
  };
  const std::string unit = issue(Unit(UsccA()));
  const std::string bureau = issue(Bureau("430602"));
  const std::string other_bureau = issue(Bureau("430603"));
  ASSERT_THAT(auth::WritePrivateFile(dir->Join("bureau.token"), bureau), IsOk());
  ASSERT_THAT(auth::WritePrivateFile(dir->Join("other.token"), other_bureau), IsOk());

  v1::UpsertNodesRequest nodes;
  *nodes.add_nodes() = Node("430602", v1::NODE_KIND_DISTRICT, "", "430602");
  *nodes.add_nodes() = Node("430602-D01", v1::NODE_KIND_DEPARTMENT, "430602", "430602");
  *nodes.add_nodes() = Node(UsccA(), v1::NODE_KIND_UNIT, "430602-D01", "430602");
  grpc::Status upsert = Unary(v1::AggregationService::NewStub(channel(*admin)),
                              &v1::AggregationService::Stub::UpsertNodes, nodes);
  ASSERT_THAT(upsert, IsOk());

  v1::SubmitRequest submit;
  *submit.mutable_package() = ingestion::test_packages::PackageForUnit(kUnitA, "430602");
  submit.mutable_package()->set_year(kYear);
  EXPECT_EQ(Unary(v1::IngestionService::NewStub(channel("")),
                  &v1::IngestionService::Stub::Submit, submit)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Unary(v1::IngestionService::NewStub(channel(bureau)),
                  &v1::IngestionService::Stub::Submit, submit)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status filed =
      Unary(v1::IngestionService::NewStub(channel(unit)), &v1::IngestionService::Stub::Submit,
            submit);
  ASSERT_THAT(filed, IsOk());

  v1::GetRollupRequest rollup;
  rollup.set_node_code("430602");
  rollup.set_year(kYear);
  EXPECT_THAT(Unary(v1::AggregationService::NewStub(channel(bureau)),
                    &v1::AggregationService::Stub::GetRollup, rollup),
              IsOk());
  EXPECT_EQ(Unary(v1::AggregationService::NewStub(channel(other_bureau)),
                  &v1::AggregationService::Stub::GetRollup, rollup)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Unary(v1::AggregationService::NewStub(channel(unit)),
                  &v1::AggregationService::Stub::GetRollup, rollup)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // The audit: exit 0 or 1 as the district's bureau; 2 (failed) without a
  // token or as another district's bureau.
  auto audit = [&](const std::string& token_file) {
    std::vector<std::string> args = {"--ingestion=" + budgetd, "--aggregation=" + budgetd,
                                     "--node=430602", "--year=" + std::to_string(kYear)};
    if (!token_file.empty()) args.push_back("--token-file=" + dir->Join(token_file));
    return ::budgetperf::testutil::RunCommand(*dir, BinaryPath("budget-audit"), args);
  };
  const ::budgetperf::testutil::CommandRun as_bureau = audit("bureau.token");
  EXPECT_TRUE(as_bureau.exit_code == 0 || as_bureau.exit_code == 1)
      << as_bureau.exit_code << "\n" << as_bureau.out << as_bureau.err;
  const ::budgetperf::testutil::CommandRun anonymous = audit("");
  EXPECT_EQ(anonymous.exit_code, 2) << anonymous.out << anonymous.err;
  const ::budgetperf::testutil::CommandRun other = audit("other.token");
  EXPECT_EQ(other.exit_code, 2) << other.out << other.err;

  EXPECT_THAT((*budgetd_process)->Terminate(), IsOk());
}

TEST(AuthBinariesTest, PlaintextBeyondLoopbackNeedsInsecure) {
  auto refused = ServerProcess::Start(BinaryPath("budget-scoring"), {"--listen=0.0.0.0:0"});
  ASSERT_THAT(refused, Not(IsOk()));
  EXPECT_NE(refused.status().message().find("exit"), std::string::npos) << refused.status();
  auto started = ServerProcess::Start(BinaryPath("budget-scoring"), {"--listen=0.0.0.0:0", "--insecure"});
  ASSERT_THAT(started, IsOk());
  EXPECT_THAT((*started)->Terminate(), IsOk());
}

// Mutual TLS end to end: budget-scoring serves TLS, requires client
// certificates, and checks tokens at budget-ingestion over TLS too,
// presenting its own certificate with its service token.
TEST(AuthBinariesTest, MutualTlsBetweenServers) {
  absl::StatusOr<TempDir> dir = TempDir::Create("auth-binaries-tls");
  ASSERT_THAT(dir, IsOk());
  ASSERT_TRUE(MakeTestCertificates(*dir)) << "openssl is needed for the TLS tests";
  const std::string d = dir->path();
  const std::vector<std::string> tls = {"--tls-cert=" + d + "/server.pem",
                                        "--tls-key=" + d + "/server.key",
                                        "--tls-ca=" + d + "/ca.pem"};
  std::vector<std::string> ingestion_args = {"--listen=127.0.0.1:0", "--data=" + d + "/ingestion",
                                             "--auth-store=" + d + "/auth",
                                             "--bootstrap-admin-token-file=" + d + "/admin.token"};
  ingestion_args.insert(ingestion_args.end(), tls.begin(), tls.end());
  auto ingestion_process = ServerProcess::Start(BinaryPath("budget-ingestion"), ingestion_args);
  ASSERT_THAT(ingestion_process, IsOk());
  const std::string ingestion = (*ingestion_process)->address();

  ClientSecurity client;
  client.tls_ca_file = d + "/ca.pem";
  client.tls_cert_file = d + "/client.pem";
  client.tls_key_file = d + "/client.key";
  absl::StatusOr<std::string> admin = auth::ReadTokenFile(d + "/admin.token");
  ASSERT_THAT(admin, IsOk());
  ClientSecurity as_admin = client;
  as_admin.token = *admin;
  v1::IssueTokenRequest issue;
  *issue.mutable_principal() = Named(v1::PRINCIPAL_SERVICE, "budget-scoring");
  v1::IssueTokenResponse issued;
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  grpc::Status s = v1::AuthService::NewStub(*auth::MakeClientChannel(ingestion, as_admin))
                       ->IssueToken(&context, issue, &issued);
  ASSERT_THAT(s, IsOk());
  ASSERT_THAT(auth::WritePrivateFile(d + "/scoring.token", issued.token()), IsOk());
  const std::string unit = [&] {
    v1::IssueTokenRequest r;
    *r.mutable_principal() = Unit(UsccA());
    v1::IssueTokenResponse response;
    grpc::ClientContext c;
    c.set_deadline(Deadline());
    EXPECT_THAT(v1::AuthService::NewStub(*auth::MakeClientChannel(ingestion, as_admin))
                    ->IssueToken(&c, r, &response),
                IsOk());
    return response.token();
  }();

  std::vector<std::string> scoring_args = {"--listen=127.0.0.1:0", "--auth=" + ingestion,
                                           "--service-token-file=" + d + "/scoring.token"};
  scoring_args.insert(scoring_args.end(), tls.begin(), tls.end());
  auto scoring_process = ServerProcess::Start(BinaryPath("budget-scoring"), scoring_args);
  ASSERT_THAT(scoring_process, IsOk());
  ClientSecurity as_unit = client;
  as_unit.token = unit;
  v1::ListProfilesRequest profiles;
  grpc::Status listed = Unary(
      v1::ScoringService::NewStub(*auth::MakeClientChannel((*scoring_process)->address(), as_unit)),
      &v1::ScoringService::Stub::ListProfiles, profiles);
  EXPECT_THAT(listed, IsOk());
  ClientSecurity plaintext;
  plaintext.token = unit;
  EXPECT_THAT(Unary(v1::ScoringService::NewStub(
                        *auth::MakeClientChannel((*scoring_process)->address(), plaintext)),
                    &v1::ScoringService::Stub::ListProfiles, profiles),
              Not(IsOk()));

  EXPECT_THAT((*scoring_process)->Terminate(), IsOk());
  EXPECT_THAT((*ingestion_process)->Terminate(), IsOk());
}

}  // namespace
}  // namespace auth_integration_test
}  // namespace budgetperf
