#include "common/server/server_security.h"

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace {

TEST(ServerSecurityTest, LoopbackHosts) {
  for (const char* host : {"localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : {"0.0.0.0", "", "[::]", "::", "10.0.0.1", "128.0.0.1", "example.org",
                           "localhost.example.org", "127.0.0.1.example.org"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

TEST(ServerSecurityTest, PlaintextIsForLoopbackUnlessInsecure) {
  ServerSecurity security;
  EXPECT_THAT(MakeServerCredentials(security, "127.0.0.1"), IsOk());
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> refused =
      MakeServerCredentials(security, "0.0.0.0");
  EXPECT_THAT(refused.status(), StatusIs(absl::StatusCode::kFailedPrecondition));
  security.insecure = true;
  EXPECT_THAT(MakeServerCredentials(security, "0.0.0.0"), IsOk());
}

TEST(ServerSecurityTest, TlsFlagsGoTogether) {
  ServerSecurity cert_only;
  cert_only.tls_cert_file = "/nonexistent/cert.pem";
  EXPECT_THAT(MakeServerCredentials(cert_only, "127.0.0.1").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  ServerSecurity ca_only;
  ca_only.tls_ca_file = "/nonexistent/ca.pem";
  EXPECT_THAT(MakeServerCredentials(ca_only, "127.0.0.1").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  ServerSecurity unreadable;
  unreadable.tls_cert_file = "/nonexistent/cert.pem";
  unreadable.tls_key_file = "/nonexistent/key.pem";
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> s =
      MakeServerCredentials(unreadable, "0.0.0.0");
  EXPECT_THAT(s.status(), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_NE(s.status().message().find("--tls-cert"), std::string::npos);
}

TEST(ServerSecurityTest, DefaultChannelCredentialsArePlaintextUntilSet) {
  EXPECT_NE(DefaultChannelCredentials(), nullptr);
}

}  // namespace
}  // namespace budgetperf
