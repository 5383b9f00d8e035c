#include "tests/testing/command.h"

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace testutil {
namespace {

TEST(CommandTest, RunsWithArgumentsAsGivenAndKeepsOutputAndExitCode) {
  absl::StatusOr<TempDir> dir = TempDir::Create("command_test");
  ASSERT_THAT(dir, IsOk());
  // Spaces and quotes reach the command as one argument each.
  const CommandRun run =
      RunCommand(*dir, "/bin/sh",
                 {"-c", "printf '%s|' \"$@\"; echo oops >&2; exit 3", "sh", "a b", "it's", ""});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(run.out, "a b|it's||");
  EXPECT_EQ(run.err, "oops\n");
}

TEST(CommandTest, ReadFileAndFreePort) {
  absl::StatusOr<TempDir> dir = TempDir::Create("command_test");
  ASSERT_THAT(dir, IsOk());
  absl::StatusOr<std::string> path = dir->WriteFile("x.txt", "hello\r\n");
  ASSERT_THAT(path, IsOk());
  EXPECT_EQ(ReadFile(*path), "hello\r\n");
  EXPECT_EQ(ReadFile(dir->Join("missing")), "");
  EXPECT_GT(FreePort(), 0);
}

}  // namespace
}  // namespace testutil
}  // namespace budgetperf
