#include "services/ingestion/ingestion_store.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "services/ingestion/test_packages.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace budgetperf {
namespace ingestion {
namespace {

using test_packages::PackageForUnit;
using test_packages::TestUscc;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

// Counts the records of one column family, straight from RocksDB.
int CountRecords(const IngestionStore& store, ColumnFamily cf) {
  std::unique_ptr<rocksdb::Iterator> it(
      store.db()->NewIterator(rocksdb::ReadOptions(), store.handle(cf)));
  int n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
  return n;
}

NewVersion MakeVersion(int unit, int32_t year, int32_t version,
                       const std::string& division = "430602") {
  NewVersion v;
  *v.evaluation.mutable_package() = PackageForUnit(unit, division);
  v.evaluation.mutable_package()->set_year(year);
  v.evaluation.set_version(version);
  v.evaluation.set_status(v1::SCORED);
  return v;
}

class IngestionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<budgetperf::testutil::TempDir> dir =
        budgetperf::testutil::TempDir::Create("store");
    ASSERT_THAT(dir, IsOk());
    dir_ = std::make_unique<budgetperf::testutil::TempDir>(*std::move(dir));
    Reopen();
  }

  void Reopen() {
    store_.reset();
    IngestionStore::Options options;
    options.path = dir_->Join("db");
    absl::StatusOr<std::unique_ptr<IngestionStore>> store = IngestionStore::Open(options);
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
  }

  std::unique_ptr<budgetperf::testutil::TempDir> dir_;
  std::unique_ptr<IngestionStore> store_;
};

TEST(StoreKeysTest, EvaluationKeysOrderByUnitYearThenVersionNumerically) {
  const std::string a = TestUscc(1);
  const std::string b = TestUscc(2);
  std::vector<std::string> keys = {
      store_keys::EvaluationKey(a, 2023, 1),     store_keys::EvaluationKey(a, 2023, 2),
      store_keys::EvaluationKey(a, 2023, 255),   store_keys::EvaluationKey(a, 2023, 256),
      store_keys::EvaluationKey(a, 2023, 70000), store_keys::EvaluationKey(a, 2024, 1),
      store_keys::EvaluationKey(b, 2000, 1),
  };
  for (size_t i = 1; i < keys.size(); ++i) EXPECT_LT(keys[i - 1], keys[i]) << i;
  const std::string prefix = store_keys::UnitYearKey(a, 2023);
  EXPECT_EQ(keys[3].compare(0, prefix.size(), prefix), 0);
  EXPECT_NE(keys[5].compare(0, prefix.size(), prefix), 0);

  std::string uscc;
  int32_t year = 0, version = 0;
  ASSERT_TRUE(store_keys::ParseEvaluationKey(keys[4], &uscc, &year, &version));
  EXPECT_EQ(uscc, a);
  EXPECT_EQ(year, 2023);
  EXPECT_EQ(version, 70000);
}

TEST(StoreKeysTest, YearIndexKeysOrderByYearDivisionUnit) {
  std::vector<std::string> keys = {
      store_keys::YearIndexKey(2023, "430602", TestUscc(9)),
      store_keys::YearIndexKey(2023, "430603", TestUscc(1)),
      store_keys::YearIndexKey(2023, "440100", TestUscc(1)),
      store_keys::YearIndexKey(2024, "110000", TestUscc(1)),
  };
  for (size_t i = 1; i < keys.size(); ++i) EXPECT_LT(keys[i - 1], keys[i]) << i;
  const std::string prefecture = store_keys::YearIndexPrefix(2023, "4306");
  EXPECT_EQ(keys[0].compare(0, prefecture.size(), prefecture), 0);
  EXPECT_EQ(keys[1].compare(0, prefecture.size(), prefecture), 0);
  EXPECT_NE(keys[2].compare(0, prefecture.size(), prefecture), 0);

  int32_t year = 0;
  std::string division, uscc;
  ASSERT_TRUE(store_keys::ParseYearIndexKey(keys[1], &year, &division, &uscc));
  EXPECT_EQ(year, 2023);
  EXPECT_EQ(division, "430603");
  EXPECT_EQ(uscc, TestUscc(1));
}

TEST(StoreKeysTest, OutboxKeysOrderNumerically) {
  EXPECT_LT(store_keys::OutboxKey(255), store_keys::OutboxKey(256));
  EXPECT_LT(store_keys::OutboxKey(1), store_keys::OutboxKey(uint64_t{1} << 40));
  uint64_t seq = 0;
  ASSERT_TRUE(store_keys::ParseOutboxKey(store_keys::OutboxKey(123456789), &seq));
  EXPECT_EQ(seq, 123456789u);
}

TEST_F(IngestionStoreTest, CommitWritesEveryRecordInOneBatch) {
  NewVersion v = MakeVersion(1, 2023, 1);
  v.idempotency_key = "key-1";
  v.idempotency.set_package_sha256("abc");
  v.idempotency.mutable_response()->set_version(1);
  OutboxRecord& record = v.outbox.emplace_back();
  record.set_uscc(TestUscc(1));
  record.set_year(2023);
  record.set_version(1);
  record.set_kind(OUTBOX_SCORE);
  ASSERT_THAT(store_->CommitNewVersion(v), IsOk());

  EXPECT_EQ(CountRecords(*store_, ColumnFamily::kEvaluations), 1);
  EXPECT_EQ(CountRecords(*store_, ColumnFamily::kLatest), 1);
  EXPECT_EQ(CountRecords(*store_, ColumnFamily::kByYear), 1);
  EXPECT_EQ(CountRecords(*store_, ColumnFamily::kIdempotency), 1);
  EXPECT_EQ(CountRecords(*store_, ColumnFamily::kOutbox), 1);

  absl::StatusOr<v1::StoredEvaluation> stored = store_->GetEvaluation(TestUscc(1), 2023, 1);
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->package().unit().name(), "测试单位1");
  absl::StatusOr<std::optional<LatestVersionRecord>> latest =
      store_->GetLatest(TestUscc(1), 2023);
  ASSERT_THAT(latest, IsOk());
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->version(), 1);
  EXPECT_EQ((*latest)->division_code(), "430602");
  absl::StatusOr<std::optional<IdempotencyRecord>> idem = store_->GetIdempotency("key-1");
  ASSERT_THAT(idem, IsOk());
  ASSERT_TRUE(idem->has_value());
  EXPECT_EQ((*idem)->package_sha256(), "abc");
}

TEST_F(IngestionStoreTest, DeferredSyncWritesAreStoredAndSyncedOnRequest) {
  // Nothing deferred yet: a no-op.
  ASSERT_THAT(store_->SyncDeferred(), IsOk());
  NewVersion v = MakeVersion(1, 2023, 1);
  v.defer_sync = true;
  ASSERT_THAT(store_->CommitNewVersion(v), IsOk());
  ASSERT_THAT(store_->CommitNewVersion(MakeVersion(2, 2023, 1)), IsOk());
  EXPECT_THAT(store_->GetEvaluation(TestUscc(1), 2023, 1), IsOk());
  ASSERT_THAT(store_->SyncDeferred(), IsOk());
  ASSERT_THAT(store_->SyncDeferred(), IsOk());
  Reopen();
  EXPECT_THAT(store_->GetEvaluation(TestUscc(1), 2023, 1), IsOk());
  EXPECT_THAT(store_->GetEvaluation(TestUscc(2), 2023, 1), IsOk());
}

TEST_F(IngestionStoreTest, RefusedCommitWritesNothing) {
  NewVersion v = MakeVersion(1, 2023, 1);
  v.evaluation.mutable_package()->mutable_unit()->set_uscc("SHORT");
  v.idempotency_key = "key-1";
  v.outbox.emplace_back();
  EXPECT_THAT(store_->CommitNewVersion(v), StatusIs(absl::StatusCode::kInvalidArgument));
  for (ColumnFamily cf : {ColumnFamily::kEvaluations, ColumnFamily::kLatest, ColumnFamily::kByYear,
                          ColumnFamily::kIdempotency, ColumnFamily::kOutbox}) {
    EXPECT_EQ(CountRecords(*store_, cf), 0) << static_cast<int>(cf);
  }
}

TEST_F(IngestionStoreTest, ListVersionsIsAPrefixScanOfOneUnitAndYear) {
  for (int version = 1; version <= 3; ++version) {
    ASSERT_THAT(store_->CommitNewVersion(MakeVersion(1, 2023, version)), IsOk());
  }
  ASSERT_THAT(store_->CommitNewVersion(MakeVersion(1, 2024, 1)), IsOk());
  ASSERT_THAT(store_->CommitNewVersion(MakeVersion(2, 2023, 1)), IsOk());

  absl::StatusOr<std::vector<v1::StoredEvaluation>> versions =
      store_->ListVersions(TestUscc(1), 2023);
  ASSERT_THAT(versions, IsOk());
  std::vector<int> numbers;
  for (const auto& e : *versions) numbers.push_back(e.version());
  EXPECT_THAT(numbers, ElementsAre(1, 2, 3));

  absl::StatusOr<std::vector<v1::StoredEvaluation>> none = store_->ListVersions(TestUscc(3), 2023);
  ASSERT_THAT(none, IsOk());
  EXPECT_THAT(*none, IsEmpty());
  EXPECT_THAT(store_->GetEvaluation(TestUscc(1), 2023, 4).status(),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(IngestionStoreTest, GetEvaluationBytesReadsManyInTheOrderAsked) {
  for (int version = 1; version <= 2; ++version) {
    ASSERT_THAT(store_->CommitNewVersion(MakeVersion(1, 2023, version)), IsOk());
  }
  ASSERT_THAT(store_->CommitNewVersion(MakeVersion(2, 2023, 1)), IsOk());
  ASSERT_THAT(store_->CommitNewVersion(MakeVersion(3, 2024, 1)), IsOk());

  // Not in key order, and one version twice: each answer in its place.
  const std::string u1 = TestUscc(1), u2 = TestUscc(2), u3 = TestUscc(3);
  const std::vector<EvaluationId> ids = {
      {u3, 2024, 1}, {u1, 2023, 2}, {u2, 2023, 1}, {u1, 2023, 1}, {u3, 2024, 1}};
  absl::StatusOr<std::vector<std::string>> bytes = store_->GetEvaluationBytes(ids);
  ASSERT_THAT(bytes, IsOk());
  ASSERT_EQ(bytes->size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    v1::StoredEvaluation parsed;
    ASSERT_TRUE(parsed.ParseFromString((*bytes)[i])) << i;
    EXPECT_EQ(parsed.package().unit().uscc(), ids[i].uscc) << i;
    EXPECT_EQ(parsed.package().year(), ids[i].year) << i;
    EXPECT_EQ(parsed.version(), ids[i].version) << i;
    // The very bytes a single read parses.
    absl::StatusOr<v1::StoredEvaluation> one =
        store_->GetEvaluation(ids[i].uscc, ids[i].year, ids[i].version);
    ASSERT_THAT(one, IsOk());
    EXPECT_EQ(one->SerializeAsString(), parsed.SerializeAsString()) << i;
  }

  absl::StatusOr<std::vector<std::string>> none = store_->GetEvaluationBytes({});
  ASSERT_THAT(none, IsOk());
  EXPECT_THAT(*none, IsEmpty());

  // One missing version fails the whole read, naming it.
  const std::vector<EvaluationId> missing = {{u1, 2023, 1}, {u2, 2023, 2}};
  absl::StatusOr<std::vector<std::string>> failed = store_->GetEvaluationBytes(missing);
  EXPECT_THAT(failed.status(), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(std::string(failed.status().message()), ::testing::HasSubstr(u2));
}

TEST_F(IngestionStoreTest, YearIndexScansByYearAndDivision) {
  ASSERT_THAT(store_->CommitNewVersion(MakeVersion(1, 2023, 1, "430602")), IsOk());
  ASSERT_THAT(store_->CommitNewVersion(MakeVersion(2, 2023, 1, "430603")), IsOk());
  ASSERT_THAT(store_->CommitNewVersion(MakeVersion(3, 2023, 1, "440100")), IsOk());
  ASSERT_THAT(store_->CommitNewVersion(MakeVersion(4, 2024, 1, "430602")), IsOk());

  auto scan = [&](int32_t year, const std::string& prefix) {
    std::vector<std::string> units;
    absl::Status s = store_->ScanYearIndex(year, prefix, [&](const YearIndexEntry& e) {
      units.push_back(e.uscc);
      return true;
    });
    EXPECT_THAT(s, IsOk());
    return units;
  };
  EXPECT_THAT(scan(2023, ""), ElementsAre(TestUscc(1), TestUscc(2), TestUscc(3)));
  EXPECT_THAT(scan(2023, "4306"), ElementsAre(TestUscc(1), TestUscc(2)));
  EXPECT_THAT(scan(2023, "430603"), ElementsAre(TestUscc(2)));
  EXPECT_THAT(scan(2024, ""), ElementsAre(TestUscc(4)));
  EXPECT_THAT(scan(0, "4306"), ElementsAre(TestUscc(1), TestUscc(2), TestUscc(4)));
}

TEST_F(IngestionStoreTest, MovingDivisionMovesTheIndexEntry) {
  ASSERT_THAT(store_->CommitNewVersion(MakeVersion(1, 2023, 1, "430602")), IsOk());
  NewVersion second = MakeVersion(1, 2023, 2, "430603");
  absl::StatusOr<std::optional<LatestVersionRecord>> latest =
      store_->GetLatest(TestUscc(1), 2023);
  ASSERT_THAT(latest, IsOk());
  second.previous = **latest;
  ASSERT_THAT(store_->CommitNewVersion(second), IsOk());

  std::vector<std::string> divisions;
  ASSERT_THAT(store_->ScanYearIndex(2023, "",
                                    [&](const YearIndexEntry& e) {
                                      divisions.push_back(e.division_code);
                                      EXPECT_EQ(e.record.latest_version(), 2);
                                      return true;
                                    }),
              IsOk());
  EXPECT_THAT(divisions, ElementsAre("430603"));
}

TEST_F(IngestionStoreTest, EverythingSurvivesReopening) {
  NewVersion v = MakeVersion(1, 2023, 1);
  v.outbox.emplace_back().set_uscc(TestUscc(1));
  v.outbox.emplace_back().set_uscc(TestUscc(1));
  ASSERT_THAT(store_->CommitNewVersion(v), IsOk());
  Reopen();
  EXPECT_THAT(store_->GetEvaluation(TestUscc(1), 2023, 1), IsOk());

  // Sequence numbers continue after the records left in the outbox.
  ASSERT_THAT(store_->CommitNewVersion(v), IsOk());
  absl::StatusOr<std::vector<OutboxEntry>> outbox = store_->ListOutbox(10);
  ASSERT_THAT(outbox, IsOk());
  std::vector<uint64_t> seqs;
  for (const OutboxEntry& e : *outbox) seqs.push_back(e.seq);
  EXPECT_THAT(seqs, ElementsAre(1, 2, 3, 4));
}

TEST_F(IngestionStoreTest, CompleteOutboxUpdatesAndRemovesTogether) {
  NewVersion v = MakeVersion(1, 2023, 1);
  v.evaluation.set_status(v1::SCORING_PENDING);
  v.outbox.emplace_back().set_uscc(TestUscc(1));
  ASSERT_THAT(store_->CommitNewVersion(v), IsOk());
  absl::StatusOr<std::vector<OutboxEntry>> outbox = store_->ListOutbox(10);
  ASSERT_THAT(outbox, IsOk());
  ASSERT_EQ(outbox->size(), 1u);

  OutboxRecord retry = (*outbox)[0].record;
  retry.set_attempts(3);
  ASSERT_THAT(store_->UpdateOutbox((*outbox)[0].seq, retry), IsOk());
  EXPECT_EQ(store_->ListOutbox(10)->at(0).record.attempts(), 3);

  v1::StoredEvaluation scored = v.evaluation;
  scored.set_status(v1::SCORED);
  ASSERT_THAT(store_->CompleteOutbox((*outbox)[0].seq, &scored), IsOk());
  EXPECT_THAT(*store_->ListOutbox(10), IsEmpty());
  EXPECT_EQ(store_->GetEvaluation(TestUscc(1), 2023, 1)->status(), v1::SCORED);
}

TEST_F(IngestionStoreTest, CompleteOutboxAppendsFollowUpWorkInTheSameBatch) {
  NewVersion v = MakeVersion(1, 2023, 1);
  v.outbox.push_back(MakeOutboxRecord(TestUscc(1), 2023, 1, OUTBOX_SCORE, 1000));
  ASSERT_THAT(store_->CommitNewVersion(v), IsOk());
  const uint64_t seq = store_->ListOutbox(10)->at(0).seq;

  v1::StoredEvaluation scored = v.evaluation;
  scored.set_status(v1::SCORED);
  ASSERT_THAT(
      store_->CompleteOutbox(
          seq, &scored, {MakeOutboxRecord(TestUscc(1), 2023, 1, OUTBOX_DELIVER_AGGREGATION, 2000)}),
      IsOk());
  std::vector<OutboxEntry> outbox = *store_->ListOutbox(10);
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_GT(outbox[0].seq, seq);
  EXPECT_EQ(outbox[0].record.kind(), OUTBOX_DELIVER_AGGREGATION);
  EXPECT_EQ(outbox[0].record.uscc(), TestUscc(1));
  EXPECT_EQ(outbox[0].record.version(), 1);
  EXPECT_EQ(outbox[0].record.next_attempt_unix_ms(), 2000);
  EXPECT_EQ(store_->GetEvaluation(TestUscc(1), 2023, 1)->status(), v1::SCORED);
}

TEST_F(IngestionStoreTest, GetEvaluationsReadsManyAndMarksTheMissing) {
  ASSERT_THAT(store_->CommitNewVersion(MakeVersion(1, 2023, 1)), IsOk());
  ASSERT_THAT(store_->CommitNewVersion(MakeVersion(1, 2023, 2)), IsOk());
  ASSERT_THAT(store_->CommitNewVersion(MakeVersion(2, 2024, 1)), IsOk());
  const std::string u1 = TestUscc(1), u2 = TestUscc(2);
  const std::vector<EvaluationId> ids = {{u2, 2024, 1}, {u1, 2023, 3}, {u1, 2023, 1}};
  google::protobuf::Arena arena;
  absl::StatusOr<std::vector<v1::StoredEvaluation*>> read = store_->GetEvaluations(ids, &arena);
  ASSERT_THAT(read, IsOk());
  ASSERT_EQ(read->size(), 3u);
  ASSERT_NE((*read)[0], nullptr);
  EXPECT_EQ((*read)[0]->GetArena(), &arena);
  EXPECT_EQ((*read)[0]->package().unit().uscc(), u2);
  EXPECT_EQ((*read)[1], nullptr);  // never stored
  ASSERT_NE((*read)[2], nullptr);
  EXPECT_EQ((*read)[2]->version(), 1);
  EXPECT_EQ((*read)[2]->SerializeAsString(),
            store_->GetEvaluation(u1, 2023, 1)->SerializeAsString());
  EXPECT_THAT(*store_->GetEvaluations({}, &arena), IsEmpty());
}

TEST_F(IngestionStoreTest, CompleteOutboxBatchRemovesExactlyTheGivenRecords) {
  NewVersion v = MakeVersion(1, 2023, 1);
  for (int i = 0; i < 4; ++i) {
    v.outbox.push_back(
        MakeOutboxRecord(TestUscc(1), 2023, 1, OUTBOX_DELIVER_AGGREGATION, 1000 + i));
  }
  ASSERT_THAT(store_->CommitNewVersion(v), IsOk());
  std::vector<OutboxEntry> outbox = *store_->ListOutbox(10);
  ASSERT_EQ(outbox.size(), 4u);
  const std::vector<uint64_t> done = {outbox[0].seq, outbox[2].seq, outbox[3].seq};
  ASSERT_THAT(store_->CompleteOutboxBatch(done), IsOk());
  ASSERT_THAT(store_->CompleteOutboxBatch({}), IsOk());
  std::vector<OutboxEntry> left = *store_->ListOutbox(10);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].seq, outbox[1].seq);
  EXPECT_EQ(left[0].record.next_attempt_unix_ms(), 1001);
}

TEST_F(IngestionStoreTest, SecondOpenOfTheSameFolderFails) {
  IngestionStore::Options options;
  options.path = dir_->Join("db");
  absl::StatusOr<std::unique_ptr<IngestionStore>> second = IngestionStore::Open(options);
  EXPECT_THAT(second, Not(IsOk()));
  EXPECT_THAT(std::string(second.status().message()), ::testing::HasSubstr(options.path));
}

}  // namespace
}  // namespace ingestion
}  // namespace budgetperf
