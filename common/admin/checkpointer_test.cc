#include "common/admin/checkpointer.h"

#include <filesystem>
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace budgetperf {
namespace admin {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

std::unique_ptr<rocksdb::DB> OpenDb(const std::string& path, bool read_only = false) {
  rocksdb::Options options;
  options.create_if_missing = !read_only;
  rocksdb::DB* db = nullptr;
  const rocksdb::Status s = read_only ? rocksdb::DB::OpenForReadOnly(options, path, &db)
                                      : rocksdb::DB::Open(options, path, &db);
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
    a_ = OpenDb(dir_->Join("a"));
    b_ = OpenDb(dir_->Join("b"));
    ASSERT_NE(a_, nullptr);
    ASSERT_NE(b_, nullptr);
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<rocksdb::DB> a_, b_;
};

TEST_F(CheckpointerTest, WritesAnOpenableCopyOfEachStoreAsOfTheCall) {
  ASSERT_THAT(a_->Put(rocksdb::WriteOptions(), "unit", "v1"), IsOk());
  ASSERT_THAT(a_->Put(rocksdb::WriteOptions(), "other", "x"), IsOk());
  ASSERT_THAT(b_->Put(rocksdb::WriteOptions(), "rollup", "42"), IsOk());
  Checkpointer checkpointer({{"b", b_.get()}, {"a", a_.get()}});

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
  std::unique_ptr<rocksdb::DB> copy_a = OpenDb(backup + "/a", /*read_only=*/true);
  std::unique_ptr<rocksdb::DB> copy_b = OpenDb(backup + "/b", /*read_only=*/true);
  ASSERT_NE(copy_a, nullptr);
  ASSERT_NE(copy_b, nullptr);
  EXPECT_EQ(Get(copy_a.get(), "unit"), "v1");
  EXPECT_EQ(Get(copy_a.get(), "other"), "x");
  EXPECT_EQ(Get(copy_b.get(), "rollup"), "42");
  EXPECT_EQ(Get(a_.get(), "unit"), "v2");
}

TEST_F(CheckpointerTest, AnExistingEmptyFolderIsUsed) {
  ASSERT_TRUE(std::filesystem::create_directories(dir_->Join("empty")));
  Checkpointer checkpointer({{"a", a_.get()}});
  absl::StatusOr<v1::CheckpointResponse> written = checkpointer.Checkpoint(dir_->Join("empty"));
  ASSERT_THAT(written, IsOk());
  EXPECT_TRUE(std::filesystem::is_directory(dir_->Join("empty/a")));
}

TEST_F(CheckpointerTest, RefusesAFolderThatHoldsAnythingAndNamesIt) {
  Checkpointer checkpointer({{"a", a_.get()}, {"b", b_.get()}});
  absl::StatusOr<std::string> file = dir_->WriteFile("full/notes.txt", "keep me");
  ASSERT_THAT(file, IsOk());
  absl::StatusOr<v1::CheckpointResponse> refused = checkpointer.Checkpoint(dir_->Join("full"));
  EXPECT_TRUE(absl::IsFailedPrecondition(refused.status())) << refused.status();
  EXPECT_THAT(refused.status().message(), HasSubstr(dir_->Join("full") + " is not empty"));
  EXPECT_FALSE(std::filesystem::exists(dir_->Join("full/a")));

  // A second backup into the first one's folder is refused the same way.
  ASSERT_THAT(checkpointer.Checkpoint(dir_->Join("once")), IsOk());
  EXPECT_TRUE(absl::IsFailedPrecondition(checkpointer.Checkpoint(dir_->Join("once")).status()));

  absl::StatusOr<v1::CheckpointResponse> not_folder = checkpointer.Checkpoint(*file);
  EXPECT_TRUE(absl::IsFailedPrecondition(not_folder.status())) << not_folder.status();
}

TEST_F(CheckpointerTest, RefusesRelativeOrEmptyPaths) {
  Checkpointer checkpointer({{"a", a_.get()}});
  EXPECT_TRUE(absl::IsInvalidArgument(checkpointer.Checkpoint("backup").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(checkpointer.Checkpoint("").status()));
  EXPECT_FALSE(std::filesystem::exists("backup"));
}

}  // namespace
}  // namespace admin
}  // namespace budgetperf
