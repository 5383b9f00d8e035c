// IngestionServer in-process on a free port, called over a real channel: what
// the gRPC adapter adds to the Ingestor (SubmitStream's per-package results
// and counts, the refusals' details, ListEvaluations' batches).

#include "services/ingestion/ingestion_server.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "budgetperf/v1/ingestion.grpc.pb.h"
#include "common/server/grpc_status.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/consistency/consistency_config.h"
#include "services/consistency/rule_catalogue.h"
#include "services/ingestion/test_packages.h"
#include "services/ingestion/validation_errors.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tools/generator/sample_generator.h"

namespace budgetperf {
namespace ingestion {
namespace {

using test_packages::PackageForUnit;
using test_packages::SeedPackage;

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
    absl::StatusOr<budgetperf::testutil::TempDir> dir =
        budgetperf::testutil::TempDir::Create("ingestion-server");
    ASSERT_THAT(dir, IsOk());
    dir_ = std::make_unique<budgetperf::testutil::TempDir>(*std::move(dir));
    Restart(kBlockT104In4306);
  }

  // (Re)starts the server on the same data folder with `config_text`.
  void Restart(const std::string& config_text) {
    stub_.reset();
    server_.reset();
    absl::StatusOr<ConsistencyConfig> config = ConsistencyConfig::FromText(config_text);
    ASSERT_THAT(config, IsOk());

    IngestionServer::Options options;
    options.data_dir = dir_->Join("data");
    options.durable = false;
    options.worker_threads = 2;
    options.consistency = *std::move(config);
    absl::StatusOr<std::unique_ptr<IngestionServer>> server =
        IngestionServer::Start(std::move(options));
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
    stub_ = v1::IngestionService::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    stub_.reset();
    if (server_ != nullptr) server_->Shutdown(std::chrono::milliseconds(0));
  }

  std::unique_ptr<budgetperf::testutil::TempDir> dir_;
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
  ASSERT_THAT(status, IsOk());

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
  std::optional<v1::BlockingFindings> blocking = GetBlockingFindings(FromGrpcStatus(status));
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
  std::optional<v1::BlockingFindings> blocking = GetBlockingFindings(FromGrpcStatus(status));
  ASSERT_TRUE(blocking.has_value());
  EXPECT_GT(blocking->findings_size(), 0);
  EXPECT_GT(blocking->omitted(), 0);
  EXPECT_EQ(blocking->findings_size() + blocking->omitted(), blocking->all_findings().total());
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("more (see the BlockingFindings"));
}

// --- ListEvaluations, one per message and batched ----------------------------

// A listing's messages, and its evaluations in order, read from either form.
struct Listed {
  std::vector<v1::ListEvaluationsResponse> messages;
  std::vector<v1::ListEvaluationsResponse> items;
};

Listed List(v1::IngestionService::Stub* stub, const v1::ListEvaluationsRequest& request) {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::ListEvaluationsResponse>> reader =
      stub->ListEvaluations(&context, request);
  Listed listed;
  v1::ListEvaluationsResponse message;
  while (reader->Read(&message)) {
    listed.messages.push_back(message);
    if (message.batch_size() == 0) {
      listed.items.push_back(message);
    } else {
      listed.items.insert(listed.items.end(), message.batch().begin(), message.batch().end());
    }
  }
  grpc::Status status = reader->Finish();
  EXPECT_THAT(status, IsOk());
  return listed;
}

TEST_F(IngestionServerTest, BatchedListingsListTheSameEvaluationsInTheSameOrder) {
  Restart("");  // nothing blocks
  std::vector<v1::EvaluationPackage> packages;
  const char* divisions[] = {"430602", "430603", "430702"};
  for (int unit = 1; unit <= 7; ++unit) {
    v1::EvaluationPackage package = PackageForUnit(unit, divisions[unit % 3]);
    package.mutable_unit()->set_supervising_department(unit % 2 == 0 ? "岳阳楼区财政局"
                                                                     : "岳阳楼区教育局");
    packages.push_back(package);
  }
  packages.push_back(packages[2]);  // a second version of unit 3
  packages.push_back(PackageForUnit(8, "430602"));
  packages.back().set_year(2024);
  for (const v1::EvaluationPackage& package : packages) {
    v1::SubmitRequest request;
    *request.mutable_package() = package;
    grpc::ClientContext context;
    v1::SubmitResponse response;
    grpc::Status status = stub_->Submit(&context, request, &response);
    ASSERT_THAT(status, IsOk());
  }

  struct Filter {
    int32_t year;
    std::string division;
    std::string department;
    size_t count;
  };
  const Filter filters[] = {
      {2023, "", "", 7},
      {0, "", "", 8},
      {2023, "430600", "", 5},
      {2023, "", "岳阳楼区财政局", 3},
      {2023, "430700", "岳阳楼区教育局", 1},
  };
  for (const Filter& filter : filters) {
    for (v1::EvaluationView view : {v1::EVALUATION_VIEW_FULL, v1::EVALUATION_VIEW_SUMMARY}) {
      SCOPED_TRACE(::testing::Message() << "year " << filter.year << " division \""
                                        << filter.division << "\" department \""
                                        << filter.department << "\" view " << view);
      v1::ListEvaluationsRequest request;
      request.set_year(filter.year);
      request.set_division_code(filter.division);
      request.set_supervising_department(filter.department);
      request.set_view(view);
      const Listed unbatched = List(stub_.get(), request);  // batch 0, as before it existed
      ASSERT_EQ(unbatched.items.size(), filter.count);
      EXPECT_EQ(unbatched.messages.size(), filter.count);
      for (const v1::ListEvaluationsResponse& item : unbatched.items) {
        EXPECT_EQ(item.batch_size(), 0);
        EXPECT_EQ(item.has_evaluation(), view == v1::EVALUATION_VIEW_FULL);
        if (view == v1::EVALUATION_VIEW_FULL) {
          EXPECT_EQ(item.evaluation().package().unit().uscc(), item.summary().uscc());
          EXPECT_EQ(item.evaluation().version(), item.summary().version());
        }
      }
      for (int32_t batch : {1, 3, 5000}) {
        SCOPED_TRACE(::testing::Message() << "batch " << batch);
        request.set_batch(batch);
        const Listed listed = List(stub_.get(), request);
        ASSERT_EQ(listed.items.size(), unbatched.items.size());
        for (size_t i = 0; i < listed.items.size(); ++i) {
          EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(listed.items[i],
                                                                         unbatched.items[i]))
              << "item " << i << ": " << listed.items[i].ShortDebugString() << "\nagainst\n"
              << unbatched.items[i].ShortDebugString();
        }
        // 1: one per message, as batch 0; above: up to `batch` per message
        // (these are small), and nothing else in the message.
        const size_t per_message = static_cast<size_t>(batch);
        EXPECT_EQ(listed.messages.size(), (filter.count + per_message - 1) / per_message);
        for (const v1::ListEvaluationsResponse& message : listed.messages) {
          if (batch == 1) {
            EXPECT_EQ(message.batch_size(), 0);
            continue;
          }
          EXPECT_GT(message.batch_size(), 0);
          EXPECT_LE(message.batch_size(), batch);
          EXPECT_FALSE(message.has_summary());
          EXPECT_FALSE(message.has_evaluation());
          EXPECT_TRUE(message.unit_name().empty());
          EXPECT_TRUE(message.division_code().empty());
        }
      }
    }
  }
  // The version listed is the latest.
  v1::ListEvaluationsRequest request;
  request.set_year(2023);
  request.set_batch(4);
  for (const v1::ListEvaluationsResponse& item : List(stub_.get(), request).items) {
    EXPECT_EQ(item.summary().version(),
              item.summary().uscc() == packages[2].unit().uscc() ? 2 : 1);
  }
}

TEST_F(IngestionServerTest, NegativeBatchIsInvalid) {
  v1::ListEvaluationsRequest request;
  request.set_batch(-2);
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::ListEvaluationsResponse>> reader =
      stub_->ListEvaluations(&context, request);
  v1::ListEvaluationsResponse message;
  EXPECT_FALSE(reader->Read(&message));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace ingestion
}  // namespace budgetperf
