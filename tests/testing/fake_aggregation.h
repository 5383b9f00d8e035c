#ifndef BUDGETPERF_TESTS_TESTING_FAKE_AGGREGATION_H_
#define BUDGETPERF_TESTS_TESTING_FAKE_AGGREGATION_H_

// An aggregation service for tests of its clients (the audit job, the
// ingestion outbox's sink): it records findings and applies evaluations
// without storing anything, counting the calls of each method (target
// budgetperf::fake_aggregation).
//
//   FakeAggregationService::Options options;
//   options.batch = false;  // an older server
//   FakeAggregationService fake(options);
//   auto server = GrpcServer::Start(GrpcServerOptions(), {&fake});
//   ... point the client at (*server)->address() ...
//   EXPECT_EQ(fake.apply_calls(), 3);

#include <map>
#include <set>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "budgetperf/v1/aggregation.grpc.pb.h"

namespace budgetperf {

class FakeAggregationService final : public v1::AggregationService::CallbackService {
 public:
  struct Options {
    // False for a server older than the batch calls: RecordFindingsBatch and
    // ApplyEvaluations answer UNIMPLEMENTED, as gRPC does for a method a
    // server does not have.
    bool batch = true;
    // The units (USCC) RecordFindings knows; the others are NOT_FOUND (not
    // found in a batch).
    std::set<std::string> known_units;
  };

  // Applies every version but version 0, which is INVALID_ARGUMENT
  // ("version 0"), one by one or in a batch.
  explicit FakeAggregationService(Options options) : options_(std::move(options)) {}

  grpc::ServerUnaryReactor* RecordFindings(grpc::CallbackServerContext* context,
                                           const v1::RecordFindingsRequest* request,
                                           v1::RecordFindingsResponse* response) override;
  grpc::ServerUnaryReactor* RecordFindingsBatch(
      grpc::CallbackServerContext* context, const v1::RecordFindingsBatchRequest* request,
      v1::RecordFindingsBatchResponse* response) override;
  grpc::ServerUnaryReactor* ApplyEvaluation(grpc::CallbackServerContext* context,
                                            const v1::ApplyEvaluationRequest* request,
                                            v1::ApplyEvaluationResponse* response) override;
  grpc::ServerUnaryReactor* ApplyEvaluations(grpc::CallbackServerContext* context,
                                             const v1::ApplyEvaluationsRequest* request,
                                             v1::ApplyEvaluationsResponse* response) override;

  // Calls received of RecordFindings, RecordFindingsBatch (answered),
  // ApplyEvaluation and ApplyEvaluations (answered).
  int record_calls() const;
  int record_batch_calls() const;
  int apply_calls() const;
  int apply_batch_calls() const;

  // The findings recorded for known units: their number by (USCC, source).
  std::map<std::pair<std::string, std::string>, int> recorded() const;

 private:
  const Options options_;
  mutable absl::Mutex mu_;
  int record_calls_ ABSL_GUARDED_BY(mu_) = 0;
  int record_batch_calls_ ABSL_GUARDED_BY(mu_) = 0;
  int apply_calls_ ABSL_GUARDED_BY(mu_) = 0;
  int apply_batch_calls_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::pair<std::string, std::string>, int> recorded_ ABSL_GUARDED_BY(mu_);
};

}  // namespace budgetperf

#endif  // BUDGETPERF_TESTS_TESTING_FAKE_AGGREGATION_H_
