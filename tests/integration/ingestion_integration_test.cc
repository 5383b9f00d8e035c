// budget-ingestion as an operator runs it: the real binary on a free port with
// a temporary data folder, called over a real gRPC channel (and through
// budgetctl), with budget-scoring started beside it where scoring matters.

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <stdio.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "budgetperf/v1/ingestion.grpc.pb.h"
#include "common/package/package_json.h"
#include "common/server/grpc_status.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/ingestion/package_validator.h"
#include "services/ingestion/test_packages.h"
#include "services/ingestion/validation_errors.h"
#include "tests/testing/command.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace budgetperf {
namespace {

using google::protobuf::util::MessageDifferencer;
using ingestion::test_packages::MalformedCases;
using ingestion::test_packages::PackageForUnit;
using ingestion::test_packages::SeedPackage;
using ingestion::test_packages::TestUscc;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testutil::BinaryPath;
using testutil::FreePort;
using testutil::ServerProcess;
using testutil::TempDir;

const char kSeedUscc[] = "12430602MB1C04587D";

// Tests drop their channels before Terminate(): an idle client channel reads
// the server's GOAWAY only at its backup poll (every 5 s), which would hold
// the graceful shutdown up that long.
std::unique_ptr<v1::IngestionService::Stub> Connect(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(64 * 1024 * 1024);
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  return v1::IngestionService::NewStub(
      grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
}

void SetDeadline(grpc::ClientContext* context, int seconds = 30) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
}

// Calls grpc.health.v1.Health/Check for `service` and returns the status
// (1 = SERVING), or -1 if the call fails. The messages are encoded by hand
// (request {1: service}, reply {1: status}): no health proto ships with the
// Debian gRPC packages.
int HealthStatus(const std::string& address, const std::string& service) {
  grpc::GenericStub stub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  std::string bytes = {0x0A, static_cast<char>(service.size())};
  bytes += service;
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::ClientContext context;
  SetDeadline(&context, 10);
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(status); });
  if (!done.get_future().get().ok()) return -1;
  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) return -1;
  std::string reply;
  for (const grpc::Slice& s : slices)
    reply.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return reply.size() == 2 && reply[0] == 0x08 ? reply[1] : 0;
}

// Runs a command, returning its exit code and everything it printed.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};

CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// Removes the server's readings (IndicatorValue.parsed) from a table.
void ClearReadings(google::protobuf::RepeatedPtrField<v1::Level1Indicator>* tree) {
  for (v1::Level1Indicator& l1 : *tree) {
    for (v1::Level2Indicator& l2 : *l1.mutable_level2()) {
      for (v1::Level3Indicator& l3 : *l2.mutable_indicators()) {
        l3.mutable_target()->clear_parsed();
        l3.mutable_actual()->clear_parsed();
      }
    }
  }
}

class IngestionIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TempDir> dir = TempDir::Create("ingestion-it");
    ASSERT_THAT(dir, IsOk());
    dir_ = std::make_unique<TempDir>(*std::move(dir));
  }

  std::string DataDir() const { return dir_->Join("data"); }

  // Starts budget-ingestion on a free port with the test's data folder.
  std::unique_ptr<ServerProcess> StartIngestion(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--listen=127.0.0.1:0", "--data=" + DataDir()};
    args.insert(args.end(), extra.begin(), extra.end());
    absl::StatusOr<std::unique_ptr<ServerProcess>> server =
        ServerProcess::Start(BinaryPath("budget-ingestion"), args);
    EXPECT_THAT(server, IsOk());
    return server.ok() ? *std::move(server) : nullptr;
  }

  std::unique_ptr<ServerProcess> StartScoring(const std::string& listen = "127.0.0.1:0") {
    absl::StatusOr<std::unique_ptr<ServerProcess>> server =
        ServerProcess::Start(BinaryPath("budget-scoring"), {"--listen=" + listen});
    EXPECT_THAT(server, IsOk());
    return server.ok() ? *std::move(server) : nullptr;
  }

  static grpc::Status Submit(v1::IngestionService::Stub* stub, const v1::EvaluationPackage& package,
                             v1::SubmitResponse* response, const std::string& key = "") {
    v1::SubmitRequest request;
    *request.mutable_package() = package;
    request.set_idempotency_key(key);
    grpc::ClientContext context;
    SetDeadline(&context);
    return stub->Submit(&context, request, response);
  }

  // Sends `requests` down one SubmitStream.
  static grpc::Status SubmitAll(v1::IngestionService::Stub* stub,
                                const std::vector<v1::SubmitRequest>& requests,
                                v1::SubmitStreamResponse* response) {
    grpc::ClientContext context;
    SetDeadline(&context, 120);
    std::unique_ptr<grpc::ClientWriter<v1::SubmitRequest>> writer =
        stub->SubmitStream(&context, response);
    for (const v1::SubmitRequest& request : requests) {
      if (!writer->Write(request)) break;  // Finish() says why
    }
    writer->WritesDone();
    return writer->Finish();
  }

  static grpc::Status Get(v1::IngestionService::Stub* stub, const std::string& uscc, int year,
                          v1::GetEvaluationResponse* response, int version = 0) {
    v1::GetEvaluationRequest request;
    request.set_uscc(uscc);
    request.set_year(year);
    if (version > 0) request.set_version(version);
    grpc::ClientContext context;
    SetDeadline(&context);
    return stub->GetEvaluation(&context, request, response);
  }

  static std::vector<int> Versions(v1::IngestionService::Stub* stub, const std::string& uscc,
                                   int year) {
    v1::ListVersionsRequest request;
    request.set_uscc(uscc);
    request.set_year(year);
    v1::ListVersionsResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = stub->ListVersions(&context, request, &response);
    EXPECT_THAT(status, IsOk());
    std::vector<int> out;
    for (const auto& v : response.versions()) out.push_back(v.version());
    return out;
  }

  static std::vector<v1::ListEvaluationsResponse> List(v1::IngestionService::Stub* stub,
                                                       const v1::ListEvaluationsRequest& request) {
    grpc::ClientContext context;
    SetDeadline(&context);
    std::unique_ptr<grpc::ClientReader<v1::ListEvaluationsResponse>> reader =
        stub->ListEvaluations(&context, request);
    std::vector<v1::ListEvaluationsResponse> out;
    v1::ListEvaluationsResponse item;
    while (reader->Read(&item)) out.push_back(item);
    grpc::Status status = reader->Finish();
    EXPECT_THAT(status, IsOk());
    return out;
  }

  std::unique_ptr<TempDir> dir_;
};

TEST_F(IngestionIntegrationTest, SubmitTheSeedAndReadItBackEqual) {
  std::unique_ptr<ServerProcess> scoring = StartScoring();
  ASSERT_NE(scoring, nullptr);
  std::unique_ptr<ServerProcess> server = StartIngestion({"--scoring=" + scoring->address()});
  ASSERT_NE(server, nullptr);
  auto stub = Connect(server->address());

  const v1::EvaluationPackage seed = SeedPackage();
  v1::SubmitResponse submitted;
  grpc::Status status = Submit(stub.get(), seed, &submitted);
  ASSERT_THAT(status, IsOk());
  EXPECT_EQ(submitted.uscc(), kSeedUscc);
  EXPECT_EQ(submitted.year(), 2023);
  EXPECT_EQ(submitted.version(), 1);
  EXPECT_EQ(submitted.scoring_status(), v1::SCORED);
  // The seed's own mistakes are error findings: the headline shows them.
  EXPECT_EQ(submitted.status(), v1::HAS_ERRORS);
  EXPECT_TRUE(submitted.has_errors());
  EXPECT_EQ(submitted.scorecard_summary().profile(), "national-2020");
  EXPECT_GT(submitted.scorecard_summary().graded_centipoints(), 0);

  v1::GetEvaluationResponse got;
  status = Get(stub.get(), kSeedUscc, 2023, &got);
  ASSERT_THAT(status, IsOk());
  EXPECT_EQ(got.latest_version(), 1);
  EXPECT_EQ(got.evaluation().version(), 1);
  EXPECT_EQ(got.evaluation().status(), v1::HAS_ERRORS);
  EXPECT_EQ(got.evaluation().scoring_status(), v1::SCORED);
  EXPECT_EQ(got.evaluation().scorecard().summary().graded_centipoints(),
            submitted.scorecard_summary().graded_centipoints());
  EXPECT_EQ(got.evaluation().package_sha256(), submitted.package_sha256());

  // The package as filed, field for field, plus the server's readings of the
  // indicator values.
  v1::EvaluationPackage expected = seed;
  ingestion::PackageValidator().Normalize(&expected);
  EXPECT_TRUE(MessageDifferencer::Equals(got.evaluation().package(), expected));
  v1::EvaluationPackage without_readings = got.evaluation().package();
  ClearReadings(without_readings.mutable_overall()->mutable_indicators());
  for (auto& project : *without_readings.mutable_projects()) {
    ClearReadings(project.mutable_indicators());
  }
  EXPECT_TRUE(MessageDifferencer::Equals(without_readings, seed));

  stub.reset();
  EXPECT_THAT(server->Terminate(), IsOk());
  EXPECT_THAT(scoring->Terminate(), IsOk());
}

TEST_F(IngestionIntegrationTest, ServesHealthAndStopsCleanlyOnSigterm) {
  std::unique_ptr<ServerProcess> server = StartIngestion();
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(HealthStatus(server->address(), ""), 1);
  EXPECT_EQ(HealthStatus(server->address(), "budgetperf.v1.IngestionService"), 1);
  EXPECT_THAT(server->Terminate(), IsOk());  // exit code 0
  EXPECT_EQ(server->Wait(), 0);
  // The data folder is released: a new server opens it at once.
  server = StartIngestion();
  ASSERT_NE(server, nullptr);
  EXPECT_THAT(server->Terminate(), IsOk());
}

TEST_F(IngestionIntegrationTest, ResubmitMakesVersionTwoAndHistoryShowsBoth) {
  std::unique_ptr<ServerProcess> server = StartIngestion();
  ASSERT_NE(server, nullptr);
  auto stub = Connect(server->address());

  v1::EvaluationPackage seed = SeedPackage();
  v1::SubmitResponse first, second;
  ASSERT_THAT(Submit(stub.get(), seed, &first), IsOk());
  seed.mutable_basic_data()->mutable_project_spending()->mutable_total()->set_final_fen(40'000'000);
  ASSERT_THAT(Submit(stub.get(), seed, &second), IsOk());
  EXPECT_EQ(first.version(), 1);
  EXPECT_EQ(second.version(), 2);
  // No --scoring: accepted and stored, scoring pending.
  EXPECT_EQ(second.status(), v1::SCORING_PENDING);
  EXPECT_THAT(Versions(stub.get(), kSeedUscc, 2023), ElementsAre(1, 2));

  v1::GetEvaluationResponse v1_got, latest;
  ASSERT_THAT(Get(stub.get(), kSeedUscc, 2023, &v1_got, 1), IsOk());
  ASSERT_THAT(Get(stub.get(), kSeedUscc, 2023, &latest), IsOk());
  EXPECT_EQ(v1_got.evaluation().package().basic_data().project_spending().total().final_fen(),
            136'520'000);
  EXPECT_EQ(latest.evaluation().version(), 2);
  EXPECT_EQ(latest.evaluation().package().basic_data().project_spending().total().final_fen(),
            40'000'000);
  stub.reset();
  EXPECT_THAT(server->Terminate(), IsOk());
}

TEST_F(IngestionIntegrationTest, IdempotentRetryReturnsTheFirstAnswer) {
  std::unique_ptr<ServerProcess> server = StartIngestion();
  ASSERT_NE(server, nullptr);
  auto stub = Connect(server->address());

  const v1::EvaluationPackage seed = SeedPackage();
  v1::SubmitResponse first, retry;
  ASSERT_THAT(Submit(stub.get(), seed, &first, "upload-7f3a"), IsOk());
  ASSERT_THAT(Submit(stub.get(), seed, &retry, "upload-7f3a"), IsOk());
  EXPECT_FALSE(first.replayed());
  EXPECT_TRUE(retry.replayed());
  EXPECT_EQ(retry.version(), first.version());
  EXPECT_EQ(retry.submitted_at_unix_ms(), first.submitted_at_unix_ms());
  EXPECT_THAT(Versions(stub.get(), kSeedUscc, 2023), ElementsAre(1));

  v1::EvaluationPackage changed = seed;
  changed.mutable_unit()->set_name("改过的名字");
  v1::SubmitResponse conflict;
  grpc::Status status = Submit(stub.get(), changed, &conflict, "upload-7f3a");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS) << status.error_message();
  EXPECT_THAT(Versions(stub.get(), kSeedUscc, 2023), ElementsAre(1));
  stub.reset();
  EXPECT_THAT(server->Terminate(), IsOk());
}

TEST_F(IngestionIntegrationTest, MalformedPackagesAreRejectedWithTheirFieldAndNothingIsStored) {
  std::unique_ptr<ServerProcess> server = StartIngestion();
  ASSERT_NE(server, nullptr);
  auto stub = Connect(server->address());

  const std::vector<ingestion::test_packages::MalformedCase> cases = MalformedCases();
  ASSERT_GE(cases.size(), 20u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    v1::EvaluationPackage package = SeedPackage();
    c.break_it(&package);
    v1::SubmitResponse response;
    grpc::Status status = Submit(stub.get(), package, &response, "key-" + c.name);
    ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    std::optional<v1::ValidationErrors> errors =
        ingestion::GetValidationErrors(FromGrpcStatus(status));
    ASSERT_TRUE(errors.has_value()) << "no ValidationErrors details";
    ASSERT_EQ(errors->violations_size(), 1);
    EXPECT_EQ(errors->violations(0).field_path(), c.field_path);
    EXPECT_EQ(errors->violations(0).rule(), c.rule);
    EXPECT_FALSE(errors->violations(0).message().empty());
    if (!c.field_path.empty()) {
      EXPECT_THAT(status.error_message(), HasSubstr(c.field_path));
    }
  }

  // Nothing of any of them reached the store.
  EXPECT_THAT(Versions(stub.get(), kSeedUscc, 2023), IsEmpty());
  v1::GetEvaluationResponse got;
  EXPECT_EQ(Get(stub.get(), kSeedUscc, 2023, &got).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(List(stub.get(), v1::ListEvaluationsRequest()), IsEmpty());
  // A key used only by a refused Submit is still free.
  v1::SubmitResponse accepted;
  ASSERT_THAT(Submit(stub.get(), SeedPackage(), &accepted, "key-" + cases[0].name), IsOk());
  EXPECT_FALSE(accepted.replayed());
  EXPECT_EQ(accepted.version(), 1);
  stub.reset();
  EXPECT_THAT(server->Terminate(), IsOk());
}

TEST_F(IngestionIntegrationTest, EveryViolationComesBackAtOnce) {
  std::unique_ptr<ServerProcess> server = StartIngestion();
  ASSERT_NE(server, nullptr);
  auto stub = Connect(server->address());

  v1::EvaluationPackage package = SeedPackage();
  package.mutable_unit()->set_uscc("12430602MB1C04587A");
  package.mutable_unit()->set_division_code("43060A");
  package.set_year(1999);
  package.mutable_overall()->mutable_funds()->mutable_amounts()->set_executed_fen(-1);
  package.mutable_overall()->mutable_indicators(2)->set_category(
      static_cast<v1::Level1Category>(77));
  v1::SubmitResponse response;
  grpc::Status status = Submit(stub.get(), package, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::optional<v1::ValidationErrors> errors =
      ingestion::GetValidationErrors(FromGrpcStatus(status));
  ASSERT_TRUE(errors.has_value());
  std::vector<std::string> paths;
  for (const auto& v : errors->violations()) paths.push_back(v.field_path());
  EXPECT_THAT(paths,
              ElementsAre("unit.uscc", "unit.division_code", "year",
                          "overall.funds.amounts.executed_fen", "overall.indicators[2].category"));
  EXPECT_EQ(errors->omitted(), 0);

  // Hundreds of violations: as many as fit the trailer, and the count of the
  // rest, instead of a transport error.
  for (int i = 0; i < 300; ++i) {
    package.mutable_report()->mutable_basic_spending()->add_personnel_items()->set_amount_fen(-1);
  }
  status = Submit(stub.get(), package, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  errors = ingestion::GetValidationErrors(FromGrpcStatus(status));
  ASSERT_TRUE(errors.has_value());
  EXPECT_GE(errors->violations_size(), 10);
  EXPECT_EQ(errors->violations_size() + errors->omitted(), 305);
  stub.reset();
  EXPECT_THAT(server->Terminate(), IsOk());
}

TEST_F(IngestionIntegrationTest, AcknowledgedSubmitSurvivesKillNine) {
  std::unique_ptr<ServerProcess> server = StartIngestion();
  ASSERT_NE(server, nullptr);
  std::vector<v1::SubmitResponse> acknowledged;
  {
    auto stub = Connect(server->address());
    for (int unit = 0; unit < 5; ++unit) {
      v1::SubmitResponse response;
      ASSERT_THAT(Submit(stub.get(), PackageForUnit(unit), &response, absl::StrCat("k", unit)),
                  IsOk());
      acknowledged.push_back(response);
    }
    // The moment the last acknowledgment arrives.
    server->Kill9();
  }
  EXPECT_EQ(server->Wait(), 137);

  server = StartIngestion();
  ASSERT_NE(server, nullptr);
  auto stub = Connect(server->address());
  for (int unit = 0; unit < 5; ++unit) {
    SCOPED_TRACE(unit);
    v1::GetEvaluationResponse got;
    grpc::Status status = Get(stub.get(), TestUscc(unit), 2023, &got);
    ASSERT_THAT(status, IsOk());
    EXPECT_EQ(got.evaluation().version(), 1);
    EXPECT_EQ(got.evaluation().package().unit().name(), absl::StrCat("测试单位", unit));
    EXPECT_EQ(got.evaluation().package_sha256(), acknowledged[unit].package_sha256());
    // The idempotency record made it too: a retry after the crash is a replay.
    v1::SubmitResponse retry;
    ASSERT_THAT(Submit(stub.get(), PackageForUnit(unit), &retry, absl::StrCat("k", unit)), IsOk());
    EXPECT_TRUE(retry.replayed());
    EXPECT_EQ(retry.version(), 1);
  }
  stub.reset();
  EXPECT_THAT(server->Terminate(), IsOk());
}

TEST_F(IngestionIntegrationTest, ConcurrentSubmitsFromSeveralClientsAreAllStored) {
  std::unique_ptr<ServerProcess> server = StartIngestion();
  ASSERT_NE(server, nullptr);
  constexpr int kClients = 4;
  constexpr int kUnitsEach = 5;
  constexpr int kVersionsEach = 2;
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto stub = Connect(server->address());  // a channel per client
      for (int v = 0; v < kVersionsEach; ++v) {
        for (int u = 0; u < kUnitsEach; ++u) {
          const int unit = 100 + c * kUnitsEach + u;
          v1::SubmitResponse response;
          grpc::Status status =
              Submit(stub.get(), PackageForUnit(unit, c % 2 == 0 ? "430602" : "430603"), &response);
          if (!status.ok() || response.version() != v + 1) ++failures;
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(failures.load(), 0);

  auto stub = Connect(server->address());
  std::set<std::string> listed;
  for (const auto& item : List(stub.get(), v1::ListEvaluationsRequest())) {
    listed.insert(item.summary().uscc());
    EXPECT_EQ(item.summary().version(), kVersionsEach);
    EXPECT_EQ(item.evaluation().version(), kVersionsEach);
  }
  EXPECT_EQ(listed.size(), static_cast<size_t>(kClients * kUnitsEach));
  for (int unit = 100; unit < 100 + kClients * kUnitsEach; ++unit) {
    EXPECT_THAT(Versions(stub.get(), TestUscc(unit), 2023), ElementsAre(1, 2)) << unit;
  }

  // Filters: half the clients filed in 430603, all within 430600.
  v1::ListEvaluationsRequest by_county;
  by_county.set_year(2023);
  by_county.set_division_code("430603");
  by_county.set_view(v1::EVALUATION_VIEW_SUMMARY);
  std::vector<v1::ListEvaluationsResponse> county = List(stub.get(), by_county);
  EXPECT_EQ(county.size(), static_cast<size_t>(kClients / 2 * kUnitsEach));
  for (const auto& item : county) {
    EXPECT_EQ(item.division_code(), "430603");
    EXPECT_FALSE(item.has_evaluation());
  }
  v1::ListEvaluationsRequest by_prefecture;
  by_prefecture.set_division_code("430600");
  by_prefecture.set_view(v1::EVALUATION_VIEW_SUMMARY);
  EXPECT_EQ(List(stub.get(), by_prefecture).size(), static_cast<size_t>(kClients * kUnitsEach));
  stub.reset();
  EXPECT_THAT(server->Terminate(), IsOk());
}

TEST_F(IngestionIntegrationTest, SubmitStreamAnswersEveryPackage) {
  std::unique_ptr<ServerProcess> server = StartIngestion({"--durable=false"});
  ASSERT_NE(server, nullptr);
  auto stub = Connect(server->address());

  constexpr int kPackages = 200;
  std::vector<v1::SubmitRequest> requests(kPackages);
  for (int i = 0; i < kPackages; ++i) {
    *requests[i].mutable_package() = PackageForUnit(1000 + i);
    if (i % 50 == 7) requests[i].mutable_package()->set_year(1999);  // refused
  }
  requests[10].set_idempotency_key("stream-key");
  requests[11] = requests[10];  // a retry of package 10
  v1::SubmitStreamResponse response;
  grpc::Status status = SubmitAll(stub.get(), requests, &response);
  ASSERT_THAT(status, IsOk());

  ASSERT_EQ(response.results_size(), kPackages);
  EXPECT_EQ(response.rejected(), 4);
  EXPECT_EQ(response.replayed(), 1);
  EXPECT_EQ(response.accepted(), kPackages - 5);
  EXPECT_EQ(response.failed(), 0);
  for (int i = 0; i < kPackages; ++i) {
    const v1::SubmitStreamResult& r = response.results(i);
    EXPECT_EQ(r.index(), i);
    if (i % 50 == 7) {
      EXPECT_EQ(r.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
      ASSERT_EQ(r.violations_size(), 1);
      EXPECT_EQ(r.violations(0).field_path(), "year");
    } else {
      EXPECT_EQ(r.code(), 0) << r.error_message();
      EXPECT_EQ(r.version(), 1);
    }
  }
  EXPECT_TRUE(response.results(11).replayed());

  v1::ListEvaluationsRequest all;
  all.set_view(v1::EVALUATION_VIEW_SUMMARY);
  EXPECT_EQ(List(stub.get(), all).size(), static_cast<size_t>(kPackages - 5));
  stub.reset();
  EXPECT_THAT(server->Terminate(), IsOk());
}

TEST_F(IngestionIntegrationTest, ScoringDownThenUpScoresThePendingVersion) {
  const int port = FreePort();
  ASSERT_GT(port, 0);
  const std::string scoring_address = absl::StrCat("127.0.0.1:", port);
  std::unique_ptr<ServerProcess> server =
      StartIngestion({"--scoring=" + scoring_address, "--scoring-deadline-ms=2000"});
  ASSERT_NE(server, nullptr);
  auto stub = Connect(server->address());

  v1::SubmitResponse submitted;
  grpc::Status status = Submit(stub.get(), SeedPackage(), &submitted);
  ASSERT_THAT(status, IsOk());
  EXPECT_EQ(submitted.status(), v1::SCORING_PENDING);  // pending wins over its errors
  EXPECT_TRUE(submitted.has_errors());
  EXPECT_FALSE(submitted.has_scorecard_summary());
  v1::GetEvaluationResponse got;
  ASSERT_THAT(Get(stub.get(), kSeedUscc, 2023, &got), IsOk());
  EXPECT_EQ(got.evaluation().status(), v1::SCORING_PENDING);

  std::unique_ptr<ServerProcess> scoring = StartScoring(scoring_address);
  ASSERT_NE(scoring, nullptr);
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline) {
    got.Clear();
    ASSERT_THAT(Get(stub.get(), kSeedUscc, 2023, &got), IsOk());
    if (got.evaluation().scoring_status() == v1::SCORED) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_EQ(got.evaluation().scoring_status(), v1::SCORED);
  // Scored now, the seed's error findings show in the headline.
  EXPECT_EQ(got.evaluation().status(), v1::HAS_ERRORS);
  EXPECT_EQ(got.evaluation().version(), 1);
  EXPECT_EQ(got.evaluation().scorecard().summary().profile(), "national-2020");
  EXPECT_GT(got.evaluation().scorecard().overall().lines_size(), 0);
  EXPECT_GT(got.evaluation().scored_at_unix_ms(), 0);
  // Scored in place: still one version.
  EXPECT_THAT(Versions(stub.get(), kSeedUscc, 2023), ElementsAre(1));
  stub.reset();
  EXPECT_THAT(server->Terminate(), IsOk());
  EXPECT_THAT(scoring->Terminate(), IsOk());
}

TEST_F(IngestionIntegrationTest, BudgetctlSubmitGetHistory) {
  std::unique_ptr<ServerProcess> scoring = StartScoring();
  ASSERT_NE(scoring, nullptr);
  std::unique_ptr<ServerProcess> server = StartIngestion({"--scoring=" + scoring->address()});
  ASSERT_NE(server, nullptr);
  const std::string ctl =
      BinaryPath("budgetctl") + " --server=" + server->address() + " --scoring=" + scoring->address();
  const std::string seed = ingestion::test_packages::SeedPath();

  CommandResult submit = RunCommand(ctl + " submit " + seed);
  EXPECT_EQ(submit.exit_code, 0) << submit.output;
  EXPECT_THAT(submit.output, HasSubstr("版本 version"));
  EXPECT_THAT(submit.output, HasSubstr("HAS_ERRORS (有错误)"));
  EXPECT_THAT(submit.output, HasSubstr("SCORED (已评分)"));
  // The findings table, after the version and status: T1-04's row with its
  // figures.
  EXPECT_THAT(submit.output, HasSubstr("一致性检查 consistency findings"));
  EXPECT_THAT(submit.output, HasSubstr("差额 difference"));
  EXPECT_THAT(submit.output, ::testing::ContainsRegex(
                                 "T1-04 +错误 +basic_data.project_spending.total.final_fen +"
                                 "136.52万元 +40.00万元 +96.52万元 +附件1 项目支出"));
  EXPECT_THAT(submit.output, HasSubstr("W-02"));
  EXPECT_THAT(submit.output, HasSubstr("I-04"));
  EXPECT_LT(submit.output.find("版本 version"), submit.output.find("T1-04"));
  submit = RunCommand(ctl + " submit --idempotency-key=ctl-1 " + seed);
  EXPECT_EQ(submit.exit_code, 0) << submit.output;

  CommandResult get = RunCommand(ctl + " get " + kSeedUscc + " 2023");
  EXPECT_EQ(get.exit_code, 0) << get.output;
  EXPECT_THAT(get.output, HasSubstr("2 of 2"));
  EXPECT_THAT(get.output, HasSubstr("385.37"));  // 全年预算数, 万元
  EXPECT_THAT(get.output, HasSubstr("136.52"));  // 项目支出 as filed
  EXPECT_THAT(get.output, HasSubstr("评分 scorecard"));
  EXPECT_THAT(get.output, HasSubstr("执行率"));
  EXPECT_THAT(get.output, HasSubstr("一致性检查 consistency findings (15)"));
  EXPECT_THAT(get.output, HasSubstr("I-04"));

  CommandResult first = RunCommand(ctl + " get --version=1 " + kSeedUscc + " 2023");
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("1 of 2"));

  CommandResult history = RunCommand(ctl + " history " + kSeedUscc + " 2023");
  EXPECT_EQ(history.exit_code, 0) << history.output;
  EXPECT_THAT(history.output, HasSubstr("ctl-1"));
  EXPECT_THAT(history.output, ::testing::ContainsRegex("\n +1  "));
  EXPECT_THAT(history.output, ::testing::ContainsRegex("\n +2  "));

  CommandResult json = RunCommand(ctl + " --json history " + kSeedUscc + " 2023");
  EXPECT_EQ(json.exit_code, 0) << json.output;
  EXPECT_THAT(json.output, HasSubstr("\"version\": 2"));

  // A refused package: exit 1 and every violation with its field.
  v1::EvaluationPackage bad = SeedPackage();
  bad.mutable_unit()->set_uscc("12430602MB1C04587A");
  bad.mutable_basic_data()->mutable_public_funds()->mutable_total()->set_final_fen(-1);
  absl::StatusOr<std::string> bad_file = dir_->WriteFile("bad.json", PackageToJson(bad));
  ASSERT_THAT(bad_file, IsOk());
  CommandResult refused = RunCommand(ctl + " submit " + *bad_file);
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("unit.uscc"));
  EXPECT_THAT(refused.output, HasSubstr("uscc_check_character"));
  EXPECT_THAT(refused.output, HasSubstr("basic_data.public_funds.total.final_fen"));
  EXPECT_THAT(refused.output, HasSubstr("non_negative"));

  CommandResult missing = RunCommand(ctl + " get " + kSeedUscc + " 2022");
  EXPECT_EQ(missing.exit_code, 1) << missing.output;

  CommandResult score = RunCommand(ctl + " score " + seed);
  EXPECT_EQ(score.exit_code, 0) << score.output;
  EXPECT_THAT(score.output, HasSubstr("执行率"));

  // The catalogue needs no server.
  CommandResult rules = RunCommand(BinaryPath("budgetctl") + " --server=127.0.0.1:1 rules");
  EXPECT_EQ(rules.exit_code, 0) << rules.output;
  EXPECT_THAT(rules.output, HasSubstr("附件1 项目支出 = 各项之和"));
  CommandResult csv = RunCommand(BinaryPath("budgetctl") + " rules --csv");
  EXPECT_EQ(csv.exit_code, 0) << csv.output;
  EXPECT_THAT(csv.output, ::testing::StartsWith("id,scope,severity,"));
  EXPECT_THAT(csv.output, HasSubstr("\nI-04,"));
  CommandResult rules_json = RunCommand(BinaryPath("budgetctl") + " rules --json");
  EXPECT_EQ(rules_json.exit_code, 0) << rules_json.output;
  EXPECT_THAT(rules_json.output, HasSubstr("\"id\": \"W-02\""));
  CommandResult rules_help = RunCommand(BinaryPath("budgetctl") + " rules --help");
  EXPECT_EQ(rules_help.exit_code, 0) << rules_help.output;
  EXPECT_THAT(rules_help.output, HasSubstr("--csv"));

  CommandResult usage = RunCommand(BinaryPath("budgetctl") + " get");
  EXPECT_EQ(usage.exit_code, 2) << usage.output;
  CommandResult help = RunCommand(BinaryPath("budgetctl") + " submit --help");
  EXPECT_EQ(help.exit_code, 0) << help.output;
  EXPECT_THAT(help.output, HasSubstr("--idempotency-key"));

  EXPECT_THAT(server->Terminate(), IsOk());
  EXPECT_THAT(scoring->Terminate(), IsOk());

  CommandResult unreachable = RunCommand(ctl + " --timeout=5 get " + kSeedUscc + " 2023");
  EXPECT_EQ(unreachable.exit_code, 2) << unreachable.output;
}

TEST_F(IngestionIntegrationTest, SeedFindingsComeBackWithTheSubmissionAndAreStored) {
  std::unique_ptr<ServerProcess> server = StartIngestion();
  ASSERT_NE(server, nullptr);
  auto stub = Connect(server->address());

  v1::SubmitResponse submitted;
  grpc::Status status = Submit(stub.get(), SeedPackage(), &submitted);
  ASSERT_THAT(status, IsOk());
  // The seed's findings as pinned by the consistency tests (see
  // tests/data/README.md), among them these three errors, figure by figure.
  std::map<std::string, v1::Finding> by_rule;
  for (const v1::Finding& f : submitted.findings()) by_rule.emplace(f.rule_id(), f);
  ASSERT_TRUE(by_rule.count("T1-04")) << submitted.DebugString();
  ASSERT_TRUE(by_rule.count("W-02"));
  ASSERT_TRUE(by_rule.count("I-04"));
  const v1::Finding& t104 = by_rule["T1-04"];
  EXPECT_EQ(t104.severity(), v1::SEVERITY_ERROR);
  EXPECT_EQ(t104.field_path(), "basic_data.project_spending.total.final_fen");
  EXPECT_EQ(t104.value_found(), "136.52万元");
  EXPECT_EQ(t104.value_expected(), "40.00万元");
  EXPECT_EQ(t104.difference(), "96.52万元");
  EXPECT_EQ(t104.unit_uscc(), kSeedUscc);
  EXPECT_EQ(t104.division_code(), "430602");
  EXPECT_EQ(by_rule["W-02"].field_path(), "overall.totals.weight_centipoints");
  EXPECT_EQ(by_rule["W-02"].difference(), "-10分");
  EXPECT_EQ(by_rule["I-04"].value_found(), "916.60万元");
  EXPECT_EQ(by_rule["I-04"].value_expected(), "≤ 765万元");
  EXPECT_EQ(submitted.findings_size(), 15);
  EXPECT_EQ(submitted.finding_counts().total(), 15);
  EXPECT_GE(submitted.finding_counts().error(), 3);
  EXPECT_TRUE(submitted.has_errors());
  // No --scoring: pending, which the headline shows until it is scored.
  EXPECT_EQ(submitted.status(), v1::SCORING_PENDING);

  v1::GetEvaluationResponse got;
  ASSERT_THAT(Get(stub.get(), kSeedUscc, 2023, &got), IsOk());
  ASSERT_EQ(got.evaluation().findings_size(), submitted.findings_size());
  for (int i = 0; i < submitted.findings_size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(got.evaluation().findings(i), submitted.findings(i)));
  }
  EXPECT_TRUE(got.evaluation().has_errors());

  v1::ListVersionsRequest history;
  history.set_uscc(kSeedUscc);
  history.set_year(2023);
  v1::ListVersionsResponse versions;
  {
    // Scoped: a context keeps its channel (and the server's shutdown) waiting.
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_THAT(stub->ListVersions(&context, history, &versions), IsOk());
  }
  ASSERT_EQ(versions.versions_size(), 1);
  EXPECT_TRUE(versions.versions(0).has_errors());
  EXPECT_EQ(versions.versions(0).finding_counts().total(), 15);
  stub.reset();
  EXPECT_THAT(server->Terminate(), IsOk());
}

TEST_F(IngestionIntegrationTest, ARegionsBlockingRuleRefusesTheSeedAndStoresNothing) {
  absl::StatusOr<std::string> config = dir_->WriteFile("consistency.textproto", R"pb(
    # 岳阳市: 附件1 项目支出 must add up before a package is accepted.
    regions {
      division_prefix: "4306"
      overrides { rule_id: "T1-04" blocking: true }
    }
  )pb");
  ASSERT_THAT(config, IsOk());
  std::unique_ptr<ServerProcess> server = StartIngestion({"--consistency-config=" + *config});
  ASSERT_NE(server, nullptr);
  auto stub = Connect(server->address());

  v1::SubmitResponse response;
  grpc::Status status = Submit(stub.get(), SeedPackage(), &response, "blocked-upload");
  ASSERT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("T1-04"));
  std::optional<v1::BlockingFindings> blocking =
      ingestion::GetBlockingFindings(FromGrpcStatus(status));
  ASSERT_TRUE(blocking.has_value()) << "no BlockingFindings details";
  ASSERT_EQ(blocking->findings_size(), 1);
  EXPECT_EQ(blocking->findings(0).rule_id(), "T1-04");
  EXPECT_EQ(blocking->findings(0).value_found(), "136.52万元");
  EXPECT_EQ(blocking->all_findings().total(), 15);

  EXPECT_THAT(Versions(stub.get(), kSeedUscc, 2023), IsEmpty());
  v1::GetEvaluationResponse got;
  EXPECT_EQ(Get(stub.get(), kSeedUscc, 2023, &got).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(List(stub.get(), v1::ListEvaluationsRequest()), IsEmpty());

  // budgetctl shows the blocking findings and exits 1.
  CommandResult refused = RunCommand(BinaryPath("budgetctl") + " --server=" + server->address() +
                                     " submit " + ingestion::test_packages::SeedPath());
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("blocking"));
  EXPECT_THAT(refused.output, ::testing::ContainsRegex("T1-04 +错误 +basic_data"));
  EXPECT_THAT(Versions(stub.get(), kSeedUscc, 2023), IsEmpty());

  // Outside the region the rule does not block: stored, with its errors.
  v1::SubmitResponse elsewhere;
  status = Submit(stub.get(), PackageForUnit(9, "430702"), &elsewhere);
  ASSERT_THAT(status, IsOk());
  EXPECT_TRUE(elsewhere.has_errors());

  // The corrected package is accepted, with the key the refused one used.
  v1::EvaluationPackage corrected = SeedPackage();
  corrected.mutable_basic_data()->mutable_project_spending()->mutable_total()->set_final_fen(
      40'000'000);
  status = Submit(stub.get(), corrected, &response, "blocked-upload");
  ASSERT_THAT(status, IsOk());
  EXPECT_FALSE(response.replayed());
  EXPECT_THAT(Versions(stub.get(), kSeedUscc, 2023), ElementsAre(1));
  stub.reset();
  EXPECT_THAT(server->Terminate(), IsOk());
}

TEST_F(IngestionIntegrationTest, AnInvalidConsistencyConfigStopsTheServer) {
  absl::StatusOr<std::string> config = dir_->WriteFile(
      "bad.textproto", "overrides { rule_id: \"NO-SUCH-RULE\" blocking: true }\n");
  ASSERT_THAT(config, IsOk());
  absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start(
      BinaryPath("budget-ingestion"),
      {"--listen=127.0.0.1:0", "--data=" + DataDir(), "--consistency-config=" + *config});
  EXPECT_THAT(server.status(), StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace budgetperf
