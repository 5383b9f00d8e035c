// AuditJob::Record against a fake aggregation: many units per
// RecordFindingsBatch call, and one RecordFindings per unit and source
// against a server that does not have the batch call.

#include "services/consistency/audit_job.h"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/server/grpc_server.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_aggregation.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace {

// A fake aggregation that knows the units of `known`; with `batch` false it
// has no RecordFindingsBatch (an older server).
FakeAggregationService::Options Knowing(const std::vector<std::string>& known, bool batch) {
  FakeAggregationService::Options options;
  options.known_units.insert(known.begin(), known.end());
  options.batch = batch;
  return options;
}

// 2,500 units (more than one batch), every third unknown to aggregation,
// with a cross-unit finding for unit 1 and a cross-year one for unit 2.
AuditRun MakeRun(std::vector<std::string>* known) {
  AuditRun run;
  run.year = 2023;
  for (int i = 0; i < 2500; ++i) {
    run.units.push_back("U" + std::to_string(10000 + i));
    if (i % 3 != 0) known->push_back(run.units.back());
  }
  v1::Finding cross_unit;
  cross_unit.set_unit_uscc(run.units[1]);
  cross_unit.set_scope(v1::RULE_SCOPE_CROSS_UNIT);
  run.findings.push_back(cross_unit);
  v1::Finding cross_year;
  cross_year.set_unit_uscc(run.units[2]);
  cross_year.set_scope(v1::RULE_SCOPE_CROSS_YEAR);
  run.findings.push_back(cross_year);
  return run;
}

void ExpectRecorded(const AuditRun& run, const FakeAggregationService& fake) {
  EXPECT_EQ(run.recorded_units, 1666);
  ASSERT_EQ(run.unrecorded_units.size(), 834u);
  EXPECT_EQ(run.unrecorded_units[0], run.units[0]);
  EXPECT_EQ(run.unrecorded_units[1], run.units[3]);
  const auto recorded = fake.recorded();
  EXPECT_EQ(recorded.size(), 2u * 1666);  // both sources of every known unit
  EXPECT_EQ(recorded.at({run.units[1], kCrossUnitSource}), 1);
  EXPECT_EQ(recorded.at({run.units[1], kCrossYearSource}), 0);
  EXPECT_EQ(recorded.at({run.units[2], kCrossYearSource}), 1);
}

TEST(AuditJobRecordTest, RecordsManyUnitsPerCall) {
  std::vector<std::string> known;
  AuditRun run = MakeRun(&known);
  FakeAggregationService fake(Knowing(known, /*batch=*/true));
  auto server = GrpcServer::Start(GrpcServerOptions(), {&fake});
  ASSERT_THAT(server, IsOk());
  AuditJobOptions options;
  options.aggregation = (*server)->address();
  AuditJob job(options, ConsistencyConfig());
  ASSERT_THAT(job.Record(&run), IsOk());
  ExpectRecorded(run, fake);
  EXPECT_EQ(fake.record_batch_calls(), 3);  // 1000 + 1000 + 500 units
  EXPECT_EQ(fake.record_calls(), 0);
}

TEST(AuditJobRecordTest, FallsBackToOneCallPerUnitWithoutTheBatchCall) {
  std::vector<std::string> known;
  AuditRun run = MakeRun(&known);
  FakeAggregationService fake(Knowing(known, /*batch=*/false));
  auto server = GrpcServer::Start(GrpcServerOptions(), {&fake});
  ASSERT_THAT(server, IsOk());
  AuditJobOptions options;
  options.aggregation = (*server)->address();
  AuditJob job(options, ConsistencyConfig());
  ASSERT_THAT(job.Record(&run), IsOk());
  ExpectRecorded(run, fake);
  // Two per known unit, one (NOT_FOUND) per unknown one.
  EXPECT_EQ(fake.record_calls(), 2 * 1666 + 834);
}

}  // namespace
}  // namespace budgetperf
