// AggregationServer in-process over real gRPC: the adapter's status codes,
// health, a restart on the same data folder, and Recompute reading a real
// (test) IngestionService over the network.

#include "services/aggregation/aggregation_server.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <future>
#include <memory>
#include <optional>

#include "budgetperf/v1/aggregation.grpc.pb.h"
#include "budgetperf/v1/ingestion.grpc.pb.h"
#include "common/server/grpc_status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregation/aggregation_test_util.h"
#include "services/aggregation/ingestion_source.h"
#include "services/aggregation/org_csv_errors.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace budgetperf {
namespace {

using aggregation_testing::Figures;
using aggregation_testing::MakeApply;
using aggregation_testing::MakePackage;
using aggregation_testing::MakeScore;
using aggregation_testing::MakeUscc;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  return context;
}

// grpc.health.v1.Health/Check by raw bytes: Debian's gRPC ships no
// health.proto to generate a stub from. Returns the response bytes.
absl::StatusOr<std::string> HealthCheck(const std::shared_ptr<grpc::Channel>& channel,
                                        const std::string& service) {
  // HealthCheckRequest{service = 1}: tag 0x0a, length, bytes.
  std::string request_bytes;
  if (!service.empty()) {
    request_bytes = std::string(1, '\x0a') + static_cast<char>(service.size()) + service;
  }
  grpc::GenericStub stub(channel);
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::unique_ptr<grpc::ClientContext> context = Context();
  std::promise<grpc::Status> finished;
  stub.UnaryCall(context.get(), "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request,
                 &response, [&finished](grpc::Status s) { finished.set_value(std::move(s)); });
  grpc::Status status = finished.get_future().get();
  if (!status.ok()) return FromGrpcStatus(status);
  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) return absl::InternalError("unreadable response");
  std::string out;
  for (const grpc::Slice& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

// An IngestionService that lists the evaluations a test gives it.
class ListingIngestion final : public v1::IngestionService::Service {
 public:
  grpc::Status ListEvaluations(grpc::ServerContext*, const v1::ListEvaluationsRequest* request,
                               grpc::ServerWriter<v1::ListEvaluationsResponse>* writer) override {
    for (const v1::StoredEvaluation& e : evaluations) {
      if (request->year() != 0 && e.package().year() != request->year()) continue;
      v1::ListEvaluationsResponse item;
      item.mutable_summary()->set_uscc(e.package().unit().uscc());
      item.mutable_summary()->set_version(e.version());
      *item.mutable_evaluation() = e;
      writer->Write(item);
    }
    return grpc::Status::OK;
  }
  std::vector<v1::StoredEvaluation> evaluations;
};

class AggregationServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<testutil::TempDir> dir = testutil::TempDir::Create("aggregation-server");
    ASSERT_THAT(dir, IsOk());
    dir_.emplace(*std::move(dir));
  }

  void Start(const std::string& ingestion = "") {
    AggregationServer::Options options;
    options.listen = "127.0.0.1:0";
    options.data_dir = dir_->Join("data/aggregation");  // parents are created too
    options.ingestion_address = ingestion;
    absl::StatusOr<std::unique_ptr<AggregationServer>> server =
        AggregationServer::Start(std::move(options));
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
    EXPECT_NE(server_->port(), 0);
    channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    stub_ = v1::AggregationService::NewStub(channel_);
  }

  void Stop() {
    stub_.reset();
    channel_.reset();
    server_->Shutdown(std::chrono::milliseconds(100));
    server_.reset();
  }

  void ImportDistrict() {
    v1::ImportOrgCsvRequest request;
    request.set_csv("code,name,kind,parent_code,division_code\n"
                    "430602,岳阳楼区,district,,430602\n"
                    "D1,区财政局,department,430602,430602\n" +
                    unit_ + ",\"某中心, 本级\",unit,D1,430602\n");
    v1::ImportOrgCsvResponse response;
    grpc::Status status = stub_->ImportOrgCsv(Context().get(), request, &response);
    ASSERT_THAT(status, IsOk());
    EXPECT_EQ(response.nodes_written(), 3);
  }

  int64_t Executed(const std::string& code, int32_t year) {
    v1::GetRollupRequest request;
    request.set_node_code(code);
    request.set_year(year);
    v1::GetRollupResponse response;
    grpc::Status status = stub_->GetRollup(Context().get(), request, &response);
    EXPECT_THAT(status, IsOk());
    return response.rollup().measures().funds().executed_fen();
  }

  std::optional<testutil::TempDir> dir_;
  std::unique_ptr<AggregationServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AggregationService::Stub> stub_;
  const std::string unit_ = MakeUscc("430602", 11);
};

TEST_F(AggregationServerTest, ServesHealthAndTheMeasureCatalog) {
  Start();
  for (const std::string service : {"", "budgetperf.v1.AggregationService"}) {
    absl::StatusOr<std::string> health = HealthCheck(channel_, service);
    ASSERT_THAT(health, IsOk());
    EXPECT_EQ(*health, std::string("\x08\x01", 2)) << "SERVING for \"" << service << "\"";
  }
  v1::ListMeasuresResponse measures;
  ASSERT_THAT(stub_->ListMeasures(Context().get(), {}, &measures), IsOk());
  EXPECT_GT(measures.measures_size(), 90);
}

TEST_F(AggregationServerTest, AnswersWithTheLogicsStatusCodes) {
  Start();
  ImportDistrict();
  v1::ApplyEvaluationResponse applied;
  Figures figures;
  figures.executed_fen = 385'270'000;
  grpc::Status status = stub_->ApplyEvaluation(
      Context().get(), MakeApply(MakePackage(unit_, 2023, figures), 1), &applied);
  ASSERT_THAT(status, IsOk());
  EXPECT_EQ(applied.outcome(), v1::APPLY_OUTCOME_APPLIED);
  EXPECT_THAT(applied.path(), ElementsAre(unit_, "D1", "430602"));
  EXPECT_EQ(Executed("430602", 2023), 385'270'000);

  v1::GetRollupRequest unknown;
  unknown.set_node_code("nope");
  unknown.set_year(2023);
  v1::GetRollupResponse ignored;
  EXPECT_EQ(stub_->GetRollup(Context().get(), unknown, &ignored).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::ImportOrgCsvRequest bad;
  bad.set_csv("code,name,kind\nX,某,bureau\n");
  v1::ImportOrgCsvResponse not_imported;
  status = stub_->ImportOrgCsv(Context().get(), bad, &not_imported);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("line 2: kind \"bureau\""));

  v1::RecomputeRequest recompute;
  recompute.set_node_code("430602");
  recompute.set_year(2023);
  v1::RecomputeResponse report;
  status = stub_->Recompute(Context().get(), recompute, &report);
  ASSERT_THAT(status, IsOk());
  EXPECT_EQ(report.source(), "local");
  EXPECT_EQ(report.units(), 1);
  EXPECT_EQ(report.drift_size(), 0);
}

TEST_F(AggregationServerTest, ImportOrgCsvSendsItsBadRowsAsATypedDetail) {
  Start();
  ImportDistrict();
  v1::ImportOrgCsvRequest bad;
  bad.set_csv(
      "code,name,kind,parent_code,division_code\n"
      "D3,部门三,department,430602,430602\n"
      "D4,部门四,agency,430602,430602\n"
      "D5,部门五,department,nowhere,430602\n");
  v1::ImportOrgCsvResponse not_imported;
  const grpc::Status status = stub_->ImportOrgCsv(Context().get(), bad, &not_imported);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // Read back as a client does: the status with its details as payloads.
  std::optional<v1::OrgCsvErrors> errors = GetOrgCsvErrors(FromGrpcStatus(status));
  ASSERT_TRUE(errors.has_value());
  ASSERT_EQ(errors->errors_size(), 2);
  EXPECT_EQ(errors->errors(0).line(), 3);
  EXPECT_THAT(errors->errors(0).message(), HasSubstr("kind \"agency\""));
  EXPECT_EQ(errors->errors(1).line(), 4);
  EXPECT_THAT(errors->errors(1).message(), HasSubstr("parent \"nowhere\""));
  // The message still lists them for people.
  EXPECT_THAT(status.error_message(), HasSubstr("line 3: kind \"agency\""));
}

TEST_F(AggregationServerTest, KeepsEverythingAcrossARestart) {
  Start();
  ImportDistrict();
  v1::ApplyEvaluationResponse applied;
  ASSERT_THAT(stub_->ApplyEvaluation(Context().get(),
                                     MakeApply(MakePackage(unit_, 2023, Figures()), 1), &applied),
              IsOk());
  Stop();
  Start();
  EXPECT_EQ(Executed("D1", 2023), Figures().executed_fen);
  ASSERT_THAT(stub_->ApplyEvaluation(Context().get(),
                                     MakeApply(MakePackage(unit_, 2023, Figures()), 1), &applied),
              IsOk());
  EXPECT_EQ(applied.outcome(), v1::APPLY_OUTCOME_DUPLICATE);
}

TEST_F(AggregationServerTest, RecomputeReadsTheLatestVersionsFromIngestion) {
  ListingIngestion ingestion;
  Figures newer;
  newer.executed_fen = 77'000'000;
  v1::StoredEvaluation stored;
  *stored.mutable_package() = MakePackage(unit_, 2023, newer);
  stored.set_version(3);
  stored.set_status(v1::SCORED);
  *stored.mutable_scorecard()->mutable_summary() =
      MakeScore(8800, v1::GRADE_GOOD, 9000, v1::GRADE_EXCELLENT);
  ingestion.evaluations.push_back(stored);
  grpc::ServerBuilder builder;
  int ingestion_port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &ingestion_port);
  builder.RegisterService(&ingestion);
  std::unique_ptr<grpc::Server> ingestion_server = builder.BuildAndStart();
  ASSERT_NE(ingestion_server, nullptr);

  Start("127.0.0.1:" + std::to_string(ingestion_port));
  ImportDistrict();
  v1::ApplyEvaluationResponse applied;
  ASSERT_THAT(stub_->ApplyEvaluation(Context().get(),
                                     MakeApply(MakePackage(unit_, 2023, Figures()), 1), &applied),
              IsOk());
  v1::RecomputeRequest recompute;
  recompute.set_node_code("430602");
  recompute.set_year(2023);
  v1::RecomputeResponse report;
  grpc::Status status = stub_->Recompute(Context().get(), recompute, &report);
  ASSERT_THAT(status, IsOk());
  EXPECT_THAT(report.source(), HasSubstr("ingestion 127.0.0.1:"));
  EXPECT_THAT(report.reapplied_units(), ElementsAre(unit_));
  EXPECT_EQ(report.drift_size(), 0);
  EXPECT_EQ(Executed("430602", 2023), 77'000'000);
  v1::GetRollupRequest get;
  get.set_node_code("D1");
  get.set_year(2023);
  v1::GetRollupResponse rollup;
  ASSERT_THAT(stub_->GetRollup(Context().get(), get, &rollup), IsOk());
  EXPECT_EQ(rollup.rollup().measures().scores().computed().max_centipoints(), 8800);

  // With ingestion gone, Recompute says so rather than guessing.
  ingestion_server->Shutdown();
  status = stub_->Recompute(Context().get(), recompute, &report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST(ApplyRequestFor, CarriesTheScoreOnlyOnceScoredAndTheFindings) {
  v1::StoredEvaluation stored;
  stored.mutable_package()->set_year(2023);
  stored.set_version(2);
  stored.set_submitted_at_unix_ms(5);
  stored.set_status(v1::SCORING_PENDING);
  stored.set_scoring_status(v1::SCORING_PENDING);
  stored.add_findings()->set_severity(v1::SEVERITY_ERROR);
  v1::ApplyEvaluationRequest request = ApplyRequestFor(stored);
  EXPECT_EQ(request.version(), 2);
  EXPECT_EQ(request.submitted_at_unix_ms(), 5);
  EXPECT_FALSE(request.has_score());
  ASSERT_EQ(request.findings_size(), 1);
  EXPECT_EQ(request.findings(0).severity(), v1::SEVERITY_ERROR);

  // Scored, with an error finding: the headline says HAS_ERRORS.
  stored.set_status(v1::HAS_ERRORS);
  stored.set_scoring_status(v1::SCORED);
  stored.mutable_scorecard()->mutable_summary()->set_graded_centipoints(9000);
  request = ApplyRequestFor(stored);
  ASSERT_TRUE(request.has_score());
  EXPECT_EQ(request.score().graded_centipoints(), 9000);

  // A version stored before scoring_status existed.
  stored.set_status(v1::SCORED);
  stored.clear_scoring_status();
  EXPECT_TRUE(ApplyRequestFor(stored).has_score());
  stored.set_status(v1::SCORING_FAILED);
  EXPECT_FALSE(ApplyRequestFor(stored).has_score());
}

}  // namespace
}  // namespace budgetperf
