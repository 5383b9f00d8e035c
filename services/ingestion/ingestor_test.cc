#include "services/ingestion/ingestor.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/server/grpc_status.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/consistency/consistency_config.h"
#include "services/consistency/package_checker.h"
#include "services/consistency/rule_catalogue.h"
#include "services/ingestion/evaluation_sink.h"
#include "services/ingestion/evaluation_status.h"
#include "services/ingestion/ingestor_test_fixture.h"
#include "services/ingestion/outbox_dispatcher.h"
#include "services/ingestion/package_validator.h"
#include "services/ingestion/test_packages.h"
#include "services/ingestion/validation_errors.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tools/generator/sample_generator.h"

namespace budgetperf {
namespace ingestion {
namespace ingestor_test {
namespace {

using google::protobuf::util::MessageDifferencer;

TEST_F(IngestorTest, SubmitStoresTheSeedScoredAndReadsItBack) {
  const v1::EvaluationPackage seed = SeedPackage();
  absl::StatusOr<v1::SubmitResponse> response = Submit(seed);
  ASSERT_THAT(response, IsOk());
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
  ASSERT_THAT(got, IsOk());
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
  ASSERT_THAT(Submit(seed), IsOk());
  v1::EvaluationPackage corrected = seed;
  corrected.mutable_basic_data()->mutable_project_spending()->mutable_total()->set_final_fen(
      40'000'000);
  absl::StatusOr<v1::SubmitResponse> second = Submit(corrected);
  ASSERT_THAT(second, IsOk());
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
  EXPECT_THAT(Get(seed.unit().uscc(), 2023, 3).status(), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Get(seed.unit().uscc(), 2022).status(), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(IngestorTest, IdempotentRetryReturnsTheFirstAnswerAndStoresNothing) {
  const v1::EvaluationPackage seed = SeedPackage();
  absl::StatusOr<v1::SubmitResponse> first = Submit(seed, "retry-me");
  ASSERT_THAT(first, IsOk());
  now_ += 5000;
  absl::StatusOr<v1::SubmitResponse> again = Submit(seed, "retry-me");
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->replayed());
  EXPECT_EQ(again->version(), 1);
  EXPECT_EQ(again->submitted_at_unix_ms(), first->submitted_at_unix_ms());
  EXPECT_THAT(Versions(seed.unit().uscc(), 2023), ElementsAre(1));
  EXPECT_EQ(scorer_.calls.load(), 1) << "a replay is answered before scoring";

  v1::EvaluationPackage other = seed;
  other.mutable_unit()->set_name("另一个名字");
  absl::StatusOr<v1::SubmitResponse> conflict = Submit(other, "retry-me");
  EXPECT_THAT(conflict.status(), StatusIs(absl::StatusCode::kAlreadyExists));
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
  ASSERT_THAT(response.status(), StatusIs(absl::StatusCode::kInvalidArgument));
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
  ASSERT_THAT(response.status(), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(GetValidationErrors(response.status())->violations(0).field_path(), "idempotency_key");
}

TEST_F(IngestorTest, ReadsCheckTheirArguments) {
  absl::StatusOr<v1::GetEvaluationResponse> got = Get("not-a-uscc", 1900);
  ASSERT_THAT(got.status(), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(GetValidationErrors(got.status())->violations(), SizeIs(2));
}

TEST_F(IngestorTest, RefusedByScoringIsStoredAsFailedAndNotRetried) {
  scorer_.Fail(absl::InvalidArgumentError("unknown profile"));
  absl::StatusOr<v1::SubmitResponse> response = Submit(SeedPackage());
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->scoring_status(), v1::SCORING_FAILED);
  EXPECT_THAT(*store_->ListOutbox(10), IsEmpty());
  EXPECT_EQ(Get(SeedPackage().unit().uscc(), 2023)->evaluation().scoring_error(),
            "unknown profile");
}

TEST_F(IngestorTest, WithoutScorerEverythingIsPending) {
  MakeIngestor(nullptr);
  absl::StatusOr<v1::SubmitResponse> response = Submit(SeedPackage());
  ASSERT_THAT(response, IsOk());
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
  ASSERT_THAT(response, IsOk());
  ASSERT_THAT(response->warnings(), SizeIs(1));
  EXPECT_EQ(response->warnings(0).field_path(),
            "overall.indicators[0].level2[0].indicators[0].actual");
  EXPECT_THAT(Get(package.unit().uscc(), 2023)->evaluation().warnings(), SizeIs(1));
}

TEST_F(IngestorTest, ConcurrentSubmitsOfOneUnitGetDistinctConsecutiveVersions) {
  constexpr int kThreads = 8;
  constexpr int kEach = 5;
  std::vector<std::thread> threads;
  absl::Mutex mu;
  std::vector<int> versions;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        absl::StatusOr<v1::SubmitResponse> r = Submit(SeedPackage());
        ASSERT_THAT(r, IsOk());
        absl::MutexLock lock(&mu);
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
      ASSERT_THAT(r, IsOk());
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
  ASSERT_THAT(Submit(a), IsOk());
  ASSERT_THAT(Submit(a), IsOk());  // version 2: listed once, as its latest
  ASSERT_THAT(Submit(PackageForUnit(2, "430603")), IsOk());
  ASSERT_THAT(Submit(PackageForUnit(3, "440100")), IsOk());
  v1::EvaluationPackage d = PackageForUnit(4, "430602");
  d.set_year(2024);
  ASSERT_THAT(Submit(d), IsOk());

  auto list = [&](int32_t year, const std::string& division, const std::string& department) {
    v1::ListEvaluationsRequest request;
    request.set_year(year);
    request.set_division_code(division);
    request.set_supervising_department(department);
    absl::StatusOr<std::vector<ListingKey>> keys = ingestor_->ListEvaluationKeys(request);
    EXPECT_THAT(keys, IsOk());
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
  EXPECT_THAT(ingestor_->ListEvaluationKeys(bad).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));

  ListingKey key;
  key.uscc = u1;
  key.year = 2023;
  key.version = 2;
  absl::StatusOr<v1::ListEvaluationsResponse> summary =
      ingestor_->ReadListing(key, v1::EVALUATION_VIEW_SUMMARY);
  ASSERT_THAT(summary, IsOk());
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
  ASSERT_THAT(Submit(a), IsOk());
  ASSERT_THAT(Submit(a, "key-2"), IsOk());
  scorer_.Fail(absl::UnavailableError("down"));
  ASSERT_THAT(Submit(PackageForUnit(2, "430603")), IsOk());
  scorer_.Fail(absl::OkStatus());
  for (int unit = 3; unit <= 6; ++unit) ASSERT_THAT(Submit(PackageForUnit(unit, "430602")), IsOk());
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
  absl::StatusOr<std::vector<ListingKey>> keys = ingestor_->ListEvaluationKeys(request);
  ASSERT_THAT(keys, IsOk());
  ASSERT_THAT(*keys, SizeIs(7));

  for (v1::EvaluationView view : {v1::EVALUATION_VIEW_FULL, v1::EVALUATION_VIEW_SUMMARY,
                                  v1::EVALUATION_VIEW_UNSPECIFIED}) {
    v1::ListEvaluationsResponse message;
    absl::StatusOr<size_t> used =
        ingestor_->ReadListingBatch(*keys, view, kListingBatchBytes, &message);
    ASSERT_THAT(used, IsOk());
    EXPECT_EQ(*used, keys->size());
    std::vector<v1::ListEvaluationsResponse> items = BatchItems(message);
    ASSERT_THAT(items, SizeIs(keys->size()));
    for (size_t i = 0; i < items.size(); ++i) {
      absl::StatusOr<v1::ListEvaluationsResponse> one = ingestor_->ReadListing((*keys)[i], view);
      ASSERT_THAT(one, IsOk());
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
  for (int unit = 1; unit <= 5; ++unit) ASSERT_THAT(Submit(PackageForUnit(unit)), IsOk());
  absl::StatusOr<std::vector<ListingKey>> keys =
      ingestor_->ListEvaluationKeys(v1::ListEvaluationsRequest());
  ASSERT_THAT(keys, IsOk());
  ASSERT_THAT(*keys, SizeIs(5));

  // A budget smaller than any entry: one per message all the same.
  v1::ListEvaluationsResponse message;
  absl::StatusOr<size_t> used =
      ingestor_->ReadListingBatch(*keys, v1::EVALUATION_VIEW_FULL, 1, &message);
  ASSERT_THAT(used, IsOk());
  EXPECT_EQ(*used, 1);
  std::vector<v1::ListEvaluationsResponse> items = BatchItems(message);
  ASSERT_THAT(items, SizeIs(1));
  const size_t entry_bytes = items[0].ByteSizeLong();

  // Room for two and a bit: the third goes over, and is the last.
  message.Clear();
  used = ingestor_->ReadListingBatch(absl::MakeConstSpan(*keys).subspan(1),
                                     v1::EVALUATION_VIEW_FULL, 2 * entry_bytes + 1, &message);
  ASSERT_THAT(used, IsOk());
  EXPECT_EQ(*used, 3);
  items = BatchItems(message);
  ASSERT_THAT(items, SizeIs(3));
  EXPECT_EQ(items[0].summary().uscc(), (*keys)[1].uscc);
  EXPECT_EQ(items[2].summary().uscc(), (*keys)[3].uscc);

  // Nothing to read: nothing used.
  message.Clear();
  used = ingestor_->ReadListingBatch({}, v1::EVALUATION_VIEW_FULL, kListingBatchBytes, &message);
  ASSERT_THAT(used, IsOk());
  EXPECT_EQ(*used, 0);
  EXPECT_THAT(BatchItems(message), IsEmpty());
}

TEST_F(IngestorTest, NegativeBatchIsRefused) {
  v1::ListEvaluationsRequest request;
  request.set_batch(-1);
  absl::Status status = ingestor_->ListEvaluationKeys(request).status();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
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
  EXPECT_THAT(config, IsOk());
  return config.ok() ? *std::move(config) : ConsistencyConfig();
}

TEST_F(IngestorTest, FindingsOfTheSeedAreReturnedAndStored) {
  const v1::EvaluationPackage seed = SeedPackage();
  absl::StatusOr<v1::SubmitResponse> response = Submit(seed);
  ASSERT_THAT(response, IsOk());

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
  ASSERT_THAT(got, IsOk());
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
  absl::StatusOr<v1::ListVersionsResponse> versions = ingestor_->ListVersions(history);
  ASSERT_THAT(versions, IsOk());
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
  ASSERT_THAT(replay, IsOk());
  EXPECT_TRUE(replay->replayed());
  EXPECT_EQ(replay->findings_size(), response->findings_size());
  EXPECT_EQ(replay->status(), v1::HAS_ERRORS);
}

TEST_F(IngestorTest, ACleanPackageHasNoFindingsAndIsScored) {
  const v1::EvaluationPackage clean = CleanPackage();
  absl::StatusOr<v1::SubmitResponse> response = Submit(clean);
  ASSERT_THAT(response, IsOk());
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
  ASSERT_THAT(response, IsOk());
  EXPECT_GT(response->finding_counts().warning(), 0);
  EXPECT_EQ(response->finding_counts().error(), 0);
  EXPECT_FALSE(response->has_errors());
  EXPECT_EQ(response->status(), v1::SCORED);
}

TEST_F(IngestorTest, PendingWinsUntilScoredThenHasErrorsShows) {
  scorer_.Fail(absl::UnavailableError("down"));
  const v1::EvaluationPackage seed = SeedPackage();
  absl::StatusOr<v1::SubmitResponse> response = Submit(seed);
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status(), v1::SCORING_PENDING);
  EXPECT_EQ(response->scoring_status(), v1::SCORING_PENDING);
  EXPECT_TRUE(response->has_errors());
  EXPECT_GT(response->findings_size(), 0);

  scorer_.Fail(absl::OkStatus());
  OutboxDispatcher dispatcher(store_.get(), &scorer_, nullptr, DispatcherOptions());
  ASSERT_EQ(*dispatcher.RunOnce(), 1);
  absl::StatusOr<v1::GetEvaluationResponse> got = Get(seed.unit().uscc(), 2023);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->evaluation().status(), v1::HAS_ERRORS);
  EXPECT_EQ(got->evaluation().scoring_status(), v1::SCORED);
  EXPECT_TRUE(got->evaluation().has_scorecard());
  EXPECT_EQ(got->evaluation().findings_size(), response->findings_size());
}

TEST_F(IngestorTest, ScoringRefusedAndErrorsShowsHasErrorsWithTheScoringStatusApart) {
  scorer_.Fail(absl::InvalidArgumentError("unknown profile"));
  absl::StatusOr<v1::SubmitResponse> response = Submit(SeedPackage());
  ASSERT_THAT(response, IsOk());
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
  ASSERT_THAT(response.status(), StatusIs(absl::StatusCode::kFailedPrecondition));
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
  EXPECT_THAT(Get(seed.unit().uscc(), 2023).status(), StatusIs(absl::StatusCode::kNotFound));

  // On the wire: FAILED_PRECONDITION with the findings as details.
  grpc::Status wire = ToGrpcStatus(CutDetailsToFit(response.status()));
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  std::optional<v1::BlockingFindings> read = GetBlockingFindings(FromGrpcStatus(wire));
  ASSERT_TRUE(read.has_value());
  ASSERT_THAT(read->findings(), SizeIs(1));
  EXPECT_EQ(read->findings(0).rule_id(), "T1-04");
  EXPECT_EQ(read->all_findings().total(), blocking->all_findings().total());
  EXPECT_FALSE(GetValidationErrors(FromGrpcStatus(wire)).has_value());

  // The same rule blocks only in its region: a unit of 4307 is stored.
  absl::StatusOr<v1::SubmitResponse> elsewhere = Submit(PackageForUnit(5, "430702"));
  ASSERT_THAT(elsewhere, IsOk());
  EXPECT_EQ(elsewhere->status(), v1::HAS_ERRORS);
  EXPECT_THAT(RuleIds(elsewhere->findings()), Contains("T1-04"));

  // A corrected package passes in the blocking region too.
  v1::EvaluationPackage corrected = seed;
  corrected.mutable_basic_data()->mutable_project_spending()->mutable_total()->set_final_fen(
      40'000'000);
  absl::StatusOr<v1::SubmitResponse> fixed = Submit(corrected, "blocked-key");
  ASSERT_THAT(fixed, IsOk());
  EXPECT_EQ(fixed->version(), 1);
  EXPECT_THAT(RuleIds(fixed->findings()), ::testing::Not(Contains("T1-04")));
}

}  // namespace
}  // namespace ingestor_test
}  // namespace ingestion
}  // namespace budgetperf
