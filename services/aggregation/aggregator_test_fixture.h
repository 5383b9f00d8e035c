#ifndef BUDGETPERF_SERVICES_AGGREGATION_AGGREGATOR_TEST_FIXTURE_H_
#define BUDGETPERF_SERVICES_AGGREGATION_AGGREGATOR_TEST_FIXTURE_H_

// The fixture the Aggregator tests share: an aggregator on a temporary
// folder with a district, two departments and four units, and a source of
// evaluations that lists what a test gives it.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregation/aggregation_store.h"
#include "services/aggregation/aggregation_test_util.h"
#include "services/aggregation/aggregator.h"
#include "services/aggregation/measures.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace budgetperf {
namespace aggregator_test {

using aggregation_testing::Figures;
using aggregation_testing::MakeApply;
using aggregation_testing::MakePackage;
using aggregation_testing::MakeScore;
using aggregation_testing::MakeUscc;
using aggregation_testing::Node;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

inline constexpr char kDistrict[] = "430602";

// A source that lists the packages a test gives it.
class ListSource : public EvaluationSource {
 public:
  std::string Describe() const override { return "test list"; }
  absl::Status ForEachLatest(
      int32_t year,
      const std::function<absl::Status(const v1::ApplyEvaluationRequest&)>& fn) override {
    for (const v1::ApplyEvaluationRequest& r : latest) {
      if (r.package().year() != year) continue;
      absl::Status s = fn(r);
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }
  std::vector<v1::ApplyEvaluationRequest> latest;
};

class AggregatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<testutil::TempDir> dir = testutil::TempDir::Create("aggregator");
    ASSERT_THAT(dir, IsOk());
    dir_.emplace(*std::move(dir));
    Open();
    for (int i = 0; i < 4; ++i) units_.push_back(MakeUscc(kDistrict, i + 1));
    v1::UpsertNodesRequest request;
    *request.add_nodes() = Node(kDistrict, v1::NODE_KIND_DISTRICT, "");
    *request.add_nodes() = Node("D1", v1::NODE_KIND_DEPARTMENT, kDistrict);
    *request.add_nodes() = Node("D2", v1::NODE_KIND_DEPARTMENT, kDistrict);
    *request.add_nodes() = Node(units_[0], v1::NODE_KIND_UNIT, "D1");
    *request.add_nodes() = Node(units_[1], v1::NODE_KIND_UNIT, "D1");
    *request.add_nodes() = Node(units_[2], v1::NODE_KIND_UNIT, "D2");
    *request.add_nodes() = Node(units_[3], v1::NODE_KIND_UNIT, "D2");
    absl::StatusOr<v1::UpsertNodesResponse> upserted = aggregator_->UpsertNodes(request);
    ASSERT_THAT(upserted, IsOk());
  }

  std::string DbPath() const { return dir_->Join("db"); }

  void Open() {
    Aggregator::Options options;
    options.data_dir = DbPath();
    options.durable = false;  // throwaway data; the integration test runs synced
    options.now_unix_ms = [] { return int64_t{1'700'000'000'000}; };
    absl::StatusOr<std::unique_ptr<Aggregator>> opened = Aggregator::Open(options);
    ASSERT_THAT(opened, IsOk());
    aggregator_ = *std::move(opened);
  }

  void Reopen() {
    aggregator_.reset();
    Open();
  }

  v1::Rollup Rollup(const std::string& code, int32_t year) {
    v1::GetRollupRequest request;
    request.set_node_code(code);
    request.set_year(year);
    absl::StatusOr<v1::GetRollupResponse> response = aggregator_->GetRollup(request);
    EXPECT_THAT(response, IsOk()) << code << ": " << response.status();
    return response.ok() ? response->rollup() : v1::Rollup();
  }

  v1::ApplyEvaluationResponse Apply(const v1::ApplyEvaluationRequest& request) {
    absl::StatusOr<v1::ApplyEvaluationResponse> response = aggregator_->ApplyEvaluation(request);
    EXPECT_THAT(response, IsOk());
    return response.ok() ? *response : v1::ApplyEvaluationResponse();
  }

  v1::ApplyEvaluationResponse ApplyUnit(int unit, int32_t year, int32_t version, Figures f,
                                        std::optional<int32_t> score = std::nullopt,
                                        v1::Grade grade = v1::GRADE_GOOD) {
    v1::ScoreCardSummary summary;
    if (score.has_value()) summary = MakeScore(*score, grade, *score + 100, grade);
    return Apply(MakeApply(MakePackage(units_[unit], year, f), version,
                           score.has_value() ? &summary : nullptr));
  }

  v1::RecomputeResponse Recompute(const std::string& code, int32_t year, bool dry_run = false,
                                  EvaluationSource* source = nullptr) {
    v1::RecomputeRequest request;
    request.set_node_code(code);
    request.set_year(year);
    request.set_dry_run(dry_run);
    absl::StatusOr<v1::RecomputeResponse> response = aggregator_->Recompute(request, source);
    EXPECT_THAT(response, IsOk());
    return response.ok() ? *response : v1::RecomputeResponse();
  }

  static Figures F(int64_t executed, int64_t full_year = 100'000'000) {
    Figures f;
    f.executed_fen = executed;
    f.full_year_fen = full_year;
    return f;
  }

  std::optional<testutil::TempDir> dir_;
  std::unique_ptr<Aggregator> aggregator_;
  std::vector<std::string> units_;
};

}  // namespace aggregator_test
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_AGGREGATION_AGGREGATOR_TEST_FIXTURE_H_
