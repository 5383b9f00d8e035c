#include "services/aggregation/aggregation_store.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "services/aggregation/aggregation_keys.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace budgetperf {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using TempDir = ::budgetperf::testutil::TempDir;

// The column families on disk, as a newer version would leave them.
const std::vector<std::string> kNewerFamilies = {
    "default", "nodes", "contributions", "rollups", "score_index", "orphans", "findings", "forms"};

class AggregationStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TempDir> dir = TempDir::Create("aggregation_store");
    ASSERT_THAT(dir, IsOk());
    dir_ = std::make_unique<TempDir>(*std::move(dir));
  }

  absl::StatusOr<std::unique_ptr<AggregationStore>> Open(const std::string& name = "db") {
    return AggregationStore::Open({.path = dir_->Join(name), .sync_writes = false});
  }

  // Puts `value` under `key` in column family `cf` of the closed store,
  // straight through RocksDB, opened with `families`.
  void PutRaw(const std::vector<std::string>& families, const std::string& cf,
              const std::string& key, const std::string& value) {
    rocksdb::DBOptions options;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& name : families)
      descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(options, dir_->Join("db"), descriptors, &handles, &db);
    ASSERT_THAT(s, IsOk());
    for (size_t i = 0; i < families.size(); ++i) {
      if (families[i] == cf) {
        EXPECT_THAT(db->Put(rocksdb::WriteOptions(), handles[i], key, value), IsOk());
      }
    }
    for (rocksdb::ColumnFamilyHandle* h : handles)
      EXPECT_THAT(db->DestroyColumnFamilyHandle(h), IsOk());
    EXPECT_THAT(db->Close(), IsOk());
    delete db;
  }

  void PutRollup(AggregationStore& store, const std::string& code, int32_t year) {
    std::unique_ptr<AggregationStore::Mutation> m = store.NewMutation();
    v1::Rollup rollup;
    rollup.set_node_code(code);
    rollup.set_year(year);
    m->PutRollup(rollup);
    ASSERT_THAT(store.Commit(*m), IsOk());
  }

  std::unique_ptr<TempDir> dir_;
};

TEST_F(AggregationStoreTest, OpensAStoreWithFamiliesOfANewerVersionAndLeavesThemAlone) {
  {
    absl::StatusOr<std::unique_ptr<AggregationStore>> store = Open();
    ASSERT_THAT(store, IsOk());
    PutRollup(**store, "430602", 2023);
  }
  PutRaw(kNewerFamilies, "forms", "f", "a form of a later version");

  absl::StatusOr<std::unique_ptr<AggregationStore>> store = Open();
  ASSERT_THAT(store, IsOk());
  absl::StatusOr<std::optional<v1::Rollup>> rollup =
      (*store)->NewReader()->GetRollup("430602", 2023);
  ASSERT_THAT(rollup, IsOk());
  ASSERT_TRUE(rollup->has_value());
  EXPECT_EQ((*rollup)->node_code(), "430602");
  PutRollup(**store, "430603", 2023);
  store->reset();

  std::vector<std::string> families;
  ASSERT_THAT(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir_->Join("db"), &families),
              IsOk());
  EXPECT_THAT(families, Contains("forms"));
}

TEST_F(AggregationStoreTest, AnUnreadableRecordIsDataLossNamingItsFamily) {
  { ASSERT_THAT(Open(), IsOk()); }
  PutRaw(kNewerFamilies, "rollups", aggregation_keys::CodeYearKey("430602", 2023), "\xff\xff");
  absl::StatusOr<std::unique_ptr<AggregationStore>> store = Open();
  ASSERT_THAT(store, IsOk());
  std::unique_ptr<AggregationStore::Reader> reader = (*store)->NewReader();

  absl::StatusOr<std::optional<v1::Rollup>> one = reader->GetRollup("430602", 2023);
  EXPECT_THAT(one.status(), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(one.status().message(), HasSubstr("column family rollups"));
  absl::StatusOr<std::vector<std::optional<v1::Rollup>>> many =
      reader->GetRollups({"430601", "430602"}, 2023);
  EXPECT_THAT(many.status(), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(many.status().message(), HasSubstr("430602"));
}

TEST_F(AggregationStoreTest, CheckpointIsAnOpenableCopyAsOfTheCall) {
  absl::StatusOr<std::unique_ptr<AggregationStore>> store = Open();
  ASSERT_THAT(store, IsOk());
  PutRollup(**store, "430602", 2023);
  absl::StatusOr<uint64_t> sequence = (*store)->Checkpoint(dir_->Join("copy"));
  ASSERT_THAT(sequence, IsOk());
  EXPECT_EQ(*sequence, 1u);
  PutRollup(**store, "430603", 2023);

  absl::StatusOr<std::unique_ptr<AggregationStore>> copy = Open("copy");
  ASSERT_THAT(copy, IsOk());
  std::unique_ptr<AggregationStore::Reader> reader = (*copy)->NewReader();
  absl::StatusOr<std::vector<std::optional<v1::Rollup>>> rollups =
      reader->GetRollups({"430602", "430603"}, 2023);
  ASSERT_THAT(rollups, IsOk());
  EXPECT_TRUE((*rollups)[0].has_value());
  EXPECT_FALSE((*rollups)[1].has_value());
}

}  // namespace
}  // namespace budgetperf
