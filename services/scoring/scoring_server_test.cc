// Integration test: the real budget-scoring binary, started as a child
// process on an ephemeral port, called over a real gRPC channel.

#include <future>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "budgetperf/v1/scoring.grpc.pb.h"
#include "common/server/grpc_status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/command.h"
#include "tests/testing/server_process.h"
#include "tests/testing/seed.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace budgetperf {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return context;
}

// Calls a unary method by name with raw protobuf bytes, so that the health
// service can be checked without its generated code (Debian's gRPC ships no
// health.proto to compile against).
absl::StatusOr<std::string> CallRaw(const std::shared_ptr<grpc::Channel>& channel,
                                    const std::string& method,
                                    const std::string& request_bytes) {
  grpc::GenericStub stub(channel);
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::unique_ptr<grpc::ClientContext> context = Context();
  std::promise<grpc::Status> done;
  stub.UnaryCall(context.get(), method, grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(status); });
  const grpc::Status status = done.get_future().get();
  if (!status.ok()) return FromGrpcStatus(status);
  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) return absl::InternalError("bad response");
  std::string bytes;
  for (const grpc::Slice& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return bytes;
}

// grpc.health.v1.HealthCheckRequest{service} in wire format: field 1,
// length-delimited.
std::string HealthCheckRequest(const std::string& service) {
  if (service.empty()) return "";
  return std::string("\x0a", 1) + static_cast<char>(service.size()) + service;
}

// HealthCheckResponse{status: SERVING (1)}.
const std::string kServing("\x08\x01", 2);

class ScoringServerTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> extra_args = {}) {
    std::vector<std::string> args = {"--listen=127.0.0.1:0"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    absl::StatusOr<std::unique_ptr<testutil::ServerProcess>> server =
        testutil::ServerProcess::Start(testutil::BinaryPath("budget-scoring"), args);
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
    EXPECT_TRUE(absl::StartsWith(server_->address(), "127.0.0.1:"));
    EXPECT_NE(server_->address(), "127.0.0.1:0");
    channel_ = grpc::CreateChannel(server_->address(),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::ScoringService::NewStub(channel_);
  }

  // Closes the client's connection, then SIGTERMs the server and expects a
  // clean exit. A server lets open connections drain for its grace period
  // (5 s), so the channel goes first to keep the test quick.
  void TerminateServer() {
    stub_.reset();
    channel_.reset();
    const absl::Status terminated = server_->Terminate();
    EXPECT_THAT(terminated, IsOk());
    EXPECT_EQ(server_->Wait(), 0);
  }

  grpc::Status Score(const std::string& profile, v1::ScoreResponse* response) {
    v1::ScoreRequest request;
    *request.mutable_package() = SeedPackage();
    request.set_profile(profile);
    return stub_->Score(Context().get(), request, response);
  }

  std::unique_ptr<testutil::ServerProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ScoringService::Stub> stub_;
};

TEST_F(ScoringServerTest, ScoresTheSeedThenExitsCleanlyOnSigterm) {
  ASSERT_NO_FATAL_FAILURE(Start());
  v1::ScoreResponse response;
  const grpc::Status status = Score("", &response);
  ASSERT_THAT(status, IsOk()) << status.error_message();
  const v1::ScoreCard& card = response.scorecard();
  EXPECT_EQ(card.summary().profile(), "national-2020");
  EXPECT_EQ(card.summary().graded_centipoints(), 9775);
  EXPECT_EQ(card.summary().computed_centipoints(), 10752);
  EXPECT_EQ(card.summary().self_score_centipoints(), 10800);
  EXPECT_EQ(card.summary().grade(), v1::GRADE_EXCELLENT);
  EXPECT_EQ(card.summary().projects_scored(), 1);
  EXPECT_EQ(card.overall().filed_weight_centipoints(), 11000);
  ASSERT_EQ(card.overall().lines_size(), 10);
  EXPECT_EQ(card.overall().lines(4).computed_centipoints(), 1252);
  EXPECT_EQ(card.overall().lines(4).explanation(),
            "lower is better: 765 ÷ 916.60 × 15 = 12.52");
  ASSERT_EQ(card.projects_size(), 1);
  EXPECT_EQ(card.projects(0).computed_centipoints(), 10000);
  EXPECT_EQ(card.projects(0).graded_centipoints(), 10000);

  TerminateServer();
}

TEST_F(ScoringServerTest, UnknownProfileIsInvalidArgument) {
  ASSERT_NO_FATAL_FAILURE(Start());
  v1::ScoreResponse response;
  const grpc::Status status = Score("provincial-2024", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("provincial-2024"));
  EXPECT_THAT(status.error_message(), HasSubstr("national-2020"));
}

TEST_F(ScoringServerTest, HealthIsServing) {
  ASSERT_NO_FATAL_FAILURE(Start());
  for (const std::string service : {"", "budgetperf.v1.ScoringService"}) {
    absl::StatusOr<std::string> reply = CallRaw(
        channel_, "/grpc.health.v1.Health/Check", HealthCheckRequest(service));
    ASSERT_THAT(reply, IsOk()) << service << ": " << reply.status();
    EXPECT_EQ(*reply, kServing) << service;
  }
  // An unknown service is NOT_FOUND, which shows the answers above are real.
  EXPECT_THAT(CallRaw(channel_, "/grpc.health.v1.Health/Check",
                      HealthCheckRequest("no.such.Service")),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ScoringServerTest, ProfilesFileIsServed) {
  absl::StatusOr<testutil::TempDir> dir = testutil::TempDir::Create("scoring");
  ASSERT_THAT(dir, IsOk());
  absl::StatusOr<std::string> path = dir->WriteFile("profiles.textproto", R"pb(
    profiles {
      name: "city-linear"
      execution_rate_weight_centipoints: 1000
      output_weight_centipoints: 5000
      benefit_weight_centipoints: 3000
      satisfaction_weight_centipoints: 1000
      lower_is_better: LOWER_IS_BETTER_LINEAR
      grade_bands { grade: GRADE_EXCELLENT min_centipoints: 9000 }
      grade_bands { grade: GRADE_POOR min_centipoints: 0 }
    }
  )pb");
  ASSERT_THAT(path, IsOk());
  ASSERT_NO_FATAL_FAILURE(Start({"--profiles=" + *path}));

  v1::ListProfilesResponse profiles;
  ASSERT_THAT(stub_->ListProfiles(Context().get(), v1::ListProfilesRequest(), &profiles), IsOk());
  EXPECT_EQ(profiles.default_profile(), "national-2020");
  ASSERT_EQ(profiles.profiles_size(), 2);
  EXPECT_EQ(profiles.profiles(1).name(), "city-linear");

  v1::ScoreResponse response;
  ASSERT_THAT(Score("city-linear", &response), IsOk());
  EXPECT_EQ(response.scorecard().summary().profile(), "city-linear");
  EXPECT_EQ(response.scorecard().overall().lines(4).rule(),
            v1::RULE_LOWER_IS_BETTER_LINEAR);
  EXPECT_EQ(response.scorecard().overall().lines(4).computed_centipoints(), 1203);
  TerminateServer();
}

TEST_F(ScoringServerTest, BadProfilesFileStopsTheServerWithTheReason) {
  absl::StatusOr<testutil::TempDir> dir = testutil::TempDir::Create("scoring");
  ASSERT_THAT(dir, IsOk());
  absl::StatusOr<std::string> path = dir->WriteFile(
      "profiles.json", R"({"profiles": [{"name": "x", "outputWeightCentipoints": 1}]})");
  ASSERT_THAT(path, IsOk());
  absl::StatusOr<std::unique_ptr<testutil::ServerProcess>> server = testutil::ServerProcess::Start(
      testutil::BinaryPath("budget-scoring"), {"--listen=127.0.0.1:0", "--profiles=" + *path});
  ASSERT_THAT(server, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(std::string(server.status().message()), HasSubstr("exited with code 1"));
}

TEST_F(ScoringServerTest, MaxMessageBytesIsEnforced) {
  ASSERT_NO_FATAL_FAILURE(Start({"--max-message-bytes=1024"}));
  v1::ScoreResponse response;
  EXPECT_EQ(Score("", &response).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  TerminateServer();
}

}  // namespace
}  // namespace budgetperf
