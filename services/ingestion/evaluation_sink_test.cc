// GrpcEvaluationSink against fake aggregation servers: a round is one
// ApplyEvaluations call, an older server without it gets one
// ApplyEvaluation per version, and an unreachable one costs one attempt.

#include "services/ingestion/grpc_evaluation_sink.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/server/grpc_server.h"
#include "gtest/gtest.h"
#include "services/ingestion/evaluation_status.h"
#include "tests/testing/fake_aggregation.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace ingestion {
namespace {

// A fake aggregation that applies every version but version 0
// (INVALID_ARGUMENT); with `batch` false it has no ApplyEvaluations (an older
// server).
FakeAggregationService::Options Batch(bool batch) {
  FakeAggregationService::Options options;
  options.batch = batch;
  return options;
}

GrpcEvaluationSink::Options SinkOptions(const std::string& address) {
  GrpcEvaluationSink::Options options;
  options.address = address;
  options.deadline = std::chrono::milliseconds(2000);
  return options;
}

std::vector<v1::ApplyEvaluationRequest> Versions(std::vector<int> versions) {
  std::vector<v1::ApplyEvaluationRequest> out;
  for (int v : versions) out.emplace_back().set_version(v);
  return out;
}

std::vector<const v1::ApplyEvaluationRequest*> Pointers(
    const std::vector<v1::ApplyEvaluationRequest>& requests) {
  std::vector<const v1::ApplyEvaluationRequest*> out;
  for (const auto& r : requests) out.push_back(&r);
  return out;
}

void ExpectAppliedExceptVersionZero(
    const std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>>& results) {
  ASSERT_EQ(results.size(), 3u);
  ASSERT_THAT(results[0], IsOk());
  EXPECT_EQ(results[0]->applied_version(), 1);
  EXPECT_THAT(results[1].status(), StatusIs(absl::StatusCode::kInvalidArgument))
      << results[1].status();
  ASSERT_THAT(results[2], IsOk());
  EXPECT_EQ(results[2]->applied_version(), 3);
}

TEST(ApplyRequestOfTest, TakeApplyRequestGivesTheSameRequestAsCopying) {
  for (v1::EvaluationStatus scoring : {v1::SCORED, v1::SCORING_PENDING}) {
    v1::StoredEvaluation stored;
    stored.mutable_package()->mutable_unit()->set_uscc("12430602MB0000001X");
    stored.mutable_package()->set_year(2023);
    stored.set_version(3);
    stored.set_submitted_at_unix_ms(1'700'000'000'123);
    stored.mutable_scorecard()->mutable_summary()->set_graded_centipoints(8750);
    stored.add_findings()->set_rule_id("R1");
    SetScoringStatus(&stored, scoring);
    const v1::ApplyEvaluationRequest copied = ApplyRequestOf(stored);
    google::protobuf::Arena arena;
    auto* on_arena = google::protobuf::Arena::CreateMessage<v1::StoredEvaluation>(&arena);
    *on_arena = stored;
    auto* taken = google::protobuf::Arena::CreateMessage<v1::ApplyEvaluationRequest>(&arena);
    TakeApplyRequest(on_arena, taken);
    EXPECT_EQ(taken->SerializeAsString(), copied.SerializeAsString());
    EXPECT_EQ(taken->has_score(), scoring == v1::SCORED);
    EXPECT_EQ(taken->findings_size(), 1);
  }
}

TEST(GrpcEvaluationSinkTest, ARoundIsOneApplyEvaluationsCall) {
  FakeAggregationService fake(Batch(true));
  auto server = GrpcServer::Start(GrpcServerOptions(), {&fake});
  ASSERT_THAT(server, IsOk());
  GrpcEvaluationSink sink(SinkOptions((*server)->address()));
  const std::vector<v1::ApplyEvaluationRequest> versions = Versions({1, 0, 3});
  ExpectAppliedExceptVersionZero(sink.DeliverBatch(Pointers(versions)));
  EXPECT_EQ(fake.apply_batch_calls(), 1);
  EXPECT_EQ(fake.apply_calls(), 0);
  EXPECT_TRUE(sink.DeliverBatch({}).empty());
}

TEST(GrpcEvaluationSinkTest, ALargeRoundIsSplitByBytes) {
  FakeAggregationService fake(Batch(true));
  auto server = GrpcServer::Start(GrpcServerOptions(), {&fake});
  ASSERT_THAT(server, IsOk());
  GrpcEvaluationSink::Options options = SinkOptions((*server)->address());
  std::vector<v1::ApplyEvaluationRequest> requests = Versions({1, 2, 3, 4, 5});
  for (auto& r : requests) r.mutable_package()->mutable_unit()->set_name(std::string(1000, 'x'));
  options.max_batch_bytes = 2500;  // two versions per call
  GrpcEvaluationSink sink(options);
  std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>> results = sink.DeliverBatch(Pointers(requests));
  ASSERT_EQ(results.size(), 5u);
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_THAT(results[i], IsOk());
    EXPECT_EQ(results[i]->applied_version(), static_cast<int>(i + 1));
  }
  EXPECT_EQ(fake.apply_batch_calls(), 3);
}

TEST(GrpcEvaluationSinkTest, AnOlderServerGetsOneCallPerVersion) {
  FakeAggregationService fake(Batch(false));
  auto server = GrpcServer::Start(GrpcServerOptions(), {&fake});
  ASSERT_THAT(server, IsOk());
  GrpcEvaluationSink sink(SinkOptions((*server)->address()));
  const std::vector<v1::ApplyEvaluationRequest> versions = Versions({1, 0, 3});
  ExpectAppliedExceptVersionZero(sink.DeliverBatch(Pointers(versions)));
  EXPECT_EQ(fake.apply_calls(), 3);
  // Remembered: the next round goes one by one at once.
  ExpectAppliedExceptVersionZero(sink.DeliverBatch(Pointers(versions)));
  EXPECT_EQ(fake.apply_calls(), 6);
  EXPECT_EQ(fake.apply_batch_calls(), 0);
}

TEST(GrpcEvaluationSinkTest, AnUnreachableServerCostsOneAttempt) {
  int port = 0;
  {
    FakeAggregationService fake(Batch(true));
    auto server = GrpcServer::Start(GrpcServerOptions(), {&fake});
    ASSERT_THAT(server, IsOk());
    port = (*server)->port();
  }  // stopped: nobody listens there now
  GrpcEvaluationSink sink(SinkOptions("127.0.0.1:" + std::to_string(port)));
  std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>> results =
      sink.DeliverBatch(Pointers(Versions({1, 2, 3})));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(IsUnreachable(results[0].status())) << results[0].status();
}

}  // namespace
}  // namespace ingestion
}  // namespace budgetperf
