#include "tests/testing/server_process.h"

#include <signal.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace testutil {
namespace {

using ::testing::Contains;
using ::testing::Not;

// /bin/sh stands in for a server: it prints what a server prints.
absl::StatusOr<std::unique_ptr<ServerProcess>> StartShell(
    const std::string& script, absl::Duration timeout = absl::Seconds(10)) {
  return ServerProcess::Start("/bin/sh", {"-c", script}, timeout);
}

TEST(ServerProcessTest, ReadsAddressAndCleanExitOnSigterm) {
  auto process = StartShell(
      "trap 'echo bye; exit 0' TERM; echo starting; "
      "echo 'listening on 127.0.0.1:4242'; "
      "while :; do sleep 0.05; done");
  ASSERT_THAT(process, IsOk());
  EXPECT_EQ((*process)->address(), "127.0.0.1:4242");
  EXPECT_GT((*process)->pid(), 0);
  EXPECT_THAT((*process)->stdout_lines(), Contains("starting"));
  EXPECT_THAT((*process)->Terminate(), IsOk());
  EXPECT_EQ((*process)->Wait(), 0);
  // The reader keeps collecting after Start: the last line arrives too.
  EXPECT_THAT((*process)->WaitForLine("bye", absl::Seconds(5)), IsOk());
}

TEST(ServerProcessTest, TerminateReportsANonZeroExit) {
  auto process = StartShell("echo 'listening on h:1'; exec sleep 30");
  ASSERT_THAT(process, IsOk());
  const absl::Status status = (*process)->Terminate();
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ((*process)->Wait(), 128 + SIGTERM);
}

TEST(ServerProcessTest, Kill9) {
  auto process = StartShell("echo 'listening on h:1'; exec sleep 30");
  ASSERT_THAT(process, IsOk());
  (*process)->Kill9();
  EXPECT_EQ((*process)->Wait(), 128 + SIGKILL);
  (*process)->Kill9();  // already gone: no-op
}

TEST(ServerProcessTest, ExitBeforeListeningIsUnavailableWithOutput) {
  auto process = StartShell("echo 'bad flag --x'; exit 3");
  ASSERT_THAT(process, Not(IsOk()));
  EXPECT_EQ(process.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(process.status().message(), "exited with code 3"))
      << process.status();
  EXPECT_TRUE(absl::StrContains(process.status().message(), "bad flag --x"));
}

TEST(ServerProcessTest, MissingBinaryIsFailedPrecondition) {
  auto process = ServerProcess::Start("/nonexistent/budget-nothing", {});
  ASSERT_THAT(process, Not(IsOk()));
  EXPECT_EQ(process.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ServerProcessTest, SilentChildTimesOut) {
  auto process = StartShell("exec sleep 30", absl::Milliseconds(300));
  ASSERT_THAT(process, Not(IsOk()));
  EXPECT_EQ(process.status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST(ServerProcessTest, WaitForLaterLine) {
  auto process = StartShell(
      "echo 'listening on h:2'; sleep 0.2; echo 'ready: 3 profiles'; "
      "exec sleep 30");
  ASSERT_THAT(process, IsOk());
  absl::StatusOr<std::string> line =
      (*process)->WaitForLine("ready:", absl::Seconds(5));
  ASSERT_THAT(line, IsOk());
  EXPECT_EQ(*line, "ready: 3 profiles");
  EXPECT_EQ((*process)->WaitForLine("never", absl::Milliseconds(100))
                .status()
                .code(),
            absl::StatusCode::kDeadlineExceeded);
}

}  // namespace
}  // namespace testutil
}  // namespace budgetperf
