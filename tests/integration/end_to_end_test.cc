// The whole suite end to end, twice: one scenario run against the split
// deployment (budget-scoring, budget-aggregation, budget-ingestion as three
// processes talking real gRPC, the outbox delivering to aggregation) and
// against budgetd (the same services in one process), each followed by the
// real budget-audit. Both must give the same answers, byte for byte: the
// district's rollups, its drilldown and coverage, the stored evaluations
// with their scorecards, the findings recorded per unit, and the audit's
// exit code, summary and CSV.
//
// The scenario: a generated district (岳阳楼区: 3 departments, which file
// too, and 12 units) imported from its CSV, filed for 2022 and 2023 with the
// generator's planted package anomalies and two cross-year ones, every
// package delivered (polled until the rollups show them all), then the
// audit of 2023.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "budgetperf/v1/aggregation.grpc.pb.h"
#include "budgetperf/v1/ingestion.grpc.pb.h"
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
using testutil::BinaryPath;
using testutil::CommandRun;
using testutil::FreePort;
using testutil::ReadFile;
using testutil::RunCommand;
using testutil::ServerProcess;
using testutil::TempDir;

constexpr char kDistrict[] = "430602";
constexpr int kPriorYear = 2022;
constexpr int kYear = 2023;
constexpr int kDepartments = 3;
constexpr int kUnits = 12;
constexpr int kFilers = kDepartments + kUnits;
// How long delivery may take before the test gives up (it takes well under a
// second; this only bounds a hung run).
constexpr absl::Duration kDeliveryLimit = absl::Seconds(60);

void SetDeadline(grpc::ClientContext* context, int seconds = 30) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
}

// Where a deployment answers: budgetd answers both on one address.
struct Endpoints {
  std::string ingestion;
  std::string aggregation;
};

// What one run of the scenario saw. Everything here must be equal between
// the deployments.
struct Outcome {
  int audit_exit_code = -1;
  std::string audit_csv;
  // budget-audit's stdout, without the line naming the CSV's path.
  std::string audit_summary;
  std::map<int, v1::Rollup> district_rollups;  // by year, after the audit
  v1::DrilldownResponse drilldown;             // of the district in kYear
  v1::CoverageResponse coverage;               // of the district in kYear
  // By USCC, kYear: the latest stored evaluation (package as normalised,
  // status, scorecard, package findings) without its timestamps.
  std::map<std::string, v1::StoredEvaluation> evaluations;
  // By USCC, kYear: the findings aggregation holds for the unit.
  std::map<std::string, v1::GetFindingsResponse> findings;
};

// `a` and `b` equal field by field, else a failure naming `what` and the
// differences.
void ExpectSame(const google::protobuf::Message& a, const google::protobuf::Message& b,
                const std::string& what) {
  MessageDifferencer differencer;
  std::string differences;
  differencer.ReportDifferencesToString(&differences);
  EXPECT_TRUE(differencer.Compare(a, b)) << what << " differs (split vs budgetd):\n" << differences;
}

class EndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    district_ = generator_.District(kDistrict, "岳阳楼区", kDepartments, kUnits);
    ASSERT_EQ(district_.units.size(), static_cast<size_t>(kFilers));
    for (int year : {kPriorYear, kYear}) {
      std::vector<v1::EvaluationPackage>& packages = packages_[year];
      for (const SampleUnit& unit : district_.units) {
        // About one package in four carries a planted mistake the package
        // rules find at Submit.
        packages.push_back(
            generator_.Package(unit, year, generator_.PlantedAnomaly(unit, year, 4)));
      }
    }
    // Two cross-year mistakes for the audit: a prior-year column that is not
    // last year's filing (Y-01), and a stated change in income that does not
    // match the two years' figures (Y-02).
    std::vector<v1::EvaluationPackage>& this_year = packages_[kYear];
    v1::CostControlRow* office =
        this_year[5].mutable_basic_data()->mutable_public_funds()->mutable_office();
    office->set_prior_year_final_fen(office->prior_year_final_fen() + 1'000'000);
    v1::IncomeReport* income = this_year[9].mutable_report()->mutable_income();
    income->set_change_from_prior_year_fen(income->change_from_prior_year_fen() + 2'000'000);
  }

  // Starts budget-scoring, budget-aggregation (reading ingestion for
  // Recompute) and budget-ingestion (scoring through scoring, delivering to
  // aggregation) with data folders under `dir`.
  absl::StatusOr<Endpoints> StartSplit(const TempDir& dir) {
    auto scoring = ServerProcess::Start(BinaryPath("budget-scoring"), {"--listen=127.0.0.1:0"});
    if (!scoring.ok()) return scoring.status();
    servers_.push_back(*std::move(scoring));
    const std::string scoring_address = servers_.back()->address();
    // Aggregation and ingestion name each other: ingestion's port is picked
    // first.
    const int ingestion_port = FreePort();
    if (ingestion_port <= 0) return absl::UnavailableError("no free port");
    const std::string ingestion_address = absl::StrCat("127.0.0.1:", ingestion_port);
    auto aggregation = ServerProcess::Start(
        BinaryPath("budget-aggregation"), {"--listen=127.0.0.1:0", "--data=" + dir.Join("aggregation"),
                                       "--ingestion=" + ingestion_address, "--no-durable"});
    if (!aggregation.ok()) return aggregation.status();
    servers_.push_back(*std::move(aggregation));
    const std::string aggregation_address = servers_.back()->address();
    auto ingestion = ServerProcess::Start(
        BinaryPath("budget-ingestion"),
        {"--listen=" + ingestion_address, "--data=" + dir.Join("ingestion"),
         "--scoring=" + scoring_address, "--aggregation=" + aggregation_address, "--no-durable"});
    if (!ingestion.ok()) return ingestion.status();
    servers_.push_back(*std::move(ingestion));
    return Endpoints{servers_.back()->address(), aggregation_address};
  }

  // Starts budgetd on a data folder under `dir`.
  absl::StatusOr<Endpoints> StartBudgetd(const TempDir& dir) {
    auto budgetd = ServerProcess::Start(
        BinaryPath("budgetd"), {"--listen=127.0.0.1:0", "--data=" + dir.Join("data"), "--no-durable"});
    if (!budgetd.ok()) return budgetd.status();
    servers_.push_back(*std::move(budgetd));
    return Endpoints{servers_.back()->address(), servers_.back()->address()};
  }

  // SIGTERM to every server started, newest first; each must exit 0.
  void StopServers() {
    while (!servers_.empty()) {
      EXPECT_THAT(servers_.back()->Terminate(), IsOk());
      servers_.pop_back();
    }
  }

  void TearDown() override { StopServers(); }

  // The scenario against `at`, with the audit's files in `dir`.
  void RunScenario(const Endpoints& at, const TempDir& dir, Outcome* out) {
    auto ingestion = v1::IngestionService::NewStub(
        grpc::CreateChannel(at.ingestion, grpc::InsecureChannelCredentials()));
    auto aggregation = v1::AggregationService::NewStub(
        grpc::CreateChannel(at.aggregation, grpc::InsecureChannelCredentials()));

    {
      v1::ImportOrgCsvRequest request;
      request.set_csv(OrgCsv(district_.org));
      v1::ImportOrgCsvResponse response;
      grpc::ClientContext context;
      SetDeadline(&context);
      const grpc::Status status = aggregation->ImportOrgCsv(&context, request, &response);
      ASSERT_THAT(status, IsOk());
      ASSERT_EQ(response.units(), kUnits);
    }

    // Every package filed, last year's first; what the package rules found
    // is summed to know when aggregation has everything.
    std::map<int, int64_t> package_findings;
    for (int year : {kPriorYear, kYear}) {
      for (const v1::EvaluationPackage& package : packages_[year]) {
        v1::SubmitRequest request;
        *request.mutable_package() = package;
        v1::SubmitResponse response;
        grpc::ClientContext context;
        SetDeadline(&context);
        const grpc::Status status = ingestion->Submit(&context, request, &response);
        ASSERT_THAT(status, IsOk()) << package.unit().name() << ": " << status.error_message();
        ASSERT_EQ(response.version(), 1);
        ASSERT_EQ(response.scoring_status(), v1::SCORED) << package.unit().name();
        package_findings[year] += response.finding_counts().total();
      }
    }
    ASSERT_GT(package_findings[kYear], 0) << "no planted anomaly: findings are not exercised";

    // Delivered: each year's district rollup counts every package, scored,
    // with its findings.
    for (int year : {kPriorYear, kYear}) {
      const absl::Time give_up = absl::Now() + kDeliveryLimit;
      v1::Rollup rollup;
      while (true) {
        ASSERT_NO_FATAL_FAILURE(GetRollup(aggregation.get(), year, &rollup));
        const v1::RollupMeasures& m = rollup.measures();
        if (m.units().filed() == kFilers && m.units().scored() == kFilers &&
            m.findings().total() == package_findings[year]) {
          break;
        }
        ASSERT_LT(absl::Now(), give_up) << "not delivered: " << rollup.ShortDebugString();
        absl::SleepFor(absl::Milliseconds(100));
      }
    }

    // The audit, as cron runs it.
    const std::string csv = dir.Join("audit.csv");
    const CommandRun audit =
        RunCommand(dir, BinaryPath("budget-audit"),
                   {"--ingestion=" + at.ingestion, "--aggregation=" + at.aggregation,
                    absl::StrCat("--node=", kDistrict), absl::StrCat("--year=", kYear),
                    "--csv=" + csv, "--timeout=60"});
    out->audit_exit_code = audit.exit_code;
    out->audit_csv = ReadFile(csv);
    for (absl::string_view line : absl::StrSplit(audit.out, '\n')) {
      if (absl::StartsWith(line, "CSV written to ")) continue;
      absl::StrAppend(&out->audit_summary, line, "\n");
    }
    EXPECT_TRUE(audit.err.empty()) << audit.err;

    // What the bureau reads afterwards.
    for (int year : {kPriorYear, kYear}) {
      ASSERT_NO_FATAL_FAILURE(GetRollup(aggregation.get(), year, &out->district_rollups[year]));
    }
    {
      v1::DrilldownRequest request;
      request.set_node_code(kDistrict);
      request.set_year(kYear);
      grpc::ClientContext context;
      SetDeadline(&context);
      const grpc::Status status = aggregation->Drilldown(&context, request, &out->drilldown);
      ASSERT_THAT(status, IsOk());
    }
    {
      v1::CoverageRequest request;
      request.set_node_code(kDistrict);
      request.set_year(kYear);
      grpc::ClientContext context;
      SetDeadline(&context);
      const grpc::Status status = aggregation->Coverage(&context, request, &out->coverage);
      ASSERT_THAT(status, IsOk());
    }
    for (const SampleUnit& unit : district_.units) {
      v1::GetEvaluationRequest get;
      get.set_uscc(unit.uscc);
      get.set_year(kYear);
      v1::GetEvaluationResponse evaluation;
      grpc::ClientContext get_context;
      SetDeadline(&get_context);
      grpc::Status status = ingestion->GetEvaluation(&get_context, get, &evaluation);
      ASSERT_THAT(status, IsOk()) << unit.name << ": " << status.error_message();
      v1::StoredEvaluation& stored = out->evaluations[unit.uscc];
      stored = evaluation.evaluation();
      // When it happened differs between runs; what happened must not.
      stored.clear_submitted_at_unix_ms();
      stored.clear_scored_at_unix_ms();

      v1::GetFindingsRequest request;
      request.set_code(unit.uscc);
      request.set_year(kYear);
      grpc::ClientContext findings_context;
      SetDeadline(&findings_context);
      status = aggregation->GetFindings(&findings_context, request, &out->findings[unit.uscc]);
      ASSERT_THAT(status, IsOk()) << unit.name << ": " << status.error_message();
      for (v1::SourceFindings& source : *out->findings[unit.uscc].mutable_sources()) {
        source.clear_recorded_at_unix_ms();
      }
    }
  }

  void GetRollup(v1::AggregationService::Stub* aggregation, int year, v1::Rollup* rollup) {
    v1::GetRollupRequest request;
    request.set_node_code(kDistrict);
    request.set_year(year);
    v1::GetRollupResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    const grpc::Status status = aggregation->GetRollup(&context, request, &response);
    ASSERT_THAT(status, IsOk());
    *rollup = response.rollup();
  }

  const SampleGenerator generator_{20231231};
  SampleDistrict district_;
  std::map<int, std::vector<v1::EvaluationPackage>> packages_;  // by year, filers' order
  std::vector<std::unique_ptr<ServerProcess>> servers_;
};

TEST_F(EndToEndTest, SplitServicesAndBudgetdGiveTheSameResults) {
  absl::StatusOr<TempDir> split_dir = TempDir::Create("e2e-split");
  ASSERT_THAT(split_dir, IsOk());
  absl::StatusOr<TempDir> budgetd_dir = TempDir::Create("e2e-budgetd");
  ASSERT_THAT(budgetd_dir, IsOk());

  Outcome split;
  {
    absl::StatusOr<Endpoints> at = StartSplit(*split_dir);
    ASSERT_THAT(at, IsOk());
    ASSERT_NO_FATAL_FAILURE(RunScenario(*at, *split_dir, &split));
    StopServers();
  }
  Outcome embedded;
  {
    absl::StatusOr<Endpoints> at = StartBudgetd(*budgetd_dir);
    ASSERT_THAT(at, IsOk());
    ASSERT_NO_FATAL_FAILURE(RunScenario(*at, *budgetd_dir, &embedded));
    StopServers();
  }

  // The scenario did what it is for: the audit found the planted
  // cross-year errors (exit 1) and aggregation rolled up every filer.
  EXPECT_EQ(split.audit_exit_code, 1) << split.audit_summary;
  EXPECT_NE(split.audit_csv.find(",Y-01,"), std::string::npos) << split.audit_csv;
  EXPECT_NE(split.audit_csv.find(",Y-02,"), std::string::npos) << split.audit_csv;
  EXPECT_EQ(split.district_rollups[kYear].measures().units().filed(), kFilers);
  // Departments file their own packages and are expected to: all filed is
  // 100%, not 15 of 12.
  EXPECT_EQ(split.district_rollups[kYear].measures().units().expected(), kFilers);
  EXPECT_EQ(split.district_rollups[kYear].measures().units().filed_share_bp(), 10000);
  EXPECT_EQ(split.drilldown.total_children(), kDepartments);

  // And both deployments agree on all of it.
  EXPECT_EQ(split.audit_exit_code, embedded.audit_exit_code);
  EXPECT_EQ(split.audit_csv, embedded.audit_csv);
  EXPECT_EQ(split.audit_summary, embedded.audit_summary);
  for (int year : {kPriorYear, kYear}) {
    ExpectSame(split.district_rollups[year], embedded.district_rollups[year],
               absl::StrCat("the district's rollup of ", year));
  }
  ExpectSame(split.drilldown, embedded.drilldown, "the district's drilldown");
  ExpectSame(split.coverage, embedded.coverage, "the district's coverage");
  ASSERT_EQ(split.evaluations.size(), embedded.evaluations.size());
  for (const auto& [uscc, evaluation] : split.evaluations) {
    ExpectSame(evaluation, embedded.evaluations[uscc], "the evaluation of " + uscc);
    EXPECT_TRUE(evaluation.has_scorecard()) << uscc;
  }
  ASSERT_EQ(split.findings.size(), embedded.findings.size());
  for (const auto& [uscc, findings] : split.findings) {
    ExpectSame(findings, embedded.findings[uscc], "the findings of " + uscc);
  }
}

}  // namespace
}  // namespace budgetperf
