// AuditJob::Record against a fake aggregation: many units per
// RecordFindingsBatch call, and one RecordFindings per unit and source
// against a server that does not have the batch call.

#include "services/consistency/audit_job.h"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "budgetperf/v1/aggregation.grpc.pb.h"
#include "common/server/grpc_server.h"
#include "gtest/gtest.h"

namespace budgetperf {
namespace {

// Knows the units of `known`; counts the calls and keeps what was recorded,
// by (code, source). With `batch` false it has no RecordFindingsBatch (an
// older server).
class FakeAggregation final : public v1::AggregationService::CallbackService {
 public:
  FakeAggregation(std::vector<std::string> known, bool batch)
      : known_(known.begin(), known.end()), batch_(batch) {}

  grpc::ServerUnaryReactor* RecordFindings(grpc::CallbackServerContext* context,
                                           const v1::RecordFindingsRequest* request,
                                           v1::RecordFindingsResponse*) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    absl::MutexLock lock(&mu_);
    ++single_calls_;
    if (known_.count(request->code()) == 0) {
      reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown"));
      return reactor;
    }
    recorded_[{request->code(), request->source()}] = request->findings_size();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerUnaryReactor* RecordFindingsBatch(grpc::CallbackServerContext* context,
                                                const v1::RecordFindingsBatchRequest* request,
                                                v1::RecordFindingsBatchResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (!batch_) {
      reactor->Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "no such method"));
      return reactor;
    }
    absl::MutexLock lock(&mu_);
    ++batch_calls_;
    for (const v1::RecordFindingsRequest& r : request->records()) {
      v1::RecordFindingsResult* result = response->add_results();
      if (known_.count(r.code()) == 0) continue;
      result->set_found(true);
      recorded_[{r.code(), r.source()}] = r.findings_size();
    }
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  int single_calls() {
    absl::MutexLock lock(&mu_);
    return single_calls_;
  }
  int batch_calls() {
    absl::MutexLock lock(&mu_);
    return batch_calls_;
  }
  std::map<std::pair<std::string, std::string>, int> recorded() {
    absl::MutexLock lock(&mu_);
    return recorded_;
  }

 private:
  const std::set<std::string> known_;
  const bool batch_;
  absl::Mutex mu_;
  int single_calls_ = 0;
  int batch_calls_ = 0;
  std::map<std::pair<std::string, std::string>, int> recorded_;
};

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

void ExpectRecorded(const AuditRun& run, FakeAggregation& fake) {
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
  FakeAggregation fake(known, /*batch=*/true);
  auto server = GrpcServer::Start(GrpcServerOptions(), {&fake});
  ASSERT_TRUE(server.ok()) << server.status();
  AuditJobOptions options;
  options.aggregation = (*server)->address();
  AuditJob job(options, ConsistencyConfig());
  ASSERT_TRUE(job.Record(&run).ok());
  ExpectRecorded(run, fake);
  EXPECT_EQ(fake.batch_calls(), 3);  // 1000 + 1000 + 500 units
  EXPECT_EQ(fake.single_calls(), 0);
}

TEST(AuditJobRecordTest, FallsBackToOneCallPerUnitWithoutTheBatchCall) {
  std::vector<std::string> known;
  AuditRun run = MakeRun(&known);
  FakeAggregation fake(known, /*batch=*/false);
  auto server = GrpcServer::Start(GrpcServerOptions(), {&fake});
  ASSERT_TRUE(server.ok()) << server.status();
  AuditJobOptions options;
  options.aggregation = (*server)->address();
  AuditJob job(options, ConsistencyConfig());
  ASSERT_TRUE(job.Record(&run).ok());
  ExpectRecorded(run, fake);
  // Two per known unit, one (NOT_FOUND) per unknown one.
  EXPECT_EQ(fake.single_calls(), 2 * 1666 + 834);
}

}  // namespace
}  // namespace budgetperf
