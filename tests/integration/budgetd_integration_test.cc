// budgetd end to end: the real binary on a free port with a temporary data
// folder serves all three services on that one port; a filing is scored in
// process, delivered to aggregation in process, and rolls up; the data
// survives a restart on the same folder.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "budgetperf/v1/aggregation.grpc.pb.h"
#include "budgetperf/v1/ingestion.grpc.pb.h"
#include "budgetperf/v1/scoring.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/command.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tools/generator/sample_generator.h"

namespace budgetperf {
namespace {

using testutil::ServerProcess;
using testutil::TempDir;

const std::string kBudgetd = testutil::BinaryPath("budgetd");

std::unique_ptr<ServerProcess> StartBudgetd(const TempDir& dir) {
  auto server = ServerProcess::Start(kBudgetd, {"--listen=127.0.0.1:0", "--data=" + dir.path()});
  EXPECT_THAT(server, IsOk());
  return server.ok() ? *std::move(server) : nullptr;
}

// Polls GetRollup until `done` holds or 20 s pass.
v1::Rollup WaitForRollup(v1::AggregationService::Stub* stub, const std::string& node, int year,
                         const std::function<bool(const v1::Rollup&)>& done) {
  v1::Rollup last;
  for (int i = 0; i < 200; ++i) {
    grpc::ClientContext context;
    v1::GetRollupRequest request;
    request.set_node_code(node);
    request.set_year(year);
    v1::GetRollupResponse response;
    if (stub->GetRollup(&context, request, &response).ok()) {
      last = response.rollup();
      if (done(last)) break;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  return last;
}

TEST(BudgetdIntegrationTest, OnePortServesTheWholePipelineAndSurvivesARestart) {
  absl::StatusOr<TempDir> dir = TempDir::Create();
  ASSERT_THAT(dir, IsOk());
  SampleGenerator generator(21);
  SampleDistrict district = generator.District("430602", "岳阳楼区", 3, 12);
  int64_t executed = 0;
  {
    std::unique_ptr<ServerProcess> budgetd = StartBudgetd(*dir);
    ASSERT_NE(budgetd, nullptr);
    auto channel = grpc::CreateChannel(budgetd->address(), grpc::InsecureChannelCredentials());
    auto ingestion = v1::IngestionService::NewStub(channel);
    auto scoring = v1::ScoringService::NewStub(channel);
    auto aggregation = v1::AggregationService::NewStub(channel);

    {
      grpc::ClientContext context;
      v1::ImportOrgCsvRequest request;
      request.set_csv(OrgCsv(district.org));
      v1::ImportOrgCsvResponse response;
      ASSERT_THAT(aggregation->ImportOrgCsv(&context, request, &response), IsOk());
      EXPECT_EQ(response.units(), 12);
    }
    for (const SampleUnit& unit : district.units) {
      grpc::ClientContext context;
      v1::SubmitRequest request;
      *request.mutable_package() = generator.Package(unit, 2023);
      executed += request.package().overall().funds().amounts().executed_fen();
      v1::SubmitResponse response;
      grpc::Status status = ingestion->Submit(&context, request, &response);
      ASSERT_THAT(status, IsOk());
      EXPECT_EQ(response.version(), 1);
      // Scored in process, at once.
      EXPECT_TRUE(response.has_scorecard_summary()) << unit.name;
    }
    {
      grpc::ClientContext context;
      v1::ListProfilesResponse response;
      ASSERT_THAT(scoring->ListProfiles(&context, v1::ListProfilesRequest(), &response), IsOk());
      EXPECT_EQ(response.default_profile(), "national-2020");
    }
    const int64_t filed = static_cast<int64_t>(district.units.size());
    v1::Rollup rollup = WaitForRollup(aggregation.get(), "430602", 2023, [&](const v1::Rollup& r) {
      return r.measures().units().scored() == filed;
    });
    EXPECT_EQ(rollup.measures().units().filed(), filed);
    EXPECT_EQ(rollup.measures().units().scored(), filed);
    EXPECT_EQ(rollup.measures().funds().executed_fen(), executed);
    channel.reset();
    ingestion.reset();
    scoring.reset();
    aggregation.reset();
    EXPECT_THAT(budgetd->Terminate(), IsOk());
  }
  // Restart on the same folder: everything is still there.
  std::unique_ptr<ServerProcess> budgetd = StartBudgetd(*dir);
  ASSERT_NE(budgetd, nullptr);
  auto channel = grpc::CreateChannel(budgetd->address(), grpc::InsecureChannelCredentials());
  auto aggregation = v1::AggregationService::NewStub(channel);
  auto ingestion = v1::IngestionService::NewStub(channel);
  v1::Rollup rollup = WaitForRollup(aggregation.get(), "430602", 2023,
                                    [](const v1::Rollup&) { return true; });
  EXPECT_EQ(rollup.measures().funds().executed_fen(), executed);
  grpc::ClientContext context;
  v1::GetEvaluationRequest get;
  get.set_uscc(district.units.back().uscc);
  get.set_year(2023);
  v1::GetEvaluationResponse response;
  ASSERT_THAT(ingestion->GetEvaluation(&context, get, &response), IsOk());
  EXPECT_EQ(response.latest_version(), 1);
  channel.reset();
  aggregation.reset();
  ingestion.reset();
  EXPECT_THAT(budgetd->Terminate(), IsOk());
}

}  // namespace
}  // namespace budgetperf
