// OutboxDispatcher over a real store: pending versions scored later with
// backoff, in batches and in the background, and deliveries to aggregation
// kept, retried and sent in rounds.

#include "services/ingestion/outbox_dispatcher.h"

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/consistency/consistency_config.h"
#include "services/ingestion/ingestor.h"
#include "services/ingestion/ingestor_test_fixture.h"
#include "services/ingestion/test_packages.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace ingestion {
namespace ingestor_test {
namespace {

// The ingestor's fixture (a real store, a fake scorer, an ingestor whose
// submits fill the outbox): the dispatcher works on what it leaves.
class OutboxDispatcherTest : public IngestorTest {};

TEST_F(OutboxDispatcherTest, UnreachableScoringStoresPendingAndTheOutboxScoresItLater) {
  scorer_.Fail(absl::UnavailableError("connection refused"));
  const v1::EvaluationPackage seed = SeedPackage();
  absl::StatusOr<v1::SubmitResponse> response = Submit(seed);
  ASSERT_THAT(response, IsOk());
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

TEST_F(OutboxDispatcherTest, DispatcherRunningInTheBackgroundScoresPendingVersions) {
  scorer_.Fail(absl::DeadlineExceededError("slow"));
  for (int unit = 0; unit < 5; ++unit) ASSERT_THAT(Submit(PackageForUnit(unit)), IsOk());
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

TEST_F(OutboxDispatcherTest, DispatcherWalksTheWholeOutboxInBatches) {
  scorer_.Fail(absl::UnavailableError("down"));
  for (int unit = 0; unit < 7; ++unit) ASSERT_THAT(Submit(PackageForUnit(unit)), IsOk());
  scorer_.Fail(absl::OkStatus());
  OutboxDispatcher::Options options = DispatcherOptions();
  options.batch_size = 3;
  OutboxDispatcher dispatcher(store_.get(), &scorer_, nullptr, options);
  EXPECT_EQ(*dispatcher.RunOnce(), 7);
  EXPECT_THAT(*store_->ListOutbox(10), IsEmpty());
}

TEST_F(OutboxDispatcherTest, BackoffDoublesUpToTheMaximum) {
  OutboxDispatcher dispatcher(store_.get(), &scorer_, nullptr, DispatcherOptions());
  EXPECT_EQ(dispatcher.Backoff(1).count(), 1000);
  EXPECT_EQ(dispatcher.Backoff(2).count(), 2000);
  EXPECT_EQ(dispatcher.Backoff(3).count(), 4000);
  EXPECT_EQ(dispatcher.Backoff(4).count(), 8000);
  EXPECT_EQ(dispatcher.Backoff(50).count(), 8000);
}

// --- delivery to aggregation -------------------------------------------------

// Kinds of the outbox records, oldest first.
std::vector<OutboxKind> OutboxKinds(IngestionStore* store) {
  std::vector<OutboxKind> kinds;
  absl::StatusOr<std::vector<OutboxEntry>> outbox = store->ListOutbox(100);
  EXPECT_THAT(outbox, IsOk());
  if (!outbox.ok()) return kinds;
  for (const OutboxEntry& e : *outbox) kinds.push_back(e.record.kind());
  return kinds;
}

TEST_F(OutboxDispatcherTest, ScoredVersionIsDeliveredOnceWithScoreAndFindings) {
  MakeIngestor(&scorer_, ConsistencyConfig(), /*deliver=*/true);
  const v1::EvaluationPackage seed = SeedPackage();
  absl::StatusOr<v1::SubmitResponse> response = Submit(seed);
  ASSERT_THAT(response, IsOk());
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

TEST_F(OutboxDispatcherTest, WithoutAggregationNoDeliveryIsWritten) {
  ASSERT_THAT(Submit(SeedPackage()), IsOk());
  EXPECT_THAT(*store_->ListOutbox(10), IsEmpty());
}

TEST_F(OutboxDispatcherTest, PendingVersionIsDeliveredNowAndAgainOnceScored) {
  MakeIngestor(&scorer_, ConsistencyConfig(), /*deliver=*/true);
  scorer_.Fail(absl::UnavailableError("scoring down"));
  const v1::EvaluationPackage seed = SeedPackage();
  ASSERT_THAT(Submit(seed), IsOk());
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

TEST_F(OutboxDispatcherTest, AggregationDownKeepsEveryDeliveryAndRetriesWithBackoff) {
  MakeIngestor(&scorer_, ConsistencyConfig(), /*deliver=*/true);
  for (int unit = 0; unit < 5; ++unit) ASSERT_THAT(Submit(PackageForUnit(unit)), IsOk());
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

TEST_F(OutboxDispatcherTest, ARefusedDeliveryIsKeptAndDoesNotHoldUpTheOthers) {
  MakeIngestor(&scorer_, ConsistencyConfig(), /*deliver=*/true);
  const v1::EvaluationPackage seed = SeedPackage();
  ASSERT_THAT(Submit(seed), IsOk());  // version 1
  ASSERT_THAT(Submit(seed), IsOk());  // version 2
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

TEST_F(OutboxDispatcherTest, DueDeliveriesGoInRoundsOfTheBatchSize) {
  MakeIngestor(&scorer_, ConsistencyConfig(), /*deliver=*/true);
  for (int unit = 0; unit < 7; ++unit) ASSERT_THAT(Submit(PackageForUnit(unit)), IsOk());
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

TEST_F(OutboxDispatcherTest, ATargetLostPartWayThroughARoundKeepsTheRestUntouched) {
  MakeIngestor(&scorer_, ConsistencyConfig(), /*deliver=*/true);
  for (int unit = 0; unit < 5; ++unit) ASSERT_THAT(Submit(PackageForUnit(unit)), IsOk());
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

TEST_F(OutboxDispatcherTest, BackoffOfADeliveryIsCappedAtThirtySeconds) {
  OutboxDispatcher dispatcher(store_.get(), &scorer_, nullptr, OutboxDispatcher::Options());
  EXPECT_EQ(dispatcher.Backoff(1).count(), 500);
  EXPECT_EQ(dispatcher.Backoff(7).count(), 30000);
  EXPECT_EQ(dispatcher.Backoff(1000).count(), 30000);
}

}  // namespace
}  // namespace ingestor_test
}  // namespace ingestion
}  // namespace budgetperf
