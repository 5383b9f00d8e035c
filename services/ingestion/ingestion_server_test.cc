// IngestionServer in-process on a free port, called over a real channel: what
// the gRPC adapter adds to the Ingestor (SubmitStream's per-package results
// and counts, the refusals' details).

#include "services/ingestion/ingestion_server.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "budgetperf/v1/ingestion.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/consistency/consistency_config.h"
#include "services/consistency/rule_catalogue.h"
#include "services/ingestion/test_packages.h"
#include "services/ingestion/validation_errors.h"
#include "tests/testing/temp_dir.h"
#include "tools/generator/sample_generator.h"

namespace budgetperf {
namespace ingestion {
namespace {

using testing::PackageForUnit;
using testing::SeedPackage;

// T1-04 (附件1 项目支出 ≠ its lines) blocks in 岳阳市 (4306) only.
constexpr char kBlockT104In4306[] = R"pb(
  regions {
    division_prefix: "4306"
    overrides { rule_id: "T1-04" blocking: true }
  }
)pb";

class IngestionServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<budgetperf::testing::TempDir> dir =
        budgetperf::testing::TempDir::Create("ingestion-server");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = std::make_unique<budgetperf::testing::TempDir>(*std::move(dir));
    Restart(kBlockT104In4306);
  }

  // (Re)starts the server on the same data folder with `config_text`.
  void Restart(const std::string& config_text) {
    stub_.reset();
    server_.reset();
    absl::StatusOr<ConsistencyConfig> config = ConsistencyConfig::FromText(config_text);
    ASSERT_TRUE(config.ok()) << config.status();

    IngestionServer::Options options;
    options.data_dir = dir_->Join("data");
    options.durable = false;
    options.worker_threads = 2;
    options.consistency = *std::move(config);
    absl::StatusOr<std::unique_ptr<IngestionServer>> server =
        IngestionServer::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = v1::IngestionService::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    stub_.reset();
    if (server_ != nullptr) server_->Shutdown(std::chrono::milliseconds(0));
  }

  std::unique_ptr<budgetperf::testing::TempDir> dir_;
  std::unique_ptr<IngestionServer> server_;
  std::unique_ptr<v1::IngestionService::Stub> stub_;
};

// A package without findings (the generator's clean samples are consistent).
v1::EvaluationPackage CleanPackage() {
  SampleGenerator generator(3);
  SampleDistrict district = generator.District("430602", "岳阳楼区", 1, 1);
  return generator.Package(district.units.back(), 2023);
}

TEST_F(IngestionServerTest, SubmitStreamCountsFindingsAndBlockedPackages) {
  std::vector<v1::EvaluationPackage> packages = {
      PackageForUnit(1, "430702"),  // 0: stored, with errors
      CleanPackage(),               // 1: stored, no findings
      PackageForUnit(2, "430602"),  // 2: T1-04 blocks in 4306
      PackageForUnit(3, "430702"),  // 3: refused by validation
  };
  packages[3].set_year(1999);

  grpc::ClientContext context;
  v1::SubmitStreamResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::SubmitRequest>> writer =
      stub_->SubmitStream(&context, &response);
  for (const v1::EvaluationPackage& package : packages) {
    v1::SubmitRequest request;
    *request.mutable_package() = package;
    ASSERT_TRUE(writer->Write(request));
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();

  EXPECT_EQ(response.accepted(), 2);
  EXPECT_EQ(response.with_errors(), 1);
  EXPECT_EQ(response.blocked(), 1);
  EXPECT_EQ(response.rejected(), 1);
  EXPECT_EQ(response.failed(), 0);
  EXPECT_EQ(response.replayed(), 0);
  ASSERT_EQ(response.results_size(), 4);

  const v1::SubmitStreamResult& with_errors = response.results(0);
  EXPECT_EQ(with_errors.code(), 0) << with_errors.error_message();
  EXPECT_TRUE(with_errors.has_errors());
  EXPECT_GT(with_errors.finding_counts().error(), 0);
  EXPECT_GT(with_errors.finding_counts().total(), with_errors.finding_counts().error());
  EXPECT_EQ(with_errors.scoring_status(), v1::SCORING_PENDING);  // no scoring configured
  EXPECT_EQ(with_errors.status(), v1::SCORING_PENDING);

  const v1::SubmitStreamResult& clean = response.results(1);
  EXPECT_EQ(clean.code(), 0) << clean.error_message();
  EXPECT_FALSE(clean.has_errors());
  EXPECT_EQ(clean.finding_counts().total(), 0);

  const v1::SubmitStreamResult& blocked = response.results(2);
  EXPECT_EQ(blocked.code(), static_cast<int>(grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_EQ(blocked.version(), 0);
  EXPECT_EQ(blocked.blocking_count(), 1);
  ASSERT_EQ(blocked.blocking_findings_size(), 1);
  EXPECT_EQ(blocked.blocking_findings(0).rule_id(), "T1-04");
  EXPECT_EQ(blocked.finding_counts().total(), with_errors.finding_counts().total());
  EXPECT_THAT(blocked.error_message(), ::testing::HasSubstr("T1-04"));

  const v1::SubmitStreamResult& invalid = response.results(3);
  EXPECT_EQ(invalid.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(invalid.violation_count(), 1);
  EXPECT_EQ(invalid.blocking_findings_size(), 0);
}

TEST_F(IngestionServerTest, BlockedSubmitCarriesTheFindingsAsDetails) {
  v1::SubmitRequest request;
  *request.mutable_package() = SeedPackage();
  grpc::ClientContext context;
  v1::SubmitResponse response;
  grpc::Status status = stub_->Submit(&context, request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << status.error_message();
  std::optional<v1::BlockingFindings> blocking = BlockingFindingsFromGrpcStatus(status);
  ASSERT_TRUE(blocking.has_value());
  ASSERT_EQ(blocking->findings_size(), 1);
  EXPECT_EQ(blocking->findings(0).rule_id(), "T1-04");
  EXPECT_EQ(blocking->findings(0).division_code(), "430602");
}

TEST_F(IngestionServerTest, ManyBlockingFindingsAreCutToFitTheTrailers) {
  // Every rule blocking: the seed's findings, with their long Chinese
  // messages, do not all fit gRPC's trailers; those that do arrive, and the
  // rest are counted.
  std::string config;
  for (const v1::RuleDescriptor& rule : RuleCatalogue::Default().rules()) {
    config += "overrides { rule_id: \"" + rule.id() + "\" blocking: true }\n";
  }
  Restart(config);
  v1::SubmitRequest request;
  *request.mutable_package() = SeedPackage();
  grpc::ClientContext context;
  v1::SubmitResponse response;
  grpc::Status status = stub_->Submit(&context, request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << status.error_message();
  std::optional<v1::BlockingFindings> blocking = BlockingFindingsFromGrpcStatus(status);
  ASSERT_TRUE(blocking.has_value());
  EXPECT_GT(blocking->findings_size(), 0);
  EXPECT_GT(blocking->omitted(), 0);
  EXPECT_EQ(blocking->findings_size() + blocking->omitted(), blocking->all_findings().total());
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("more (see the BlockingFindings"));
}

}  // namespace
}  // namespace ingestion
}  // namespace budgetperf
