// Servers of their own behind the AccessGuard: the submit rate per unit,
// mutual TLS, plaintext beyond loopback, and services without a policy.

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
// Servers of their own: the rate, TLS, refusing to start
// ---------------------------------------------------------------------------

class AuthServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TempDir> dir = TempDir::Create("auth-server");
    ASSERT_THAT(dir, IsOk());
    dir_ = std::make_unique<TempDir>(*std::move(dir));
    absl::StatusOr<std::unique_ptr<auth::AuthStore>> store =
        auth::AuthStore::Open(dir_->Join("auth"));
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
    tokens_ = std::make_unique<TokenManager>(store_.get(), TokenManager::Options{});
    service_ = std::make_unique<auth::AuthServiceImpl>(tokens_.get());
    admin_ = Issue(tokens_.get(), Named(v1::PRINCIPAL_ADMIN, "ops"));
  }

  std::shared_ptr<AccessGuard> MakeGuard(double rate = 0, double burst = 0) {
    AccessGuard::Options options;
    options.verifier = std::shared_ptr<TokenManager>(tokens_.get(), [](auto*) {});
    options.submit_rate.per_second = rate;
    options.submit_rate.burst = burst;
    return std::make_shared<AccessGuard>(std::move(options));
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<auth::AuthStore> store_;
  std::unique_ptr<TokenManager> tokens_;
  std::unique_ptr<auth::AuthServiceImpl> service_;
  std::string admin_;
};

TEST_F(AuthServerTest, SubmitIsRateLimitedPerUnit) {
  ingestion::IngestionStore::Options store_options;
  store_options.path = dir_->Join("ingestion");
  store_options.durable = false;
  auto store = ingestion::IngestionStore::Open(store_options);
  ASSERT_THAT(store, IsOk());
  ingestion::Ingestor ingestor(store->get(), nullptr, {});
  ingestion::WorkQueue work(2);
  ingestion::IngestionServiceImpl service(&ingestor, &work);
  GrpcServerOptions options;
  options.security = ServerSecurity{};
  options.security->guard = MakeGuard(/*rate=*/0.5, /*burst=*/2);
  auto server = GrpcServer::Start(options, {&service});
  ASSERT_THAT(server, IsOk());

  const std::string unit = Issue(tokens_.get(), Unit(UsccA()));
  ClientSecurity security;
  security.token = unit;
  auto channel = auth::MakeClientChannel((*server)->address(), security);
  ASSERT_THAT(channel, IsOk());
  ClientSecurity as_admin;
  as_admin.token = admin_;
  auto admin_channel = auth::MakeClientChannel((*server)->address(), as_admin);
  ASSERT_THAT(admin_channel, IsOk());
  v1::SubmitRequest r;
  *r.mutable_package() = ingestion::test_packages::PackageForUnit(kUnitA, "430602");
  std::vector<grpc::StatusCode> codes;
  for (int i = 0; i < 3; ++i) {
    codes.push_back(
        Unary(v1::IngestionService::NewStub(*channel), &v1::IngestionService::Stub::Submit, r)
            .error_code());
  }
  EXPECT_EQ(codes, (std::vector<grpc::StatusCode>{grpc::StatusCode::OK, grpc::StatusCode::OK,
                                                  grpc::StatusCode::RESOURCE_EXHAUSTED}));
  // Admins (bulk loads) are not limited.
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(Unary(v1::IngestionService::NewStub(*admin_channel),
                      &v1::IngestionService::Stub::Submit, r),
                IsOk());
  }
  (*server)->Shutdown(std::chrono::milliseconds(0));
}

TEST_F(AuthServerTest, MutualTls) {
  const std::string d = dir_->path();
  ASSERT_TRUE(MakeTestCertificates(*dir_))
      << "openssl is needed for the TLS tests (deploy/setup.sh installs it)";

  GrpcServerOptions options;
  options.security = ServerSecurity{};
  options.security->tls_cert_file = d + "/server.pem";
  options.security->tls_key_file = d + "/server.key";
  options.security->tls_ca_file = d + "/ca.pem";
  options.security->guard = MakeGuard();
  auto server = GrpcServer::Start(options, {service_.get()});
  ASSERT_THAT(server, IsOk());

  auto list_tokens = [&](const ClientSecurity& security) {
    auto channel = auth::MakeClientChannel((*server)->address(), security);
    EXPECT_THAT(channel, IsOk());
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::ListTokensResponse response;
    return v1::AuthService::NewStub(*channel)->ListTokens(&context, v1::ListTokensRequest(),
                                                          &response);
  };
  ClientSecurity full;
  full.tls_ca_file = d + "/ca.pem";
  full.tls_cert_file = d + "/client.pem";
  full.tls_key_file = d + "/client.key";
  full.token = admin_;
  grpc::Status ok = list_tokens(full);
  EXPECT_THAT(ok, IsOk());

  ClientSecurity no_token = full;
  no_token.token.clear();
  EXPECT_EQ(list_tokens(no_token).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  ClientSecurity no_client_cert;
  no_client_cert.tls_ca_file = d + "/ca.pem";
  no_client_cert.token = admin_;
  EXPECT_THAT(list_tokens(no_client_cert), Not(IsOk()))
      << "mutual TLS requires a client certificate";

  ClientSecurity plaintext;
  plaintext.token = admin_;
  EXPECT_THAT(list_tokens(plaintext), Not(IsOk()));
  (*server)->Shutdown(std::chrono::milliseconds(0));
}

TEST_F(AuthServerTest, PlaintextBeyondLoopbackNeedsInsecure) {
  GrpcServerOptions options;
  options.listen = "0.0.0.0:0";
  options.security = ServerSecurity{};
  options.security->guard = MakeGuard();
  auto refused = GrpcServer::Start(options, {service_.get()});
  ASSERT_THAT(refused, Not(IsOk()));
  EXPECT_THAT(refused.status(), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_NE(refused.status().message().find("--tls-cert"), std::string::npos);
  EXPECT_NE(refused.status().message().find("--insecure"), std::string::npos);

  options.security->insecure = true;
  auto started = GrpcServer::Start(options, {service_.get()});
  ASSERT_THAT(started, IsOk());
  (*started)->Shutdown(std::chrono::milliseconds(0));

  GrpcServerOptions half;
  half.security = ServerSecurity{};
  half.security->tls_cert_file = dir_->Join("missing.pem");
  EXPECT_THAT(GrpcServer::Start(half, {service_.get()}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// A service the guard has no policy for is not served at all.
TEST_F(AuthServerTest, ServicesWithoutPolicyAreNotServed) {
  class Unknown final : public grpc::Service {};
  Unknown unknown;
  GrpcServerOptions options;
  options.security = ServerSecurity{};
  options.security->guard = MakeGuard();
  auto server = GrpcServer::Start(options, {&unknown});
  EXPECT_THAT(server.status(), StatusIs(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace auth_integration_test
}  // namespace budgetperf
