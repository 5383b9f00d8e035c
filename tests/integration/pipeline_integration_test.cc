// The pipeline as an operator runs it: real budget-scoring, budget-aggregation
// and budget-ingestion processes on free ports with their own data folders.
// Units file through ingestion; its outbox delivers every stored version (and
// its score) to aggregation; the district's rollup must equal the sums
// computed here from the packages filed, whether aggregation was up all
// along, not started yet, or killed while units were filing.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "budgetperf/v1/aggregation.grpc.pb.h"
#include "budgetperf/v1/ingestion.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/command.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tools/generator/sample_generator.h"

namespace budgetperf {
namespace {

using testutil::BinaryPath;
using testutil::FreePort;
using testutil::ServerProcess;
using testutil::TempDir;

constexpr char kDistrict[] = "430602";
constexpr int kYear = 2023;
// 3 departments (which file too) and 27 units: 30 packages.
constexpr int kDepartments = 3;
constexpr int kUnits = 27;
// How long the rollups may take to catch up: delivery backs off up to 30 s
// per record while aggregation is down.
constexpr absl::Duration kConvergence = absl::Seconds(90);

void SetDeadline(grpc::ClientContext* context, int seconds = 30) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
}

// What the district's rollup must show, summed here from the latest version
// each unit filed.
struct Expected {
  int64_t filed = 0;
  int64_t scored = 0;
  int64_t executed_fen = 0;
  int64_t full_year_budget_fen = 0;
  int64_t findings = 0;
  int64_t error_findings = 0;

  bool operator==(const Expected& o) const {
    return filed == o.filed && scored == o.scored && executed_fen == o.executed_fen &&
           full_year_budget_fen == o.full_year_budget_fen && findings == o.findings &&
           error_findings == o.error_findings;
  }
};

std::ostream& operator<<(std::ostream& os, const Expected& e) {
  return os << "{filed " << e.filed << ", scored " << e.scored << ", executed " << e.executed_fen
            << " fen, full-year budget " << e.full_year_budget_fen << " fen, findings "
            << e.findings << " (errors " << e.error_findings << ")}";
}

// One unit's latest filing, as ingestion answered it.
struct Filing {
  v1::EvaluationPackage package;
  v1::SubmitResponse response;
};

Expected Sum(const std::vector<Filing>& filings) {
  Expected e;
  for (const Filing& f : filings) {
    ++e.filed;
    if (f.response.scoring_status() == v1::SCORED) ++e.scored;
    e.executed_fen += f.package.overall().funds().amounts().executed_fen();
    e.full_year_budget_fen += f.package.overall().funds().amounts().full_year_budget_fen();
    e.findings += f.response.finding_counts().total();
    e.error_findings += f.response.finding_counts().error();
  }
  return e;
}

class PipelineIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TempDir> dir = TempDir::Create("pipeline-it");
    ASSERT_THAT(dir, IsOk());
    dir_ = std::make_unique<TempDir>(*std::move(dir));
    const SampleGenerator generator(20230602);
    district_ = generator.District(kDistrict, "岳阳楼区", kDepartments, kUnits);
    ASSERT_EQ(district_.units.size(), static_cast<size_t>(kDepartments + kUnits));
    for (const SampleUnit& unit : district_.units) {
      // About one in four carries a planted mistake, so that findings travel
      // too.
      packages_.push_back(
          generator.Package(unit, kYear, generator.PlantedAnomaly(unit, kYear, 4)));
    }
  }

  void TearDown() override {
    ingestion_stub_.reset();
    aggregation_stub_.reset();
    if (ingestion_ != nullptr) {
      EXPECT_THAT(ingestion_->Terminate(), IsOk());
    }
    if (aggregation_ != nullptr) {
      EXPECT_THAT(aggregation_->Terminate(), IsOk());
    }
    if (scoring_ != nullptr) {
      EXPECT_THAT(scoring_->Terminate(), IsOk());
    }
  }

  std::unique_ptr<ServerProcess> Start(const std::string& binary, std::vector<std::string> args) {
    absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start(BinaryPath(binary), args);
    EXPECT_THAT(server, IsOk()) << binary << ": " << server.status();
    return server.ok() ? *std::move(server) : nullptr;
  }

  void StartScoring(const std::string& listen = "127.0.0.1:0") {
    scoring_ = Start("budget-scoring", {"--listen=" + listen});
    ASSERT_NE(scoring_, nullptr);
  }

  // Starts aggregation on `listen` with the test's aggregation data folder
  // (kept across restarts).
  void StartAggregation(const std::string& listen = "127.0.0.1:0") {
    aggregation_ = Start("budget-aggregation",
                         {"--listen=" + listen, "--data=" + dir_->Join("aggregation")});
    ASSERT_NE(aggregation_, nullptr);
    aggregation_stub_ = v1::AggregationService::NewStub(
        grpc::CreateChannel(aggregation_->address(), grpc::InsecureChannelCredentials()));
  }

  // Starts ingestion, scoring at `scoring_address` (by default the scoring
  // server started), delivering to `aggregation_address`.
  void StartIngestion(const std::string& aggregation_address,
                      std::string scoring_address = "") {
    if (scoring_address.empty()) scoring_address = scoring_->address();
    ingestion_ = Start("budget-ingestion",
                       {"--listen=127.0.0.1:0", "--data=" + dir_->Join("ingestion"),
                        "--scoring=" + scoring_address, "--aggregation=" + aggregation_address,
                        "--scoring-deadline-ms=2000", "--durable=false"});
    ASSERT_NE(ingestion_, nullptr);
    ingestion_stub_ = v1::IngestionService::NewStub(
        grpc::CreateChannel(ingestion_->address(), grpc::InsecureChannelCredentials()));
  }

  void ImportTree() {
    v1::ImportOrgCsvRequest request;
    request.set_csv(OrgCsv(district_.org));
    v1::ImportOrgCsvResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = aggregation_stub_->ImportOrgCsv(&context, request, &response);
    ASSERT_THAT(status, IsOk());
    EXPECT_EQ(response.units(), kUnits);  // UNIT rows; departments are DEPARTMENT rows
  }

  // Files `package` and keeps it as the unit's latest filing.
  void File(size_t unit, const v1::EvaluationPackage& package) {
    v1::SubmitRequest request;
    *request.mutable_package() = package;
    Filing filing;
    filing.package = package;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = ingestion_stub_->Submit(&context, request, &filing.response);
    ASSERT_THAT(status, IsOk());
    EXPECT_EQ(filing.response.scoring_status(),
              scoring_ != nullptr ? v1::SCORED : v1::SCORING_PENDING);
    if (filings_.size() <= unit) filings_.resize(unit + 1);
    filings_[unit] = std::move(filing);
  }

  void FileAll() {
    for (size_t i = 0; i < packages_.size(); ++i) File(i, packages_[i]);
  }

  // The district's rollup as the same figures Expected holds.
  absl::StatusOr<Expected> Rollup(const std::string& code = kDistrict) {
    v1::GetRollupRequest request;
    request.set_node_code(code);
    request.set_year(kYear);
    v1::GetRollupResponse response;
    grpc::ClientContext context;
    SetDeadline(&context, 10);
    grpc::Status status = aggregation_stub_->GetRollup(&context, request, &response);
    if (!status.ok()) return absl::UnknownError(status.error_message());
    const v1::RollupMeasures& m = response.rollup().measures();
    Expected e;
    e.filed = m.units().filed();
    e.scored = m.units().scored();
    e.executed_fen = m.funds().executed_fen();
    e.full_year_budget_fen = m.funds().full_year_budget_fen();
    e.findings = m.findings().total();
    e.error_findings = m.findings().error();
    return e;
  }

  // Polls the district's rollup until it equals `expected` (then checks
  // that it stays so: a late duplicate would show) or kConvergence passes.
  void ExpectConverges(const Expected& expected) {
    const absl::Time deadline = absl::Now() + kConvergence;
    absl::StatusOr<Expected> seen = Rollup();
    while (absl::Now() < deadline && !(seen.ok() && *seen == expected)) {
      absl::SleepFor(absl::Milliseconds(200));
      seen = Rollup();
    }
    ASSERT_THAT(seen, IsOk());
    ASSERT_EQ(*seen, expected);
    absl::SleepFor(absl::Seconds(1));
    seen = Rollup();
    ASSERT_THAT(seen, IsOk());
    EXPECT_EQ(*seen, expected) << "the rollup moved after converging";
  }

  // `package` refiled with 执行数 changed by `delta_fen` (and the budget with
  // it, so that the package stays plausible).
  static v1::EvaluationPackage Changed(v1::EvaluationPackage package, int64_t delta_fen) {
    v1::FundsColumns* amounts = package.mutable_overall()->mutable_funds()->mutable_amounts();
    amounts->set_executed_fen(amounts->executed_fen() + delta_fen);
    amounts->set_full_year_budget_fen(amounts->full_year_budget_fen() + delta_fen);
    return package;
  }

  std::unique_ptr<TempDir> dir_;
  SampleDistrict district_;
  std::vector<v1::EvaluationPackage> packages_;
  std::vector<Filing> filings_;  // by unit index: the latest filing
  std::unique_ptr<ServerProcess> scoring_;
  std::unique_ptr<ServerProcess> aggregation_;
  std::unique_ptr<ServerProcess> ingestion_;
  std::unique_ptr<v1::IngestionService::Stub> ingestion_stub_;
  std::unique_ptr<v1::AggregationService::Stub> aggregation_stub_;
};

TEST_F(PipelineIntegrationTest, FilingsRollUpAndAResubmissionMovesTheRollupByItsDifference) {
  StartScoring();
  StartAggregation();
  StartIngestion(aggregation_->address());
  ImportTree();
  FileAll();

  const Expected first = Sum(filings_);
  ASSERT_EQ(first.filed, kDepartments + kUnits);
  ASSERT_EQ(first.scored, kDepartments + kUnits);
  ASSERT_GT(first.error_findings, 0) << "no planted mistake: the findings are not exercised";
  ExpectConverges(first);

  // A unit's own rollup is its package.
  const size_t unit = 7;
  absl::StatusOr<Expected> own = Rollup(district_.units[unit].uscc);
  ASSERT_THAT(own, IsOk());
  EXPECT_EQ(own->filed, 1);
  EXPECT_EQ(own->executed_fen, packages_[unit].overall().funds().amounts().executed_fen());

  // Refiled with 12.345678万元 more executed: version 2 replaces version 1.
  constexpr int64_t kDelta = 123'456'78;
  File(unit, Changed(packages_[unit], kDelta));
  EXPECT_EQ(filings_[unit].response.version(), 2);
  const Expected second = Sum(filings_);
  EXPECT_EQ(second.executed_fen - first.executed_fen, kDelta);
  EXPECT_EQ(second.filed, first.filed);
  ExpectConverges(second);
}

TEST_F(PipelineIntegrationTest, AggregationDownWhileFilingConvergesWithoutLossOrDoubleCount) {
  const int port = FreePort();
  ASSERT_GT(port, 0);
  const std::string aggregation_address = absl::StrCat("127.0.0.1:", port);
  StartScoring();
  // Aggregation not started yet: filing goes on; the outbox keeps the
  // deliveries.
  StartIngestion(aggregation_address);
  FileAll();

  StartAggregation(aggregation_address);
  ImportTree();
  ExpectConverges(Sum(filings_));

  // Killed (no goodbye) while a third of the units refile with new figures.
  aggregation_stub_.reset();
  aggregation_->Kill9();
  ASSERT_EQ(aggregation_->Wait(), 137);
  for (size_t unit = 0; unit < filings_.size(); unit += 3) {
    File(unit, Changed(filings_[unit].package, 1'000'000 * static_cast<int64_t>(unit + 1)));
    EXPECT_EQ(filings_[unit].response.version(), 2);
  }
  // Long enough for the outbox to find aggregation down and back off.
  absl::SleepFor(absl::Seconds(2));

  StartAggregation(aggregation_address);
  const Expected expected = Sum(filings_);
  EXPECT_EQ(expected.filed, kDepartments + kUnits);
  ExpectConverges(expected);
}

TEST_F(PipelineIntegrationTest, VersionsScoredLaterReachTheRollupWithTheirScore) {
  const int port = FreePort();
  ASSERT_GT(port, 0);
  const std::string scoring_address = absl::StrCat("127.0.0.1:", port);
  StartAggregation();
  ImportTree();
  // Scoring not started: every version is stored pending and delivered
  // without a score.
  StartIngestion(aggregation_->address(), scoring_address);
  FileAll();
  Expected unscored = Sum(filings_);
  ASSERT_EQ(unscored.scored, 0);
  ExpectConverges(unscored);

  // Scored from the outbox; each score is delivered again for the same
  // version, which aggregation takes (nothing else moves).
  StartScoring(scoring_address);
  Expected scored = unscored;
  scored.scored = kDepartments + kUnits;
  ExpectConverges(scored);
}

}  // namespace
}  // namespace budgetperf
