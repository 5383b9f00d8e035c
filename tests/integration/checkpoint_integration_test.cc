// Backups while serving, as an operator takes them: `budgetctl admin
// checkpoint --dir=DIR` against the real budgetd writes a RocksDB
// checkpoint of both stores into DIR on the server's machine; a second
// budgetd started on DIR reads back exactly what was there at the
// checkpoint (and nothing filed after it). A folder holding anything, or a
// relative path, is refused. budget-aggregation serves the same RPC for its
// own store.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "budgetperf/v1/aggregation.grpc.pb.h"
#include "budgetperf/v1/ingestion.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/testing/command.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tools/generator/sample_generator.h"

namespace budgetperf {
namespace {

using google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;
using ::testing::Not;
using testutil::BinaryPath;
using testutil::CommandRun;
using testutil::RunCommand;
using testutil::ServerProcess;
using testutil::TempDir;

constexpr char kDistrict[] = "430602";
constexpr int kYear = 2023;

void SetDeadline(grpc::ClientContext* context) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
}

// budgetd's services on one address.
struct Clients {
  explicit Clients(const std::string& address)
      : channel(grpc::CreateChannel(address, grpc::InsecureChannelCredentials())),
        ingestion(v1::IngestionService::NewStub(channel)),
        aggregation(v1::AggregationService::NewStub(channel)) {}

  v1::Rollup Rollup() {
    v1::GetRollupRequest request;
    request.set_node_code(kDistrict);
    request.set_year(kYear);
    v1::GetRollupResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    const grpc::Status status = aggregation->GetRollup(&context, request, &response);
    EXPECT_THAT(status, IsOk());
    return response.rollup();
  }

  int32_t LatestVersion(const std::string& uscc) {
    v1::GetEvaluationRequest request;
    request.set_uscc(uscc);
    request.set_year(kYear);
    v1::GetEvaluationResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    const grpc::Status status = ingestion->GetEvaluation(&context, request, &response);
    EXPECT_THAT(status, IsOk());
    return response.latest_version();
  }

  void Submit(const v1::EvaluationPackage& package) {
    v1::SubmitRequest request;
    *request.mutable_package() = package;
    v1::SubmitResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    const grpc::Status status = ingestion->Submit(&context, request, &response);
    ASSERT_THAT(status, IsOk());
  }

  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::IngestionService::Stub> ingestion;
  std::unique_ptr<v1::AggregationService::Stub> aggregation;
};

std::unique_ptr<ServerProcess> Start(const std::string& binary,
                                     const std::vector<std::string>& args) {
  absl::StatusOr<std::unique_ptr<ServerProcess>> server =
      ServerProcess::Start(BinaryPath(binary), args);
  EXPECT_THAT(server, IsOk()) << binary << ": " << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

TEST(CheckpointIntegrationTest, BudgetdCheckpointRestoresOnASecondBudgetd) {
  absl::StatusOr<TempDir> dir = TempDir::Create("checkpoint-it");
  ASSERT_THAT(dir, IsOk());
  const SampleGenerator generator(7);
  const SampleDistrict district = generator.District(kDistrict, "岳阳楼区", 2, 6);
  const int64_t filers = static_cast<int64_t>(district.units.size());

  std::unique_ptr<ServerProcess> live =
      Start("budgetd", {"--listen=127.0.0.1:0", "--data=" + dir->Join("live")});
  ASSERT_NE(live, nullptr);
  auto clients = std::make_unique<Clients>(live->address());
  {
    v1::ImportOrgCsvRequest request;
    request.set_csv(OrgCsv(district.org));
    v1::ImportOrgCsvResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_THAT(clients->aggregation->ImportOrgCsv(&context, request, &response), IsOk());
  }
  for (const SampleUnit& unit : district.units) {
    ASSERT_NO_FATAL_FAILURE(clients->Submit(generator.Package(unit, kYear)));
  }
  // Delivered (in process, just after each Submit): poll until all are in.
  v1::Rollup before = clients->Rollup();
  for (int i = 0; i < 300 && before.measures().units().scored() != filers; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    before = clients->Rollup();
  }
  ASSERT_EQ(before.measures().units().scored(), filers);

  // The backup, through budgetctl as an operator runs it.
  const std::string backup = dir->Join("backups/first");
  const CommandRun run =
      RunCommand(*dir, BinaryPath("budgetctl"),
                 {"--server=" + live->address(), "admin", "checkpoint", "--dir=" + backup});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr(backup + "/aggregation"));
  EXPECT_THAT(run.out, HasSubstr(backup + "/ingestion"));
  EXPECT_TRUE(std::filesystem::is_directory(backup + "/ingestion"));
  EXPECT_TRUE(std::filesystem::is_directory(backup + "/aggregation"));

  // Never over another backup, nor relative to the server's working folder.
  const CommandRun again =
      RunCommand(*dir, BinaryPath("budgetctl"),
                 {"--server=" + live->address(), "admin", "checkpoint", "--dir=" + backup});
  EXPECT_EQ(again.exit_code, 1) << again.out << again.err;
  EXPECT_THAT(again.err, HasSubstr("checkpoint folder " + backup + " is not empty"));
  const CommandRun relative =
      RunCommand(*dir, BinaryPath("budgetctl"),
                 {"--server=" + live->address(), "admin", "checkpoint", "--dir=backups/second"});
  EXPECT_EQ(relative.exit_code, 1) << relative.out << relative.err;
  EXPECT_THAT(relative.err, HasSubstr("not an absolute path"));

  // Filed after the checkpoint: not in it.
  const SampleUnit& refiled = district.units[3];
  v1::EvaluationPackage changed = generator.Package(refiled, kYear);
  v1::FundsColumns* amounts = changed.mutable_overall()->mutable_funds()->mutable_amounts();
  amounts->set_executed_fen(amounts->executed_fen() + 1'000'000);
  amounts->set_full_year_budget_fen(amounts->full_year_budget_fen() + 1'000'000);
  ASSERT_NO_FATAL_FAILURE(clients->Submit(changed));
  EXPECT_EQ(clients->LatestVersion(refiled.uscc), 2);

  // A second budgetd on the backup, while the first still runs on its own
  // folder: the data as of the checkpoint.
  std::unique_ptr<ServerProcess> restored =
      Start("budgetd", {"--listen=127.0.0.1:0", "--data=" + backup});
  ASSERT_NE(restored, nullptr);
  auto restored_clients = std::make_unique<Clients>(restored->address());
  const v1::Rollup after = restored_clients->Rollup();
  std::string differences;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&differences);
  EXPECT_TRUE(differencer.Compare(before, after)) << differences;
  EXPECT_EQ(restored_clients->LatestVersion(refiled.uscc), 1);
  EXPECT_EQ(restored_clients->LatestVersion(district.units.back().uscc), 1);

  clients.reset();
  restored_clients.reset();
  EXPECT_THAT(restored->Terminate(), IsOk());
  EXPECT_THAT(live->Terminate(), IsOk());
}

TEST(CheckpointIntegrationTest, BudgetAggregationCheckpointsItsStore) {
  absl::StatusOr<TempDir> dir = TempDir::Create("checkpoint-it");
  ASSERT_THAT(dir, IsOk());
  std::unique_ptr<ServerProcess> aggregation =
      Start("budget-aggregation", {"--listen=127.0.0.1:0", "--data=" + dir->Join("aggregation")});
  ASSERT_NE(aggregation, nullptr);
  const std::string backup = dir->Join("backup");
  const CommandRun run =
      RunCommand(*dir, BinaryPath("budgetctl"),
                 {"--server=" + aggregation->address(), "admin", "checkpoint", "--dir=" + backup});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr(backup + "/aggregation"));
  EXPECT_THAT(run.out, Not(HasSubstr("ingestion")));
  EXPECT_TRUE(std::filesystem::is_directory(backup + "/aggregation"));
  EXPECT_THAT(aggregation->Terminate(), IsOk());
}

}  // namespace
}  // namespace budgetperf
