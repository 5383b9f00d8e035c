#include "common/admin/checkpointer.h"

#include <filesystem>
#include <memory>
#include <string>

#include "common/storage/database.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace budgetperf {
namespace admin {
namespace {

using ::testing::HasSubstr;
using testutil::TempDir;

constexpr const char* kColumnFamilies[] = {"default"};

// A store to checkpoint: a database with only the default column family.
std::unique_ptr<storage::Database> OpenStore(const std::string& path) {
  storage::Database::Options options;
  options.path = path;
  options.column_families = kColumnFamilies;
  absl::StatusOr<std::unique_ptr<storage::Database>> db = storage::Database::Open(options);
  EXPECT_THAT(db, IsOk()) << path;
  return db.ok() ? *std::move(db) : nullptr;
}

std::unique_ptr<rocksdb::DB> OpenReadOnly(const std::string& path) {
  rocksdb::Options options;
  rocksdb::DB* db = nullptr;
  const rocksdb::Status s = rocksdb::DB::OpenForReadOnly(options, path, &db);
  EXPECT_THAT(s, IsOk()) << path << ": " << s.ToString();
  return std::unique_ptr<rocksdb::DB>(db);
}

std::string Get(rocksdb::DB* db, const std::string& key) {
  std::string value;
  const rocksdb::Status s = db->Get(rocksdb::ReadOptions(), key, &value);
  return s.ok() ? value : "<" + s.ToString() + ">";
}

class CheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TempDir> dir = TempDir::Create("checkpointer");
    ASSERT_THAT(dir, IsOk());
    dir_ = std::make_unique<TempDir>(*std::move(dir));
    store_a_ = OpenStore(dir_->Join("a"));
    store_b_ = OpenStore(dir_->Join("b"));
    ASSERT_NE(store_a_, nullptr);
    ASSERT_NE(store_b_, nullptr);
    a_ = store_a_->db();
    b_ = store_b_->db();
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<storage::Database> store_a_, store_b_;
  rocksdb::DB* a_ = nullptr;  // store_a_'s database
  rocksdb::DB* b_ = nullptr;
};

TEST_F(CheckpointerTest, WritesAnOpenableCopyOfEachStoreAsOfTheCall) {
  ASSERT_THAT(a_->Put(rocksdb::WriteOptions(), "unit", "v1"), IsOk());
  ASSERT_THAT(a_->Put(rocksdb::WriteOptions(), "other", "x"), IsOk());
  ASSERT_THAT(b_->Put(rocksdb::WriteOptions(), "rollup", "42"), IsOk());
  Checkpointer checkpointer({{"b", store_b_.get()}, {"a", store_a_.get()}});

  const std::string backup = dir_->Join("backups/first");  // parents made too
  absl::StatusOr<v1::CheckpointResponse> written = checkpointer.Checkpoint(backup);
  ASSERT_THAT(written, IsOk());
  ASSERT_EQ(written->stores_size(), 2);
  EXPECT_EQ(written->stores(0).store(), "b");  // in the order given
  EXPECT_EQ(written->stores(0).path(), backup + "/b");
  EXPECT_EQ(written->stores(1).store(), "a");
  EXPECT_EQ(written->stores(1).sequence_number(), a_->GetLatestSequenceNumber());
  EXPECT_EQ(written->stores(1).sequence_number(), 2u);
  for (const v1::StoreCheckpoint& store : written->stores()) {
    EXPECT_GT(store.size_bytes(), 0) << store.store();
    EXPECT_GT(store.files(), 0) << store.store();
  }

  // Writes after the call are not in it; the live stores go on.
  ASSERT_THAT(a_->Put(rocksdb::WriteOptions(), "unit", "v2"), IsOk());
  ASSERT_THAT(a_->Delete(rocksdb::WriteOptions(), "other"), IsOk());
  std::unique_ptr<rocksdb::DB> copy_a = OpenReadOnly(backup + "/a");
  std::unique_ptr<rocksdb::DB> copy_b = OpenReadOnly(backup + "/b");
  ASSERT_NE(copy_a, nullptr);
  ASSERT_NE(copy_b, nullptr);
  EXPECT_EQ(Get(copy_a.get(), "unit"), "v1");
  EXPECT_EQ(Get(copy_a.get(), "other"), "x");
  EXPECT_EQ(Get(copy_b.get(), "rollup"), "42");
  EXPECT_EQ(Get(a_, "unit"), "v2");
}

TEST_F(CheckpointerTest, AnExistingEmptyFolderIsUsed) {
  ASSERT_TRUE(std::filesystem::create_directories(dir_->Join("empty")));
  Checkpointer checkpointer({{"a", store_a_.get()}});
  absl::StatusOr<v1::CheckpointResponse> written = checkpointer.Checkpoint(dir_->Join("empty"));
  ASSERT_THAT(written, IsOk());
  EXPECT_TRUE(std::filesystem::is_directory(dir_->Join("empty/a")));
}

TEST_F(CheckpointerTest, RefusesAFolderThatHoldsAnythingAndNamesIt) {
  Checkpointer checkpointer({{"a", store_a_.get()}, {"b", store_b_.get()}});
  absl::StatusOr<std::string> file = dir_->WriteFile("full/notes.txt", "keep me");
  ASSERT_THAT(file, IsOk());
  absl::StatusOr<v1::CheckpointResponse> refused = checkpointer.Checkpoint(dir_->Join("full"));
  EXPECT_THAT(refused.status(), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(refused.status().message(), HasSubstr(dir_->Join("full") + " is not empty"));
  EXPECT_FALSE(std::filesystem::exists(dir_->Join("full/a")));

  // A second backup into the first one's folder is refused the same way.
  ASSERT_THAT(checkpointer.Checkpoint(dir_->Join("once")), IsOk());
  EXPECT_THAT(checkpointer.Checkpoint(dir_->Join("once")).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition));

  absl::StatusOr<v1::CheckpointResponse> not_folder = checkpointer.Checkpoint(*file);
  EXPECT_THAT(not_folder.status(), StatusIs(absl::StatusCode::kFailedPrecondition));
}

// A store whose checkpoint fails, as RocksDB's would.
class FailingStore : public storage::Checkpointable {
 public:
  absl::StatusOr<uint64_t> Checkpoint(const std::string&) override {
    return absl::InternalError("IO error: no space left on device");
  }
};

TEST_F(CheckpointerTest, AFailedStoreIsInternalAndLeavesNothingBehind) {
  FailingStore failing;
  Checkpointer checkpointer({{"a", store_a_.get()}, {"broken", &failing}});
  absl::StatusOr<v1::CheckpointResponse> failed = checkpointer.Checkpoint(dir_->Join("fails"));
  EXPECT_THAT(failed.status(), StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(failed.status().message(),
              HasSubstr("checkpoint of broken to " + dir_->Join("fails/broken") +
                        ": IO error: no space left on device"));
  EXPECT_FALSE(std::filesystem::exists(dir_->Join("fails")));
}

TEST_F(CheckpointerTest, RefusesRelativeOrEmptyPaths) {
  Checkpointer checkpointer({{"a", store_a_.get()}});
  EXPECT_THAT(checkpointer.Checkpoint("backup").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(checkpointer.Checkpoint("").status(), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_FALSE(std::filesystem::exists("backup"));
}

}  // namespace
}  // namespace admin
}  // namespace budgetperf
