// budget-audit end to end, as cron runs it: real budget-scoring,
// budget-aggregation and budget-ingestion processes on free ports with their
// own data folders; a generated district (岳阳楼区, 8 departments and 100
// units) imported into aggregation's tree and filed for 2022 and 2023 through
// ingestion's SubmitStream; the stored versions applied to aggregation; then
// the real build/bin/budget-audit.
//
//   - With cross-unit and cross-year anomalies planted, it exits 1, its CSV
//     lists exactly those, aggregation counts them per unit and in the
//     district's rollup, a second run replaces rather than adds, and
//     `budgetctl findings --csv` lists the same.
//   - On the clean district it exits 0 with an empty CSV.
//   - With ingestion unreachable it exits 2.

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "budgetperf/v1/aggregation.grpc.pb.h"
#include "budgetperf/v1/ingestion.grpc.pb.h"
#include "common/codes/uscc.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/command.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tools/generator/sample_generator.h"

namespace budgetperf {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using testutil::BinaryPath;
using testutil::CommandRun;
using testutil::FreePort;
using testutil::ReadFile;
using testutil::RunCommand;
using testutil::ServerProcess;
using testutil::TempDir;

constexpr char kDistrict[] = "430602";
constexpr int kYear = 2023;
constexpr int kDepartments = 8;
constexpr int kUnits = 100;

void SetDeadline(grpc::ClientContext* context, int seconds = 60) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
}

// (rule, unit, field) of each line of a findings CSV, sorted; the header is
// checked and left out. Fields of these findings hold no commas or quotes
// before the message, which is all that is read.
using Key = std::tuple<std::string, std::string, std::string>;
std::vector<Key> CsvKeys(const std::string& csv) {
  std::vector<Key> keys;
  std::vector<std::string> lines = absl::StrSplit(csv, "\r\n", absl::SkipEmpty());
  EXPECT_FALSE(lines.empty());
  if (lines.empty()) return keys;
  EXPECT_EQ(lines[0], "unit,rule_id,severity,field,value_found,expected,difference,message");
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> cells = absl::StrSplit(lines[i], absl::MaxSplits(',', 4));
    if (cells.size() < 4) {
      ADD_FAILURE() << "short CSV line: " << lines[i];
      continue;
    }
    keys.emplace_back(cells[1], cells[0], cells[3]);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

// A valid USCC of the district that the generator never makes ("99").
std::string NewUscc() {
  const std::string first17 = "99430602MB0000001";
  return first17 + UsccCheckCharacter(first17).value();
}

class AuditIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TempDir> dir = TempDir::Create("audit");
    ASSERT_THAT(dir, IsOk());
    dir_ = std::make_unique<TempDir>(*std::move(dir));
    district_ = generator_.District(kDistrict, "岳阳楼区", kDepartments, kUnits);
  }

  void TearDown() override {
    ingestion_stub_.reset();
    aggregation_stub_.reset();
    for (auto* server : {&ingestion_, &aggregation_, &scoring_}) {
      if (*server != nullptr) {
        EXPECT_THAT((*server)->Terminate(), IsOk());
      }
    }
  }

  // Starts the three services; ingestion scores through scoring.
  void StartServices() {
    absl::StatusOr<std::unique_ptr<ServerProcess>> scoring =
        ServerProcess::Start(BinaryPath("budget-scoring"), {"--listen=127.0.0.1:0"});
    ASSERT_THAT(scoring, IsOk());
    scoring_ = *std::move(scoring);
    absl::StatusOr<std::unique_ptr<ServerProcess>> aggregation = ServerProcess::Start(
        BinaryPath("budget-aggregation"),
        {"--listen=127.0.0.1:0", "--data=" + dir_->Join("aggregation"), "--no-durable"});
    ASSERT_THAT(aggregation, IsOk());
    aggregation_ = *std::move(aggregation);
    absl::StatusOr<std::unique_ptr<ServerProcess>> ingestion = ServerProcess::Start(
        BinaryPath("budget-ingestion"), {"--listen=127.0.0.1:0", "--data=" + dir_->Join("ingestion"),
                                     "--no-durable", "--scoring=" + scoring_->address()});
    ASSERT_THAT(ingestion, IsOk());
    ingestion_ = *std::move(ingestion);
    aggregation_stub_ = v1::AggregationService::NewStub(
        grpc::CreateChannel(aggregation_->address(), grpc::InsecureChannelCredentials()));
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
    ingestion_stub_ = v1::IngestionService::NewStub(
        grpc::CreateCustomChannel(ingestion_->address(), grpc::InsecureChannelCredentials(), args));
  }

  void ImportTree() {
    v1::ImportOrgCsvRequest request;
    request.set_csv(OrgCsv(district_.org));
    v1::ImportOrgCsvResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    const grpc::Status status = aggregation_stub_->ImportOrgCsv(&context, request, &response);
    ASSERT_THAT(status, IsOk());
    ASSERT_EQ(response.units(), kUnits);
  }

  // The district's clean packages of a year, departments first.
  std::vector<v1::EvaluationPackage> Packages(int year) const {
    std::vector<v1::EvaluationPackage> packages;
    for (const SampleUnit& unit : district_.units) {
      packages.push_back(generator_.Package(unit, year));
    }
    return packages;
  }

  // Files `packages` in one SubmitStream; every one must be stored.
  void Submit(const std::vector<v1::EvaluationPackage>& packages) {
    grpc::ClientContext context;
    SetDeadline(&context, 300);
    v1::SubmitStreamResponse response;
    std::unique_ptr<grpc::ClientWriter<v1::SubmitRequest>> writer =
        ingestion_stub_->SubmitStream(&context, &response);
    for (const v1::EvaluationPackage& package : packages) {
      v1::SubmitRequest request;
      *request.mutable_package() = package;
      if (!writer->Write(request)) break;
    }
    writer->WritesDone();
    const grpc::Status status = writer->Finish();
    ASSERT_THAT(status, IsOk());
    ASSERT_EQ(response.accepted(), static_cast<int>(packages.size()));
  }

  // What ingestion's outbox does in a deployment: every latest version,
  // with its score, applied to aggregation.
  void ApplyToAggregation(int year) {
    v1::ListEvaluationsRequest request;
    request.set_year(year);
    request.set_view(v1::EVALUATION_VIEW_FULL);
    grpc::ClientContext context;
    SetDeadline(&context);
    auto reader = ingestion_stub_->ListEvaluations(&context, request);
    v1::ListEvaluationsResponse listed;
    int applied = 0;
    while (reader->Read(&listed)) {
      v1::ApplyEvaluationRequest apply;
      *apply.mutable_package() = listed.evaluation().package();
      apply.set_version(listed.evaluation().version());
      apply.set_submitted_at_unix_ms(listed.evaluation().submitted_at_unix_ms());
      if (listed.summary().has_scorecard_summary()) {
        *apply.mutable_score() = listed.summary().scorecard_summary();
      }
      grpc::ClientContext apply_context;
      SetDeadline(&apply_context);
      v1::ApplyEvaluationResponse applied_response;
      const grpc::Status status =
          aggregation_stub_->ApplyEvaluation(&apply_context, apply, &applied_response);
      ASSERT_THAT(status, IsOk());
      ++applied;
    }
    const grpc::Status status = reader->Finish();
    ASSERT_THAT(status, IsOk());
    ASSERT_GT(applied, 0);
  }

  // The clean district, filed for both years, tree imported and applied.
  void FileDistrict(const std::vector<v1::EvaluationPackage>& this_year) {
    ASSERT_NO_FATAL_FAILURE(StartServices());
    ASSERT_NO_FATAL_FAILURE(ImportTree());
    ASSERT_NO_FATAL_FAILURE(Submit(Packages(kYear - 1)));
    ASSERT_NO_FATAL_FAILURE(Submit(this_year));
    ASSERT_NO_FATAL_FAILURE(ApplyToAggregation(kYear - 1));
    ASSERT_NO_FATAL_FAILURE(ApplyToAggregation(kYear));
  }

  CommandRun Audit(const std::string& ingestion_address, const std::string& csv) {
    return RunCommand(
        *dir_, BinaryPath("budget-audit"),
        {"--ingestion=" + ingestion_address, "--aggregation=" + aggregation_->address(),
         "--node=430602", absl::StrCat("--year=", kYear), "--csv", csv, "--timeout=30"});
  }

  v1::FindingCounts DistrictFindings() {
    v1::GetRollupRequest request;
    request.set_node_code(kDistrict);
    request.set_year(kYear);
    v1::GetRollupResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    const grpc::Status status = aggregation_stub_->GetRollup(&context, request, &response);
    EXPECT_THAT(status, IsOk());
    return response.rollup().measures().findings();
  }

  const SampleUnit& Unit(int index) const { return district_.units[static_cast<size_t>(index)]; }

  SampleGenerator generator_{6};
  SampleDistrict district_;
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<ServerProcess> scoring_, aggregation_, ingestion_;
  std::unique_ptr<v1::AggregationService::Stub> aggregation_stub_;
  std::unique_ptr<v1::IngestionService::Stub> ingestion_stub_;
};

TEST_F(AuditIntegrationTest, PlantedAnomaliesExitOneAndAreRecorded) {
  std::vector<v1::EvaluationPackage> packages = Packages(kYear);
  std::vector<Key> planted;
  // Unit 21 files under unit 20's code (which then holds unit 21's package).
  packages[20] = generator_.Package(Unit(21), kYear);
  packages[20].mutable_unit()->set_uscc(Unit(20).uscc);
  planted.emplace_back("U-01", Unit(20).uscc, "unit.name");
  // Unit 30's package filed again under a code the tree does not know.
  packages.push_back(packages[30]);
  packages.back().mutable_unit()->set_uscc(NewUscc());
  planted.emplace_back("U-06", NewUscc(), "unit.uscc");
  // Public funds per staff member ten times its peers'.
  v1::CostControlRow* funds =
      packages[40].mutable_basic_data()->mutable_public_funds()->mutable_total();
  funds->set_final_fen(funds->final_fen() * 10);
  planted.emplace_back("U-03", Unit(40).uscc, "basic_data.public_funds.total.final_fen");
  // A prior-year column that is not last year's filing.
  v1::CostControlRow* office =
      packages[50].mutable_basic_data()->mutable_public_funds()->mutable_office();
  office->set_prior_year_final_fen(office->prior_year_final_fen() + 1'000'000);
  planted.emplace_back("Y-01", Unit(50).uscc,
                       "basic_data.public_funds.office.prior_year_final_fen");
  // Stated changes that do not match the two years' figures.
  v1::IncomeReport* income = packages[60].mutable_report()->mutable_income();
  income->set_change_from_prior_year_fen(income->change_from_prior_year_fen() + 2'000'000);
  planted.emplace_back("Y-02", Unit(60).uscc, "report.income.change_from_prior_year_fen");
  v1::FunctionalSpending* function =
      packages[70].mutable_report()->mutable_expenditure()->mutable_by_function(0);
  function->set_change_from_prior_year_fen(function->change_from_prior_year_fen() + 1'000'000);
  planted.emplace_back("Y-03", Unit(70).uscc,
                       "report.expenditure.by_function[0].change_from_prior_year_fen");
  std::sort(planted.begin(), planted.end());
  ASSERT_NO_FATAL_FAILURE(FileDistrict(packages));

  const std::string csv = dir_->Join("audit.csv");
  const CommandRun run = Audit(ingestion_->address(), csv);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_THAT(CsvKeys(ReadFile(csv)), ElementsAreArray(planted)) << ReadFile(csv);
  EXPECT_THAT(run.out, HasSubstr("budget-audit: 430602 岳阳楼区, 2023: 109 packages audited"));
  EXPECT_THAT(run.out, HasSubstr("recorded in aggregation for 109 units"));

  // Aggregation counts them: the district's rollup, and each unit's own.
  const v1::FindingCounts counts = DistrictFindings();
  EXPECT_EQ(counts.total(), 6);
  EXPECT_EQ(counts.error(), 5);    // U-01, U-06, Y-01, Y-02, Y-03
  EXPECT_EQ(counts.warning(), 1);  // U-03
  v1::GetFindingsRequest request;
  request.set_code(Unit(20).uscc);
  request.set_year(kYear);
  v1::GetFindingsResponse response;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_THAT(aggregation_stub_->GetFindings(&context, request, &response), IsOk());
  }
  ASSERT_EQ(response.sources_size(), 2);
  EXPECT_EQ(response.sources(0).source(), "cross-unit");
  ASSERT_EQ(response.sources(0).findings_size(), 1);
  EXPECT_EQ(response.sources(0).findings(0).rule_id(), "U-01");
  EXPECT_EQ(response.sources(1).source(), "cross-year");
  EXPECT_EQ(response.sources(1).counts().total(), 0);

  // A second run replaces the first run's findings rather than adding to them.
  const CommandRun again = Audit(ingestion_->address(), csv);
  EXPECT_EQ(again.exit_code, 1) << again.out << again.err;
  EXPECT_EQ(DistrictFindings().total(), 6);

  // budgetctl lists what aggregation recorded.
  const CommandRun listed =
      RunCommand(*dir_, BinaryPath("budgetctl"),
                 {"findings", "--aggregation=" + aggregation_->address(), "--node", kDistrict,
                  "--year", absl::StrCat(kYear), "--csv"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(CsvKeys(listed.out), ElementsAreArray(planted)) << listed.out;
  const CommandRun table = RunCommand(*dir_, BinaryPath("budgetctl"),
                                      {"findings", "--aggregation=" + aggregation_->address(),
                                       "--node", kDistrict, "--year", absl::StrCat(kYear)});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("5 错误 error, 1 警告 warning"));
}

TEST_F(AuditIntegrationTest, CleanDistrictExitsZero) {
  ASSERT_NO_FATAL_FAILURE(FileDistrict(Packages(kYear)));
  const std::string csv = dir_->Join("audit.csv");
  const CommandRun run = Audit(ingestion_->address(), csv);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(ReadFile(csv),
            "unit,rule_id,severity,field,value_found,expected,difference,message\r\n");
  EXPECT_THAT(run.out, HasSubstr("108 packages audited (tree: 8 departments, 100 units; "
                                 "108 packages of 2022 to compare with; 0 not scored yet)"));
  EXPECT_EQ(DistrictFindings().total(), 0);
}

TEST_F(AuditIntegrationTest, UnreachableIngestionExitsTwo) {
  ASSERT_NO_FATAL_FAILURE(StartServices());
  ASSERT_NO_FATAL_FAILURE(ImportTree());
  const int port = FreePort();
  ASSERT_GT(port, 0);
  const CommandRun run = Audit(absl::StrCat("127.0.0.1:", port), dir_->Join("audit.csv"));
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr("ingestion at 127.0.0.1:"));
  // An unknown node is a failure too.
  const CommandRun unknown =
      RunCommand(*dir_, BinaryPath("budget-audit"),
                 {"--ingestion=" + ingestion_->address(),
                  "--aggregation=" + aggregation_->address(), "--node=999999", "--year=2023"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.out << unknown.err;
}

}  // namespace
}  // namespace budgetperf
