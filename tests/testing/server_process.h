#ifndef BUDGETPERF_TESTS_TESTING_SERVER_PROCESS_H_
#define BUDGETPERF_TESTS_TESTING_SERVER_PROCESS_H_

// Runs a real server binary as a child process for integration tests, the
// way an operator would: flags on the command line, "listening on HOST:PORT"
// on stdout, SIGTERM to stop.
//
//   TEST(IngestionIntegration, Submits) {
//     absl::StatusOr<TempDir> data_dir = TempDir::Create();
//     ASSERT_THAT(data_dir, IsOk());
//     absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start(
//         BinaryPath("budget-ingestion"),
//         {"--listen=127.0.0.1:0", "--data=" + data_dir->path()});
//     ASSERT_THAT(server, IsOk());
//     auto channel = grpc::CreateChannel((*server)->address(),
//                                        grpc::InsecureChannelCredentials());
//     ... calls ...
//     channel.reset();  // see the tip below
//     EXPECT_THAT((*server)->Terminate(), IsOk());  // SIGTERM, then exit code 0
//   }
//
// Tip: on SIGTERM our servers wait up to their grace period (5 s) for open
// client connections to go away, so destroy the test's channels (and stubs)
// before Terminate() unless the test is about that wait.
//
// What it guarantees:
//   - Start returns once the child has printed a line "listening on
//     HOST:PORT" (servers print it after they accept calls), so the address
//     is usable at once; with --listen=HOST:0 it is the port actually bound.
//   - The child's stdout is read continuously by a background thread and
//     kept line by line (stdout_lines(), WaitForLine()), so a chatty child
//     never blocks on a full pipe. Its stderr is left attached to the test's
//     stderr, where ctest shows it on failure.
//   - The child never outlives the test: it is killed (SIGKILL) when the
//     ServerProcess is destroyed while it still runs, and, through
//     PR_SET_PDEATHSIG, when the thread that started it dies (so start
//     servers from the test's own thread, not from a short-lived helper
//     thread).
//   - The child starts with an empty signal mask and default SIGPIPE, so
//     the test runner's signal settings do not leak into the server.
//
// Exit codes follow the shell: the process's exit status, or 128 + N when
// killed by signal N (137 after Kill9()).
//
// Not thread-safe except stdout_lines() and WaitForLine(), which may be
// called from any thread while another one waits for the child.

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace budgetperf {
namespace testutil {

class ServerProcess {
 public:
  // What a server prints once it serves; the address follows it.
  static constexpr absl::string_view kListeningPrefix = "listening on ";

  // Starts `binary` (a path; no PATH search) with `args` (argv[1..]) and
  // waits up to `timeout` for its "listening on HOST:PORT" line.
  //   FAILED_PRECONDITION: the binary cannot be executed (the errno text is
  //     in the message);
  //   UNAVAILABLE: the child exited before listening (the message carries its
  //     exit code and everything it printed on stdout);
  //   DEADLINE_EXCEEDED: no such line within `timeout` (the child is killed);
  //   INTERNAL: pipe/fork failures.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(
      const std::string& binary, const std::vector<std::string>& args,
      absl::Duration timeout = absl::Seconds(30));

  // Kills the child with SIGKILL if it still runs, and reaps it.
  ~ServerProcess();

  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // HOST:PORT from the "listening on" line, e.g. "127.0.0.1:40515".
  const std::string& address() const { return address_; }

  // The child's process id.
  int pid() const { return static_cast<int>(pid_); }

  // Sends SIGTERM and waits up to `timeout` for the child to exit. OK if it
  // exited with status 0; INTERNAL naming the exit code otherwise;
  // DEADLINE_EXCEEDED (after a SIGKILL) if it did not exit in time. Calling
  // it after the child has exited just reports how it exited.
  absl::Status Terminate(absl::Duration timeout = absl::Seconds(10));

  // Kills the child with SIGKILL (a crash, as far as the server can tell)
  // and reaps it. No-op if it has already exited.
  void Kill9();

  // Blocks until the child exits and returns its exit code (see above).
  // Returns at once, with the same code, once the child has been reaped.
  int Wait();

  // Every complete line the child has written to stdout so far, without the
  // trailing newline.
  std::vector<std::string> stdout_lines() const;

  // Waits up to `timeout` for a stdout line starting with `prefix` (lines
  // already read count) and returns the first such line. DEADLINE_EXCEEDED
  // if none comes in time, UNAVAILABLE if stdout closes first.
  absl::StatusOr<std::string> WaitForLine(absl::string_view prefix,
                                          absl::Duration timeout) const;

 private:
  ServerProcess(pid_t pid, int stdout_fd);

  // Reaps the child if it has exited (blocking if `block`); true once it has.
  bool TryReap(bool block);
  // Reads stdout into lines_ until EOF or stop_.
  void ReadLoop();

  const pid_t pid_;
  const int stdout_fd_;
  std::string address_;
  std::optional<int> exit_code_;
  std::thread reader_;

  mutable absl::Mutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
  bool eof_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace testutil
}  // namespace budgetperf

#endif  // BUDGETPERF_TESTS_TESTING_SERVER_PROCESS_H_
