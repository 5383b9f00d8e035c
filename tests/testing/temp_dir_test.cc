#include "tests/testing/temp_dir.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace testutil {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(TempDirTest, CreatesWritesAndRemoves) {
  std::string path;
  {
    absl::StatusOr<TempDir> dir = TempDir::Create("temp_dir_test");
    ASSERT_THAT(dir, IsOk());
    path = dir->path();
    EXPECT_TRUE(std::filesystem::is_directory(path));
    absl::StatusOr<std::string> file = dir->WriteFile("a/b/c.txt", "hello");
    ASSERT_THAT(file, IsOk());
    EXPECT_EQ(*file, dir->Join("a/b/c.txt"));
    EXPECT_EQ(ReadAll(*file), "hello");
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(TempDirTest, MoveKeepsOneOwner) {
  absl::StatusOr<TempDir> dir = TempDir::Create();
  ASSERT_THAT(dir, IsOk());
  const std::string path = dir->path();
  {
    TempDir moved = *std::move(dir);
    EXPECT_EQ(moved.path(), path);
    EXPECT_TRUE(std::filesystem::exists(path));
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(TempDirTest, TwoDirsDiffer) {
  absl::StatusOr<TempDir> a = TempDir::Create();
  absl::StatusOr<TempDir> b = TempDir::Create();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->path(), b->path());
}

}  // namespace
}  // namespace testutil
}  // namespace budgetperf
