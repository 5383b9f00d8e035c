#include "services/ingestion/ingestor.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/consistency/consistency_config.h"
#include "services/consistency/package_checker.h"
#include "services/consistency/rule_catalogue.h"
#include "services/ingestion/evaluation_sink.h"
#include "services/ingestion/evaluation_status.h"
#include "services/ingestion/outbox_dispatcher.h"
#include "services/ingestion/package_validator.h"
#include "services/ingestion/test_packages.h"
#include "services/ingestion/validation_errors.h"
#include "tests/testing/temp_dir.h"
#include "tools/generator/sample_generator.h"

namespace budgetperf {
namespace ingestion {
namespace {

using google::protobuf::util::MessageDifferencer;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::PackageForUnit;
using testing::SeedPackage;
using ::testing::SizeIs;
using testing::TestUscc;

// A scorer of our own interface whose answer the test sets.
class FakeScorer : public Scorer {
 public:
  absl::StatusOr<v1::ScoreCard> Score(const v1::EvaluationPackage& package) override {
    ++calls;
    std::lock_guard<std::mutex> lock(mu_);
    if (!error_.ok()) return error_;
    v1::ScoreCard card;
    card.mutable_summary()->set_profile("fake");
    card.mutable_summary()->set_graded_centipoints(9000 + package.year() % 100);
    card.mutable_summary()->set_grade(v1::GRADE_EXCELLENT);
    return card;
  }
  void Fail(absl::Status error) {
    std::lock_guard<std::mutex> lock(mu_);
    error_ = std::move(error);
  }

  std::atomic<int> calls{0};

 private:
  std::mutex mu_;
  absl::Status error_;
};

// An evaluation sink of our own interface: keeps what it is given, or fails
// as the test sets.
class FakeSink : public EvaluationSink {
 public:
  absl::StatusOr<v1::ApplyEvaluationResponse> Deliver(
      const v1::ApplyEvaluationRequest& request) override {
    std::lock_guard<std::mutex> lock(mu_);
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
    std::lock_guard<std::mutex> lock(mu_);
    error_ = std::move(error);
  }
  // Fails every delivery of `version` with `error` (OK: stop failing it).
  void FailVersion(int version, absl::Status error) {
    std::lock_guard<std::mutex> lock(mu_);
    if (error.ok()) {
      fail_version_.erase(version);
    } else {
      fail_version_[version] = std::move(error);
    }
  }
  std::vector<v1::ApplyEvaluationRequest> delivered() {
    std::lock_guard<std::mutex> lock(mu_);
    return delivered_;
  }
  int calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  // The size of each DeliverBatch call so far.
  std::vector<size_t> rounds() {
    std::lock_guard<std::mutex> lock(mu_);
    return rounds_;
  }
  // Fails every Deliver after the next `n` with `error` (the target goes
  // away part way through a round).
  void FailAfter(int n, absl::Status error) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_after_ = error.ok() ? -1 : calls_ + n;
    fail_after_error_ = std::move(error);
  }

  std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>> DeliverBatch(
      const std::vector<const v1::ApplyEvaluationRequest*>& requests) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      rounds_.push_back(requests.size());
    }
    return EvaluationSink::DeliverBatch(requests);
  }

 private:
  std::mutex mu_;
  absl::Status error_;
  std::map<int, absl::Status> fail_version_;
  std::vector<v1::ApplyEvaluationRequest> delivered_;
  int calls_ = 0;
  std::vector<size_t> rounds_;
  int fail_after_ = -1;
  absl::Status fail_after_error_;
};

class IngestorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<budgetperf::testing::TempDir> dir =
        budgetperf::testing::TempDir::Create("ingestor");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = std::make_unique<budgetperf::testing::TempDir>(*std::move(dir));
    IngestionStore::Options options;
    options.path = dir_->Join("db");
    options.durable = false;  // speed; durability is the integration test's
    absl::StatusOr<std::unique_ptr<IngestionStore>> store = IngestionStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
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
    return ingestor_->Submit(caller_, request);
  }

  std::vector<int> Versions(const std::string& uscc, int32_t year) {
    v1::ListVersionsRequest request;
    request.set_uscc(uscc);
    request.set_year(year);
    absl::StatusOr<v1::ListVersionsResponse> response = ingestor_->ListVersions(caller_, request);
    EXPECT_TRUE(response.ok()) << response.status();
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
    return ingestor_->GetEvaluation(caller_, request);
  }

  std::unique_ptr<budgetperf::testing::TempDir> dir_;
  std::unique_ptr<IngestionStore> store_;
  FakeScorer scorer_;
  std::unique_ptr<Ingestor> ingestor_;
  std::atomic<int64_t> now_{1'700'000'000'000};
  std::atomic<int> outbox_notifications_{0};
  CallContext caller_;
};

TEST_F(IngestorTest, SubmitStoresTheSeedScoredAndReadsItBack) {
  const v1::EvaluationPackage seed = SeedPackage();
  absl::StatusOr<v1::SubmitResponse> response = Submit(seed);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->uscc(), "12430602MB1C04587D");
  EXPECT_EQ(response->year(), 2023);
  EXPECT_EQ(response->version(), 1);
  EXPECT_EQ(response->scoring_status(), v1::SCORED);
  EXPECT_EQ(response->status(), v1::HAS_ERRORS);  // the seed's findings; see below
  EXPECT_EQ(response->scorecard_summary().profile(), "fake");
  EXPECT_EQ(response->submitted_at_unix_ms(), now_.load());
  EXPECT_EQ(response->package_sha256(), PackageSha256(seed));
  EXPECT_EQ(response->package_sha256().size(), 64u);
  EXPECT_FALSE(response->replayed());

  absl::StatusOr<v1::GetEvaluationResponse> got = Get(seed.unit().uscc(), 2023);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->latest_version(), 1);
  EXPECT_EQ(got->evaluation().scoring_status(), v1::SCORED);
  EXPECT_EQ(got->evaluation().scorecard().summary().profile(), "fake");
  // Stored as filed, with the server's readings filled in.
  v1::EvaluationPackage expected = seed;
  PackageValidator().Normalize(&expected);
  EXPECT_TRUE(MessageDifferencer::Equals(got->evaluation().package(), expected));
  EXPECT_EQ(outbox_notifications_.load(), 0);
}

TEST_F(IngestorTest, ResubmittingMakesTheNextVersionAndKeepsHistory) {
  const v1::EvaluationPackage seed = SeedPackage();
  ASSERT_TRUE(Submit(seed).ok());
  v1::EvaluationPackage corrected = seed;
  corrected.mutable_basic_data()->mutable_project_spending()->mutable_total()->set_final_fen(
      40'000'000);
  absl::StatusOr<v1::SubmitResponse> second = Submit(corrected);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->version(), 2);
  EXPECT_THAT(Versions(seed.unit().uscc(), 2023), ElementsAre(1, 2));

  EXPECT_EQ(Get(seed.unit().uscc(), 2023)
                ->evaluation()
                .package()
                .basic_data()
                .project_spending()
                .total()
                .final_fen(),
            40'000'000);
  EXPECT_EQ(Get(seed.unit().uscc(), 2023, 1)
                ->evaluation()
                .package()
                .basic_data()
                .project_spending()
                .total()
                .final_fen(),
            136'520'000);
  EXPECT_TRUE(absl::IsNotFound(Get(seed.unit().uscc(), 2023, 3).status()));
  EXPECT_TRUE(absl::IsNotFound(Get(seed.unit().uscc(), 2022).status()));
}

TEST_F(IngestorTest, IdempotentRetryReturnsTheFirstAnswerAndStoresNothing) {
  const v1::EvaluationPackage seed = SeedPackage();
  absl::StatusOr<v1::SubmitResponse> first = Submit(seed, "retry-me");
  ASSERT_TRUE(first.ok());
  now_ += 5000;
  absl::StatusOr<v1::SubmitResponse> again = Submit(seed, "retry-me");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed());
  EXPECT_EQ(again->version(), 1);
  EXPECT_EQ(again->submitted_at_unix_ms(), first->submitted_at_unix_ms());
  EXPECT_THAT(Versions(seed.unit().uscc(), 2023), ElementsAre(1));
  EXPECT_EQ(scorer_.calls.load(), 1) << "a replay is answered before scoring";

  v1::EvaluationPackage other = seed;
  other.mutable_unit()->set_name("另一个名字");
  absl::StatusOr<v1::SubmitResponse> conflict = Submit(other, "retry-me");
  EXPECT_TRUE(absl::IsAlreadyExists(conflict.status())) << conflict.status();
  EXPECT_THAT(Versions(seed.unit().uscc(), 2023), ElementsAre(1));

  // Without a key, the same package is a new filing.
  EXPECT_EQ(Submit(seed)->version(), 2);
}

TEST_F(IngestorTest, RejectedPackageListsEveryViolationAndStoresNothing) {
  v1::EvaluationPackage bad = SeedPackage();
  bad.mutable_unit()->set_uscc("12430602MB1C04587A");
  bad.set_year(1999);
  bad.mutable_overall()->mutable_funds()->mutable_amounts()->set_executed_fen(-1);
  absl::StatusOr<v1::SubmitResponse> response = Submit(bad, "key-of-a-bad-package");
  ASSERT_TRUE(absl::IsInvalidArgument(response.status())) << response.status();
  std::optional<v1::ValidationErrors> errors = GetValidationErrors(response.status());
  ASSERT_TRUE(errors.has_value());
  std::vector<std::string> paths;
  for (const auto& v : errors->violations()) paths.push_back(v.field_path());
  EXPECT_THAT(paths, ElementsAre("unit.uscc", "year", "overall.funds.amounts.executed_fen"));
  EXPECT_THAT(std::string(response.status().message()), ::testing::HasSubstr("unit.uscc"));

  EXPECT_EQ(scorer_.calls.load(), 0);
  EXPECT_FALSE(store_->GetIdempotency("key-of-a-bad-package")->has_value());
  EXPECT_THAT(Versions("12430602MB1C04587D", 2023), IsEmpty());
  EXPECT_THAT(*store_->ListOutbox(10), IsEmpty());
}

TEST_F(IngestorTest, OversizeIdempotencyKeyIsAViolation) {
  absl::StatusOr<v1::SubmitResponse> response = Submit(SeedPackage(), std::string(200, 'k'));
  ASSERT_TRUE(absl::IsInvalidArgument(response.status()));
  EXPECT_EQ(GetValidationErrors(response.status())->violations(0).field_path(), "idempotency_key");
}

TEST_F(IngestorTest, ReadsCheckTheirArguments) {
  absl::StatusOr<v1::GetEvaluationResponse> got = Get("not-a-uscc", 1900);
  ASSERT_TRUE(absl::IsInvalidArgument(got.status()));
  EXPECT_THAT(GetValidationErrors(got.status())->violations(), SizeIs(2));
}

TEST_F(IngestorTest, UnreachableScoringStoresPendingAndTheOutboxScoresItLater) {
  scorer_.Fail(absl::UnavailableError("connection refused"));
  const v1::EvaluationPackage seed = SeedPackage();
  absl::StatusOr<v1::SubmitResponse> response = Submit(seed);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status(), v1::SCORING_PENDING);
  EXPECT_FALSE(response->has_scorecard_summary());
  EXPECT_EQ(outbox_notifications_.load(), 1);
  absl::StatusOr<std::vector<OutboxEntry>> outbox = store_->ListOutbox(10);
  ASSERT_THAT(*outbox, SizeIs(1));
  EXPECT_EQ((*outbox)[0].record.kind(), OUTBOX_SCORE);
  EXPECT_EQ((*outbox)[0].record.version(), 1);

  OutboxDispatcher dispatcher(store_.get(), &scorer_, nullptr, DispatcherOptions());
  // Still down: the attempt is counted and the next one pushed back.
  ASSERT_EQ(*dispatcher.RunOnce(), 0);
  outbox = store_->ListOutbox(10);
  EXPECT_EQ((*outbox)[0].record.attempts(), 1);
  EXPECT_EQ((*outbox)[0].record.next_attempt_unix_ms(), now_.load() + 1000);
  EXPECT_THAT((*outbox)[0].record.last_error(), ::testing::HasSubstr("connection refused"));

  // Back up, but the record is not due yet.
  scorer_.Fail(absl::OkStatus());
  ASSERT_EQ(*dispatcher.RunOnce(), 0);
  EXPECT_EQ(Get(seed.unit().uscc(), 2023)->evaluation().status(), v1::SCORING_PENDING);

  now_ += 1000;
  ASSERT_EQ(*dispatcher.RunOnce(), 1);
  absl::StatusOr<v1::GetEvaluationResponse> got = Get(seed.unit().uscc(), 2023);
  EXPECT_EQ(got->evaluation().scoring_status(), v1::SCORED);
  EXPECT_EQ(got->evaluation().scorecard().summary().profile(), "fake");
  EXPECT_EQ(got->evaluation().scored_at_unix_ms(), now_.load());
  EXPECT_THAT(*store_->ListOutbox(10), IsEmpty());
}

TEST_F(IngestorTest, DispatcherRunningInTheBackgroundScoresPendingVersions) {
  scorer_.Fail(absl::DeadlineExceededError("slow"));
  for (int unit = 0; unit < 5; ++unit) ASSERT_TRUE(Submit(PackageForUnit(unit)).ok());
  scorer_.Fail(absl::OkStatus());
  OutboxDispatcher::Options options = DispatcherOptions();
  options.poll_interval = std::chrono::milliseconds(10);
  OutboxDispatcher dispatcher(store_.get(), &scorer_, nullptr, options);
  dispatcher.Start();
  for (int i = 0; i < 500 && !store_->ListOutbox(10)->empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  dispatcher.Stop();
  for (int unit = 0; unit < 5; ++unit) {
    EXPECT_EQ(Get(TestUscc(unit), 2023)->evaluation().scoring_status(), v1::SCORED) << unit;
  }
}

TEST_F(IngestorTest, DispatcherWalksTheWholeOutboxInBatches) {
  scorer_.Fail(absl::UnavailableError("down"));
  for (int unit = 0; unit < 7; ++unit) ASSERT_TRUE(Submit(PackageForUnit(unit)).ok());
  scorer_.Fail(absl::OkStatus());
  OutboxDispatcher::Options options = DispatcherOptions();
  options.batch_size = 3;
  OutboxDispatcher dispatcher(store_.get(), &scorer_, nullptr, options);
  EXPECT_EQ(*dispatcher.RunOnce(), 7);
  EXPECT_THAT(*store_->ListOutbox(10), IsEmpty());
}

TEST_F(IngestorTest, BackoffDoublesUpToTheMaximum) {
  OutboxDispatcher dispatcher(store_.get(), &scorer_, nullptr, DispatcherOptions());
  EXPECT_EQ(dispatcher.Backoff(1).count(), 1000);
  EXPECT_EQ(dispatcher.Backoff(2).count(), 2000);
  EXPECT_EQ(dispatcher.Backoff(3).count(), 4000);
  EXPECT_EQ(dispatcher.Backoff(4).count(), 8000);
  EXPECT_EQ(dispatcher.Backoff(50).count(), 8000);
}

TEST_F(IngestorTest, RefusedByScoringIsStoredAsFailedAndNotRetried) {
  scorer_.Fail(absl::InvalidArgumentError("unknown profile"));
  absl::StatusOr<v1::SubmitResponse> response = Submit(SeedPackage());
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->scoring_status(), v1::SCORING_FAILED);
  EXPECT_THAT(*store_->ListOutbox(10), IsEmpty());
  EXPECT_EQ(Get(SeedPackage().unit().uscc(), 2023)->evaluation().scoring_error(),
            "unknown profile");
}

TEST_F(IngestorTest, WithoutScorerEverythingIsPending) {
  MakeIngestor(nullptr);
  absl::StatusOr<v1::SubmitResponse> response = Submit(SeedPackage());
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status(), v1::SCORING_PENDING);
  EXPECT_THAT(*store_->ListOutbox(10), SizeIs(1));
}

TEST_F(IngestorTest, WarningsComeBackAndAreStored) {
  v1::EvaluationPackage package = SeedPackage();
  package.mutable_overall()
      ->mutable_indicators(0)
      ->mutable_level2(0)
      ->mutable_indicators(0)
      ->mutable_actual()
      ->set_text("≥≤95%");
  absl::StatusOr<v1::SubmitResponse> response = Submit(package);
  ASSERT_TRUE(response.ok());
  ASSERT_THAT(response->warnings(), SizeIs(1));
  EXPECT_EQ(response->warnings(0).field_path(),
            "overall.indicators[0].level2[0].indicators[0].actual");
  EXPECT_THAT(Get(package.unit().uscc(), 2023)->evaluation().warnings(), SizeIs(1));
}

TEST_F(IngestorTest, ConcurrentSubmitsOfOneUnitGetDistinctConsecutiveVersions) {
  constexpr int kThreads = 8;
  constexpr int kEach = 5;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::vector<int> versions;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        absl::StatusOr<v1::SubmitResponse> r = Submit(SeedPackage());
        ASSERT_TRUE(r.ok()) << r.status();
        std::lock_guard<std::mutex> lock(mu);
        versions.push_back(r->version());
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<int> distinct(versions.begin(), versions.end());
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(*distinct.begin(), 1);
  EXPECT_EQ(*distinct.rbegin(), kThreads * kEach);
  EXPECT_THAT(Versions(SeedPackage().unit().uscc(), 2023), SizeIs(kThreads * kEach));
}

TEST_F(IngestorTest, ConcurrentRetriesWithOneKeyStoreOneVersion) {
  std::vector<std::thread> threads;
  std::atomic<int> replayed{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      absl::StatusOr<v1::SubmitResponse> r = Submit(SeedPackage(), "same-key");
      ASSERT_TRUE(r.ok()) << r.status();
      EXPECT_EQ(r->version(), 1);
      if (r->replayed()) ++replayed;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(replayed.load(), 7);
  EXPECT_THAT(Versions(SeedPackage().unit().uscc(), 2023), ElementsAre(1));
}

TEST_F(IngestorTest, ListingFiltersByYearDivisionAndDepartment) {
  v1::EvaluationPackage a = PackageForUnit(1, "430602");
  a.mutable_unit()->set_supervising_department("岳阳楼区住房保障局");
  ASSERT_TRUE(Submit(a).ok());
  ASSERT_TRUE(Submit(a).ok());  // version 2: listed once, as its latest
  ASSERT_TRUE(Submit(PackageForUnit(2, "430603")).ok());
  ASSERT_TRUE(Submit(PackageForUnit(3, "440100")).ok());
  v1::EvaluationPackage d = PackageForUnit(4, "430602");
  d.set_year(2024);
  ASSERT_TRUE(Submit(d).ok());

  auto list = [&](int32_t year, const std::string& division, const std::string& department) {
    v1::ListEvaluationsRequest request;
    request.set_year(year);
    request.set_division_code(division);
    request.set_supervising_department(department);
    absl::StatusOr<std::vector<ListingKey>> keys = ingestor_->ListEvaluationKeys(caller_, request);
    EXPECT_TRUE(keys.ok()) << keys.status();
    std::vector<std::string> units;
    if (keys.ok()) {
      for (const ListingKey& k : *keys) units.push_back(k.uscc + "@" + std::to_string(k.version));
    }
    return units;
  };
  const std::string u1 = TestUscc(1), u2 = TestUscc(2), u3 = TestUscc(3), u4 = TestUscc(4);
  EXPECT_THAT(list(2023, "", ""), ElementsAre(u1 + "@2", u2 + "@1", u3 + "@1"));
  EXPECT_THAT(list(2023, "430600", ""), ElementsAre(u1 + "@2", u2 + "@1"));
  EXPECT_THAT(list(0, "430000", ""), ElementsAre(u1 + "@2", u2 + "@1", u4 + "@1"));
  EXPECT_THAT(list(2023, "", "岳阳楼区住房保障局"), ElementsAre(u1 + "@2"));
  EXPECT_THAT(list(2025, "", ""), IsEmpty());

  v1::ListEvaluationsRequest bad;
  bad.set_division_code("43");
  EXPECT_TRUE(absl::IsInvalidArgument(ingestor_->ListEvaluationKeys(caller_, bad).status()));

  ListingKey key;
  key.uscc = u1;
  key.year = 2023;
  key.version = 2;
  absl::StatusOr<v1::ListEvaluationsResponse> summary =
      ingestor_->ReadListing(key, v1::EVALUATION_VIEW_SUMMARY);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->summary().version(), 2);
  EXPECT_FALSE(summary->has_evaluation());
  EXPECT_TRUE(ingestor_->ReadListing(key, v1::EVALUATION_VIEW_FULL)->has_evaluation());
}

// The items of a batched message as a client sees them: parsed from the
// wire (the server writes them as bytes it never parses).
std::vector<v1::ListEvaluationsResponse> BatchItems(const v1::ListEvaluationsResponse& message) {
  v1::ListEvaluationsResponse parsed;
  EXPECT_TRUE(parsed.ParseFromString(message.SerializeAsString()));
  EXPECT_FALSE(parsed.has_summary());
  EXPECT_FALSE(parsed.has_evaluation());
  EXPECT_TRUE(parsed.unit_name().empty());
  return {parsed.batch().begin(), parsed.batch().end()};
}

TEST_F(IngestorTest, BatchedListingItemsAreWhatReadListingGives) {
  // Scored and pending versions, with findings, warnings, a department and
  // a later version, so that every summary field has something in it.
  v1::EvaluationPackage a = SeedPackage();
  a.mutable_unit()->set_supervising_department("岳阳楼区住房保障局");
  ASSERT_TRUE(Submit(a).ok());
  ASSERT_TRUE(Submit(a, "key-2").ok());
  scorer_.Fail(absl::UnavailableError("down"));
  ASSERT_TRUE(Submit(PackageForUnit(2, "430603")).ok());
  scorer_.Fail(absl::OkStatus());
  for (int unit = 3; unit <= 6; ++unit) ASSERT_TRUE(Submit(PackageForUnit(unit, "430602")).ok());
  v1::EvaluationPackage warned = PackageForUnit(7, "430602");
  warned.mutable_overall()
      ->mutable_indicators(0)
      ->mutable_level2(0)
      ->mutable_indicators(0)
      ->mutable_actual()
      ->set_text("≥≤95%");  // cannot be read: a warning
  ASSERT_THAT(Submit(warned)->warnings(), SizeIs(1));
  v1::ListEvaluationsRequest request;
  request.set_year(2023);
  absl::StatusOr<std::vector<ListingKey>> keys = ingestor_->ListEvaluationKeys(caller_, request);
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_THAT(*keys, SizeIs(7));

  for (v1::EvaluationView view : {v1::EVALUATION_VIEW_FULL, v1::EVALUATION_VIEW_SUMMARY,
                                  v1::EVALUATION_VIEW_UNSPECIFIED}) {
    v1::ListEvaluationsResponse message;
    absl::StatusOr<size_t> used =
        ingestor_->ReadListingBatch(*keys, view, kListingBatchBytes, &message);
    ASSERT_TRUE(used.ok()) << used.status();
    EXPECT_EQ(*used, keys->size());
    std::vector<v1::ListEvaluationsResponse> items = BatchItems(message);
    ASSERT_THAT(items, SizeIs(keys->size()));
    for (size_t i = 0; i < items.size(); ++i) {
      absl::StatusOr<v1::ListEvaluationsResponse> one = ingestor_->ReadListing((*keys)[i], view);
      ASSERT_TRUE(one.ok()) << one.status();
      EXPECT_TRUE(MessageDifferencer::Equals(items[i], *one))
          << "view " << view << ", item " << i << ":\n"
          << items[i].ShortDebugString() << "\nagainst\n"
          << one->ShortDebugString();
      EXPECT_EQ(items[i].has_evaluation(), view != v1::EVALUATION_VIEW_SUMMARY);
    }
    auto seed = std::find_if(items.begin(), items.end(), [&](const auto& item) {
      return item.summary().uscc() == a.unit().uscc();
    });
    ASSERT_NE(seed, items.end());
    EXPECT_EQ(seed->summary().version(), 2);
    EXPECT_EQ(seed->summary().scoring_status(), v1::SCORED);
    EXPECT_TRUE(seed->summary().has_scorecard_summary());
    EXPECT_EQ(seed->supervising_department(), "岳阳楼区住房保障局");
    auto pending = std::find_if(items.begin(), items.end(), [&](const auto& item) {
      return item.summary().scoring_status() == v1::SCORING_PENDING;
    });
    EXPECT_NE(pending, items.end());
    EXPECT_TRUE(std::any_of(items.begin(), items.end(), [](const auto& item) {
      return item.summary().finding_counts().total() > 0;
    }));
    EXPECT_TRUE(std::any_of(items.begin(), items.end(), [](const auto& item) {
      return item.summary().warning_count() > 0;
    }));
  }
}

TEST_F(IngestorTest, BatchedListingStopsAtItsByteBudget) {
  for (int unit = 1; unit <= 5; ++unit) ASSERT_TRUE(Submit(PackageForUnit(unit)).ok());
  absl::StatusOr<std::vector<ListingKey>> keys =
      ingestor_->ListEvaluationKeys(caller_, v1::ListEvaluationsRequest());
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_THAT(*keys, SizeIs(5));

  // A budget smaller than any entry: one per message all the same.
  v1::ListEvaluationsResponse message;
  absl::StatusOr<size_t> used =
      ingestor_->ReadListingBatch(*keys, v1::EVALUATION_VIEW_FULL, 1, &message);
  ASSERT_TRUE(used.ok()) << used.status();
  EXPECT_EQ(*used, 1);
  std::vector<v1::ListEvaluationsResponse> items = BatchItems(message);
  ASSERT_THAT(items, SizeIs(1));
  const size_t entry_bytes = items[0].ByteSizeLong();

  // Room for two and a bit: the third goes over, and is the last.
  message.Clear();
  used = ingestor_->ReadListingBatch(absl::MakeConstSpan(*keys).subspan(1),
                                     v1::EVALUATION_VIEW_FULL, 2 * entry_bytes + 1, &message);
  ASSERT_TRUE(used.ok()) << used.status();
  EXPECT_EQ(*used, 3);
  items = BatchItems(message);
  ASSERT_THAT(items, SizeIs(3));
  EXPECT_EQ(items[0].summary().uscc(), (*keys)[1].uscc);
  EXPECT_EQ(items[2].summary().uscc(), (*keys)[3].uscc);

  // Nothing to read: nothing used.
  message.Clear();
  used = ingestor_->ReadListingBatch({}, v1::EVALUATION_VIEW_FULL, kListingBatchBytes, &message);
  ASSERT_TRUE(used.ok()) << used.status();
  EXPECT_EQ(*used, 0);
  EXPECT_THAT(BatchItems(message), IsEmpty());
}

TEST_F(IngestorTest, NegativeBatchIsRefused) {
  v1::ListEvaluationsRequest request;
  request.set_batch(-1);
  absl::Status status = ingestor_->ListEvaluationKeys(caller_, request).status();
  EXPECT_TRUE(absl::IsInvalidArgument(status)) << status;
  std::optional<v1::ValidationErrors> errors = GetValidationErrors(status);
  ASSERT_TRUE(errors.has_value());
  ASSERT_THAT(errors->violations(), SizeIs(1));
  EXPECT_EQ(errors->violations(0).field_path(), "batch");
}

// --- consistency findings ---------------------------------------------------

std::vector<std::string> RuleIds(const google::protobuf::RepeatedPtrField<v1::Finding>& findings) {
  std::vector<std::string> ids;
  for (const v1::Finding& f : findings) ids.push_back(f.rule_id());
  return ids;
}

// A package with no findings at all: a generated one (the generator's clean
// samples are consistent, table against table).
v1::EvaluationPackage CleanPackage() {
  SampleGenerator generator(7);
  SampleDistrict district = generator.District("430602", "岳阳楼区", 1, 1);
  return generator.Package(district.units.back(), 2023);
}

ConsistencyConfig ConfigFromText(const std::string& text) {
  absl::StatusOr<ConsistencyConfig> config = ConsistencyConfig::FromText(text);
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *std::move(config) : ConsistencyConfig();
}

TEST_F(IngestorTest, FindingsOfTheSeedAreReturnedAndStored) {
  const v1::EvaluationPackage seed = SeedPackage();
  absl::StatusOr<v1::SubmitResponse> response = Submit(seed);
  ASSERT_TRUE(response.ok()) << response.status();

  // Exactly what the checker finds in the package as stored (normalised).
  v1::EvaluationPackage normalised = seed;
  PackageValidator().Normalize(&normalised);
  const std::vector<v1::Finding> expected = PackageChecker().Check(normalised);
  ASSERT_EQ(response->findings_size(), static_cast<int>(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(response->findings(i), expected[i])) << i;
  }
  EXPECT_THAT(RuleIds(response->findings()), Contains("T1-04"));
  EXPECT_THAT(RuleIds(response->findings()), Contains("W-02"));
  EXPECT_THAT(RuleIds(response->findings()), Contains("I-04"));

  // Two dimensions: scored, and with errors; the headline shows the errors.
  EXPECT_EQ(response->scoring_status(), v1::SCORED);
  EXPECT_TRUE(response->has_errors());
  EXPECT_EQ(response->status(), v1::HAS_ERRORS);
  EXPECT_EQ(response->scorecard_summary().profile(), "fake");
  EXPECT_EQ(response->finding_counts().total(), static_cast<int>(expected.size()));
  EXPECT_EQ(response->finding_counts().error() + response->finding_counts().warning() +
                response->finding_counts().needs_explanation(),
            response->finding_counts().total());
  EXPECT_GT(response->finding_counts().error(), 0);

  absl::StatusOr<v1::GetEvaluationResponse> got = Get(seed.unit().uscc(), 2023);
  ASSERT_TRUE(got.ok()) << got.status();
  const v1::StoredEvaluation& stored = got->evaluation();
  EXPECT_EQ(stored.status(), v1::HAS_ERRORS);
  EXPECT_EQ(stored.scoring_status(), v1::SCORED);
  EXPECT_TRUE(stored.has_errors());
  EXPECT_TRUE(stored.has_scorecard());
  ASSERT_EQ(stored.findings_size(), response->findings_size());
  for (int i = 0; i < stored.findings_size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(stored.findings(i), response->findings(i))) << i;
  }

  v1::ListVersionsRequest history;
  history.set_uscc(seed.unit().uscc());
  history.set_year(2023);
  absl::StatusOr<v1::ListVersionsResponse> versions = ingestor_->ListVersions(caller_, history);
  ASSERT_TRUE(versions.ok());
  ASSERT_THAT(versions->versions(), SizeIs(1));
  const v1::VersionSummary& summary = versions->versions(0);
  EXPECT_EQ(summary.status(), v1::HAS_ERRORS);
  EXPECT_EQ(summary.scoring_status(), v1::SCORED);
  EXPECT_TRUE(summary.has_errors());
  EXPECT_TRUE(MessageDifferencer::Equals(summary.finding_counts(), response->finding_counts()));
  EXPECT_EQ(summary.scorecard_summary().profile(), "fake");

  // A retry with a key answers the same findings.
  absl::StatusOr<v1::SubmitResponse> keyed = Submit(seed, "with-findings");
  absl::StatusOr<v1::SubmitResponse> replay = Submit(seed, "with-findings");
  ASSERT_TRUE(replay.ok());
  EXPECT_TRUE(replay->replayed());
  EXPECT_EQ(replay->findings_size(), response->findings_size());
  EXPECT_EQ(replay->status(), v1::HAS_ERRORS);
}

TEST_F(IngestorTest, ACleanPackageHasNoFindingsAndIsScored) {
  const v1::EvaluationPackage clean = CleanPackage();
  absl::StatusOr<v1::SubmitResponse> response = Submit(clean);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(RuleIds(response->findings()), IsEmpty());
  EXPECT_FALSE(response->has_errors());
  EXPECT_EQ(response->finding_counts().total(), 0);
  EXPECT_EQ(response->status(), v1::SCORED);
  EXPECT_EQ(response->scoring_status(), v1::SCORED);
}

TEST_F(IngestorTest, WarningsAloneDoNotMakeHasErrors) {
  // The seed's error findings demoted to warnings everywhere.
  std::string text;
  for (const char* rule : {"T1-04", "RT-08", "R-01", "X-02", "W-02", "I-04"}) {
    text += std::string("overrides { rule_id: \"") + rule + "\" severity: SEVERITY_WARNING }\n";
  }
  MakeIngestor(&scorer_, ConfigFromText(text));
  absl::StatusOr<v1::SubmitResponse> response = Submit(SeedPackage());
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_GT(response->finding_counts().warning(), 0);
  EXPECT_EQ(response->finding_counts().error(), 0);
  EXPECT_FALSE(response->has_errors());
  EXPECT_EQ(response->status(), v1::SCORED);
}

TEST_F(IngestorTest, PendingWinsUntilScoredThenHasErrorsShows) {
  scorer_.Fail(absl::UnavailableError("down"));
  const v1::EvaluationPackage seed = SeedPackage();
  absl::StatusOr<v1::SubmitResponse> response = Submit(seed);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status(), v1::SCORING_PENDING);
  EXPECT_EQ(response->scoring_status(), v1::SCORING_PENDING);
  EXPECT_TRUE(response->has_errors());
  EXPECT_GT(response->findings_size(), 0);

  scorer_.Fail(absl::OkStatus());
  OutboxDispatcher dispatcher(store_.get(), &scorer_, nullptr, DispatcherOptions());
  ASSERT_EQ(*dispatcher.RunOnce(), 1);
  absl::StatusOr<v1::GetEvaluationResponse> got = Get(seed.unit().uscc(), 2023);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->evaluation().status(), v1::HAS_ERRORS);
  EXPECT_EQ(got->evaluation().scoring_status(), v1::SCORED);
  EXPECT_TRUE(got->evaluation().has_scorecard());
  EXPECT_EQ(got->evaluation().findings_size(), response->findings_size());
}

TEST_F(IngestorTest, ScoringRefusedAndErrorsShowsHasErrorsWithTheScoringStatusApart) {
  scorer_.Fail(absl::InvalidArgumentError("unknown profile"));
  absl::StatusOr<v1::SubmitResponse> response = Submit(SeedPackage());
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status(), v1::HAS_ERRORS);
  EXPECT_EQ(response->scoring_status(), v1::SCORING_FAILED);
}

TEST_F(IngestorTest, HeadlineStatusCombinesTheTwoDimensions) {
  EXPECT_EQ(HeadlineStatus(v1::SCORING_PENDING, false), v1::SCORING_PENDING);
  EXPECT_EQ(HeadlineStatus(v1::SCORING_PENDING, true), v1::SCORING_PENDING);
  EXPECT_EQ(HeadlineStatus(v1::SCORED, false), v1::SCORED);
  EXPECT_EQ(HeadlineStatus(v1::SCORED, true), v1::HAS_ERRORS);
  EXPECT_EQ(HeadlineStatus(v1::SCORING_FAILED, false), v1::SCORING_FAILED);
  EXPECT_EQ(HeadlineStatus(v1::SCORING_FAILED, true), v1::HAS_ERRORS);
  // A version stored before scoring_status existed.
  v1::StoredEvaluation old;
  old.set_status(v1::SCORING_PENDING);
  EXPECT_EQ(ScoringStatusOf(old), v1::SCORING_PENDING);
}

TEST_F(IngestorTest, ABlockingRuleRefusesThePackageAndStoresNothing) {
  MakeIngestor(&scorer_, ConfigFromText(R"pb(
    regions {
      division_prefix: "4306"
      overrides { rule_id: "T1-04" blocking: true }
    }
  )pb"));
  const v1::EvaluationPackage seed = SeedPackage();
  absl::StatusOr<v1::SubmitResponse> response = Submit(seed, "blocked-key");
  ASSERT_TRUE(absl::IsFailedPrecondition(response.status())) << response.status();
  EXPECT_THAT(std::string(response.status().message()), ::testing::HasSubstr("T1-04"));
  std::optional<v1::BlockingFindings> blocking = GetBlockingFindings(response.status());
  ASSERT_TRUE(blocking.has_value());
  ASSERT_THAT(blocking->findings(), SizeIs(1));
  EXPECT_EQ(blocking->findings(0).rule_id(), "T1-04");
  EXPECT_EQ(blocking->findings(0).field_path(), "basic_data.project_spending.total.final_fen");
  EXPECT_EQ(blocking->findings(0).value_found(), "136.52万元");
  EXPECT_GT(blocking->all_findings().total(), 1);
  EXPECT_FALSE(GetValidationErrors(response.status()).has_value());

  // Nothing stored, nothing scored, the key still free.
  EXPECT_EQ(scorer_.calls.load(), 0);
  EXPECT_THAT(Versions(seed.unit().uscc(), 2023), IsEmpty());
  EXPECT_THAT(*store_->ListOutbox(10), IsEmpty());
  EXPECT_FALSE(store_->GetIdempotency("blocked-key")->has_value());
  EXPECT_TRUE(absl::IsNotFound(Get(seed.unit().uscc(), 2023).status()));

  // On the wire: FAILED_PRECONDITION with the findings as details.
  grpc::Status wire = ToGrpcStatusWithDetails(response.status());
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  std::optional<v1::BlockingFindings> read = BlockingFindingsFromGrpcStatus(wire);
  ASSERT_TRUE(read.has_value());
  ASSERT_THAT(read->findings(), SizeIs(1));
  EXPECT_EQ(read->findings(0).rule_id(), "T1-04");
  EXPECT_EQ(read->all_findings().total(), blocking->all_findings().total());
  EXPECT_FALSE(ValidationErrorsFromGrpcStatus(wire).has_value());

  // The same rule blocks only in its region: a unit of 4307 is stored.
  absl::StatusOr<v1::SubmitResponse> elsewhere = Submit(PackageForUnit(5, "430702"));
  ASSERT_TRUE(elsewhere.ok()) << elsewhere.status();
  EXPECT_EQ(elsewhere->status(), v1::HAS_ERRORS);
  EXPECT_THAT(RuleIds(elsewhere->findings()), Contains("T1-04"));

  // A corrected package passes in the blocking region too.
  v1::EvaluationPackage corrected = seed;
  corrected.mutable_basic_data()->mutable_project_spending()->mutable_total()->set_final_fen(
      40'000'000);
  absl::StatusOr<v1::SubmitResponse> fixed = Submit(corrected, "blocked-key");
  ASSERT_TRUE(fixed.ok()) << fixed.status();
  EXPECT_EQ(fixed->version(), 1);
  EXPECT_THAT(RuleIds(fixed->findings()), ::testing::Not(Contains("T1-04")));
}

// --- delivery to aggregation -------------------------------------------------

// Kinds of the outbox records, oldest first.
std::vector<OutboxKind> OutboxKinds(IngestionStore* store) {
  std::vector<OutboxKind> kinds;
  for (const OutboxEntry& e : *store->ListOutbox(100)) kinds.push_back(e.record.kind());
  return kinds;
}

TEST_F(IngestorTest, ScoredVersionIsDeliveredOnceWithScoreAndFindings) {
  MakeIngestor(&scorer_, ConsistencyConfig(), /*deliver=*/true);
  const v1::EvaluationPackage seed = SeedPackage();
  absl::StatusOr<v1::SubmitResponse> response = Submit(seed);
  ASSERT_TRUE(response.ok()) << response.status();
  // In the version's own batch: one delivery, no scoring (scored already).
  EXPECT_THAT(OutboxKinds(store_.get()), ElementsAre(OUTBOX_DELIVER_AGGREGATION));
  EXPECT_EQ(outbox_notifications_.load(), 1);

  FakeSink sink;
  OutboxDispatcher dispatcher(store_.get(), &scorer_, &sink, DispatcherOptions());
  ASSERT_EQ(*dispatcher.RunOnce(), 1);
  const std::vector<v1::ApplyEvaluationRequest> delivered = sink.delivered();
  ASSERT_THAT(delivered, SizeIs(1));
  const v1::ApplyEvaluationRequest& request = delivered[0];
  EXPECT_EQ(request.package().unit().uscc(), seed.unit().uscc());
  EXPECT_EQ(request.package().year(), 2023);
  EXPECT_EQ(request.version(), 1);
  EXPECT_EQ(request.submitted_at_unix_ms(), now_.load());
  // HAS_ERRORS, yet scored: the score goes with it, and the findings.
  EXPECT_EQ(response->status(), v1::HAS_ERRORS);
  EXPECT_EQ(request.score().profile(), "fake");
  EXPECT_EQ(request.findings_size(), response->findings_size());
  EXPECT_THAT(*store_->ListOutbox(10), IsEmpty());
  EXPECT_EQ(*dispatcher.RunOnce(), 0);
  EXPECT_THAT(sink.delivered(), SizeIs(1));
}

TEST_F(IngestorTest, WithoutAggregationNoDeliveryIsWritten) {
  ASSERT_TRUE(Submit(SeedPackage()).ok());
  EXPECT_THAT(*store_->ListOutbox(10), IsEmpty());
}

TEST_F(IngestorTest, PendingVersionIsDeliveredNowAndAgainOnceScored) {
  MakeIngestor(&scorer_, ConsistencyConfig(), /*deliver=*/true);
  scorer_.Fail(absl::UnavailableError("scoring down"));
  const v1::EvaluationPackage seed = SeedPackage();
  ASSERT_TRUE(Submit(seed).ok());
  EXPECT_THAT(OutboxKinds(store_.get()),
              ElementsAre(OUTBOX_SCORE, OUTBOX_DELIVER_AGGREGATION));

  FakeSink sink;
  OutboxDispatcher dispatcher(store_.get(), &scorer_, &sink, DispatcherOptions());
  // Scoring is unreachable; delivery goes on without it.
  ASSERT_EQ(*dispatcher.RunOnce(), 1);
  ASSERT_THAT(sink.delivered(), SizeIs(1));
  EXPECT_FALSE(sink.delivered()[0].has_score());
  EXPECT_THAT(OutboxKinds(store_.get()), ElementsAre(OUTBOX_SCORE));

  // Scored: the scorecard and a new delivery in one batch, delivered in the
  // same pass.
  scorer_.Fail(absl::OkStatus());
  now_ += 1000;
  ASSERT_EQ(*dispatcher.RunOnce(), 2);
  ASSERT_THAT(sink.delivered(), SizeIs(2));
  EXPECT_EQ(sink.delivered()[1].version(), 1);
  EXPECT_EQ(sink.delivered()[1].score().profile(), "fake");
  EXPECT_THAT(*store_->ListOutbox(10), IsEmpty());
  EXPECT_EQ(Get(seed.unit().uscc(), 2023)->evaluation().status(), v1::HAS_ERRORS);
}

TEST_F(IngestorTest, AggregationDownKeepsEveryDeliveryAndRetriesWithBackoff) {
  MakeIngestor(&scorer_, ConsistencyConfig(), /*deliver=*/true);
  for (int unit = 0; unit < 5; ++unit) ASSERT_TRUE(Submit(PackageForUnit(unit)).ok());
  FakeSink sink;
  sink.Fail(absl::UnavailableError("connection refused"));
  OutboxDispatcher dispatcher(store_.get(), &scorer_, &sink, DispatcherOptions());

  // One attempt per pass while it is down: the rest would fail the same way.
  ASSERT_EQ(*dispatcher.RunOnce(), 0);
  EXPECT_EQ(sink.calls(), 1);
  std::vector<OutboxEntry> outbox = *store_->ListOutbox(10);
  ASSERT_THAT(outbox, SizeIs(5));
  EXPECT_EQ(outbox[0].record.attempts(), 1);
  EXPECT_EQ(outbox[0].record.next_attempt_unix_ms(), now_.load() + 1000);
  EXPECT_THAT(outbox[0].record.last_error(), ::testing::HasSubstr("connection refused"));
  EXPECT_EQ(outbox[1].record.attempts(), 0);
  // Within the target's backoff nothing is tried at all.
  ASSERT_EQ(*dispatcher.RunOnce(), 0);
  EXPECT_EQ(sink.calls(), 1);
  // Past it, still down: the next record is tried, and the wait doubles.
  now_ += 1000;
  ASSERT_EQ(*dispatcher.RunOnce(), 0);
  EXPECT_EQ(sink.calls(), 2);
  now_ += 1500;
  ASSERT_EQ(*dispatcher.RunOnce(), 0);
  EXPECT_EQ(sink.calls(), 2);

  // Back up: every version is delivered, none lost, none twice.
  sink.Fail(absl::OkStatus());
  now_ += 500;
  ASSERT_EQ(*dispatcher.RunOnce(), 5);
  std::set<std::string> units;
  for (const auto& r : sink.delivered()) units.insert(r.package().unit().uscc());
  EXPECT_EQ(units.size(), 5u);
  EXPECT_THAT(sink.delivered(), SizeIs(5));
  EXPECT_THAT(*store_->ListOutbox(10), IsEmpty());
}

TEST_F(IngestorTest, ARefusedDeliveryIsKeptAndDoesNotHoldUpTheOthers) {
  MakeIngestor(&scorer_, ConsistencyConfig(), /*deliver=*/true);
  const v1::EvaluationPackage seed = SeedPackage();
  ASSERT_TRUE(Submit(seed).ok());  // version 1
  ASSERT_TRUE(Submit(seed).ok());  // version 2
  FakeSink sink;
  sink.FailVersion(1, absl::InvalidArgumentError("refused"));
  OutboxDispatcher dispatcher(store_.get(), &scorer_, &sink, DispatcherOptions());
  ASSERT_EQ(*dispatcher.RunOnce(), 1);
  ASSERT_THAT(sink.delivered(), SizeIs(1));
  EXPECT_EQ(sink.delivered()[0].version(), 2);
  std::vector<OutboxEntry> outbox = *store_->ListOutbox(10);
  ASSERT_THAT(outbox, SizeIs(1));
  EXPECT_EQ(outbox[0].record.version(), 1);
  EXPECT_EQ(outbox[0].record.attempts(), 1);

  // Retried with the record's own backoff, delivered once accepted.
  sink.FailVersion(1, absl::OkStatus());
  ASSERT_EQ(*dispatcher.RunOnce(), 0);
  now_ += 1000;
  ASSERT_EQ(*dispatcher.RunOnce(), 1);
  EXPECT_EQ(sink.delivered()[1].version(), 1);
  EXPECT_THAT(*store_->ListOutbox(10), IsEmpty());
}

TEST_F(IngestorTest, DueDeliveriesGoInRoundsOfTheBatchSize) {
  MakeIngestor(&scorer_, ConsistencyConfig(), /*deliver=*/true);
  for (int unit = 0; unit < 7; ++unit) ASSERT_TRUE(Submit(PackageForUnit(unit)).ok());
  FakeSink sink;
  OutboxDispatcher::Options options = DispatcherOptions();
  options.batch_size = 3;
  OutboxDispatcher dispatcher(store_.get(), &scorer_, &sink, options);
  ASSERT_EQ(*dispatcher.RunOnce(), 7);
  EXPECT_THAT(sink.rounds(), ElementsAre(3, 3, 1));
  std::set<std::string> units;
  for (const auto& r : sink.delivered()) units.insert(r.package().unit().uscc());
  EXPECT_EQ(units.size(), 7u);
  EXPECT_THAT(*store_->ListOutbox(10), IsEmpty());
  EXPECT_EQ(*dispatcher.RunOnce(), 0);
  EXPECT_THAT(sink.delivered(), SizeIs(7));
}

TEST_F(IngestorTest, ATargetLostPartWayThroughARoundKeepsTheRestUntouched) {
  MakeIngestor(&scorer_, ConsistencyConfig(), /*deliver=*/true);
  for (int unit = 0; unit < 5; ++unit) ASSERT_TRUE(Submit(PackageForUnit(unit)).ok());
  FakeSink sink;
  sink.FailAfter(2, absl::UnavailableError("connection reset"));
  OutboxDispatcher dispatcher(store_.get(), &scorer_, &sink, DispatcherOptions());
  // Two delivered and completed, the third counted as a failed attempt, the
  // last two not attempted.
  ASSERT_EQ(*dispatcher.RunOnce(), 2);
  EXPECT_EQ(sink.calls(), 3);
  std::vector<OutboxEntry> outbox = *store_->ListOutbox(10);
  ASSERT_THAT(outbox, SizeIs(3));
  EXPECT_EQ(outbox[0].record.attempts(), 1);
  EXPECT_THAT(outbox[0].record.last_error(), ::testing::HasSubstr("connection reset"));
  EXPECT_EQ(outbox[1].record.attempts(), 0);
  EXPECT_EQ(outbox[2].record.attempts(), 0);
  // Back: the rest once the backoff has passed, nothing twice.
  sink.FailAfter(0, absl::OkStatus());
  now_ += 1000;
  ASSERT_EQ(*dispatcher.RunOnce(), 3);
  std::set<std::string> units;
  for (const auto& r : sink.delivered()) units.insert(r.package().unit().uscc());
  EXPECT_EQ(units.size(), 5u);
  EXPECT_THAT(sink.delivered(), SizeIs(5));
  EXPECT_THAT(*store_->ListOutbox(10), IsEmpty());
}

TEST_F(IngestorTest, BackoffOfADeliveryIsCappedAtThirtySeconds) {
  OutboxDispatcher dispatcher(store_.get(), &scorer_, nullptr, OutboxDispatcher::Options());
  EXPECT_EQ(dispatcher.Backoff(1).count(), 500);
  EXPECT_EQ(dispatcher.Backoff(7).count(), 30000);
  EXPECT_EQ(dispatcher.Backoff(1000).count(), 30000);
}

}  // namespace
}  // namespace ingestion
}  // namespace budgetperf
