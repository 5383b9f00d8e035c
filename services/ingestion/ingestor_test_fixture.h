#ifndef BUDGETPERF_SERVICES_INGESTION_INGESTOR_TEST_FIXTURE_H_
#define BUDGETPERF_SERVICES_INGESTION_INGESTOR_TEST_FIXTURE_H_

// What the Ingestor and OutboxDispatcher tests share: a scorer and an
// evaluation sink whose answers the test sets, and an ingestor on a store in
// a temporary folder, with a clock the test moves.

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/consistency/consistency_config.h"
#include "services/ingestion/evaluation_sink.h"
#include "services/ingestion/ingestor.h"
#include "services/ingestion/outbox_dispatcher.h"
#include "services/ingestion/test_packages.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace budgetperf {
namespace ingestion {
namespace ingestor_test {

using test_packages::PackageForUnit;
using test_packages::SeedPackage;
using test_packages::TestUscc;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// A scorer of our own interface whose answer the test sets.
class FakeScorer : public Scorer {
 public:
  absl::StatusOr<v1::ScoreCard> Score(const v1::EvaluationPackage& package) override {
    ++calls;
    absl::MutexLock lock(&mu_);
    if (!error_.ok()) return error_;
    v1::ScoreCard card;
    card.mutable_summary()->set_profile("fake");
    card.mutable_summary()->set_graded_centipoints(9000 + package.year() % 100);
    card.mutable_summary()->set_grade(v1::GRADE_EXCELLENT);
    return card;
  }
  void Fail(absl::Status error) {
    absl::MutexLock lock(&mu_);
    error_ = std::move(error);
  }

  std::atomic<int> calls{0};

 private:
  absl::Mutex mu_;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

// An evaluation sink of our own interface: keeps what it is given, or fails
// as the test sets.
class FakeSink : public EvaluationSink {
 public:
  absl::StatusOr<v1::ApplyEvaluationResponse> Deliver(
      const v1::ApplyEvaluationRequest& request) override {
    absl::MutexLock lock(&mu_);
    ++calls_;
    if (fail_after_ >= 0 && calls_ > fail_after_) return fail_after_error_;
    if (auto it = fail_version_.find(request.version()); it != fail_version_.end()) {
      return it->second;
    }
    if (!error_.ok()) return error_;
    delivered_.push_back(request);
    v1::ApplyEvaluationResponse response;
    response.set_applied_version(request.version());
    return response;
  }
  void Fail(absl::Status error) {
    absl::MutexLock lock(&mu_);
    error_ = std::move(error);
  }
  // Fails every delivery of `version` with `error` (OK: stop failing it).
  void FailVersion(int version, absl::Status error) {
    absl::MutexLock lock(&mu_);
    if (error.ok()) {
      fail_version_.erase(version);
    } else {
      fail_version_[version] = std::move(error);
    }
  }
  std::vector<v1::ApplyEvaluationRequest> delivered() {
    absl::MutexLock lock(&mu_);
    return delivered_;
  }
  int calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  // The size of each DeliverBatch call so far.
  std::vector<size_t> rounds() {
    absl::MutexLock lock(&mu_);
    return rounds_;
  }
  // Fails every Deliver after the next `n` with `error` (the target goes
  // away part way through a round).
  void FailAfter(int n, absl::Status error) {
    absl::MutexLock lock(&mu_);
    fail_after_ = error.ok() ? -1 : calls_ + n;
    fail_after_error_ = std::move(error);
  }

  std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>> DeliverBatch(
      const std::vector<const v1::ApplyEvaluationRequest*>& requests) override {
    {
      absl::MutexLock lock(&mu_);
      rounds_.push_back(requests.size());
    }
    return EvaluationSink::DeliverBatch(requests);
  }

 private:
  absl::Mutex mu_;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  std::map<int, absl::Status> fail_version_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::ApplyEvaluationRequest> delivered_ ABSL_GUARDED_BY(mu_);
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<size_t> rounds_ ABSL_GUARDED_BY(mu_);
  int fail_after_ ABSL_GUARDED_BY(mu_) = -1;
  absl::Status fail_after_error_ ABSL_GUARDED_BY(mu_);
};

class IngestorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<budgetperf::testutil::TempDir> dir =
        budgetperf::testutil::TempDir::Create("ingestor");
    ASSERT_THAT(dir, IsOk());
    dir_ = std::make_unique<budgetperf::testutil::TempDir>(*std::move(dir));
    IngestionStore::Options options;
    options.path = dir_->Join("db");
    options.durable = false;  // speed; durability is the integration test's
    absl::StatusOr<std::unique_ptr<IngestionStore>> store = IngestionStore::Open(options);
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
    MakeIngestor(&scorer_);
  }

  void MakeIngestor(Scorer* scorer, ConsistencyConfig consistency = ConsistencyConfig(),
                    bool deliver = false) {
    Ingestor::Options options;
    options.deliver_to_aggregation = deliver;
    options.clock = [this] { return now_.load(); };
    options.on_outbox_work = [this] { ++outbox_notifications_; };
    options.consistency = std::move(consistency);
    ingestor_ = std::make_unique<Ingestor>(store_.get(), scorer, options);
  }

  OutboxDispatcher::Options DispatcherOptions() {
    OutboxDispatcher::Options options;
    options.clock = [this] { return now_.load(); };
    options.initial_backoff = std::chrono::milliseconds(1000);
    options.max_backoff = std::chrono::milliseconds(8000);
    return options;
  }

  absl::StatusOr<v1::SubmitResponse> Submit(const v1::EvaluationPackage& package,
                                            const std::string& key = "") {
    v1::SubmitRequest request;
    *request.mutable_package() = package;
    request.set_idempotency_key(key);
    return ingestor_->Submit(request);
  }

  std::vector<int> Versions(const std::string& uscc, int32_t year) {
    v1::ListVersionsRequest request;
    request.set_uscc(uscc);
    request.set_year(year);
    absl::StatusOr<v1::ListVersionsResponse> response = ingestor_->ListVersions(request);
    EXPECT_THAT(response, IsOk());
    std::vector<int> out;
    if (response.ok()) {
      for (const auto& v : response->versions()) out.push_back(v.version());
    }
    return out;
  }

  absl::StatusOr<v1::GetEvaluationResponse> Get(const std::string& uscc, int32_t year,
                                                int version = 0) {
    v1::GetEvaluationRequest request;
    request.set_uscc(uscc);
    request.set_year(year);
    if (version > 0) request.set_version(version);
    return ingestor_->GetEvaluation(request);
  }

  std::unique_ptr<budgetperf::testutil::TempDir> dir_;
  std::unique_ptr<IngestionStore> store_;
  FakeScorer scorer_;
  std::unique_ptr<Ingestor> ingestor_;
  std::atomic<int64_t> now_{1'700'000'000'000};
  std::atomic<int> outbox_notifications_{0};
};

}  // namespace ingestor_test
}  // namespace ingestion
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_INGESTION_INGESTOR_TEST_FIXTURE_H_
