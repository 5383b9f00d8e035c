#ifndef BUDGETPERF_TESTS_TESTING_COMMAND_H_
#define BUDGETPERF_TESTS_TESTING_COMMAND_H_

// Running a command-line binary (budgetctl, budget-audit) to completion from
// an integration test, and the small things such tests share: where the
// built binaries are, a file's text and a free local port.
//
//   absl::StatusOr<TempDir> dir = TempDir::Create("audit");
//   CommandRun run = RunCommand(*dir, BinaryPath("budget-audit"),
//                               {"--ingestion=" + address, "--node=430602", "--year=2023"});
//   EXPECT_EQ(run.exit_code, 1) << run.out << run.err;

#include <string>
#include <vector>

#include "tests/testing/temp_dir.h"

namespace budgetperf {
namespace testutil {

// A command's exit code (as the shell gives it: 128 + N when killed by
// signal N) and what it printed.
struct CommandRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `binary` with `args` and waits for it. No shell word splitting: each
// argument is passed as is. stdout and stderr go through files in `dir`
// (run.out, run.err, replaced by each run), so the output may be any size.
CommandRun RunCommand(const TempDir& dir, const std::string& binary,
                      const std::vector<std::string>& args);

// The path of the built binary `name` ("budgetd", "budget-audit"): the
// build's bin/ folder.
std::string BinaryPath(const std::string& name);

// The whole contents of `path`, or "" when it cannot be read.
std::string ReadFile(const std::string& path);

// A loopback TCP port nothing listens on right now (the kernel's pick for
// port 0), for a server that must be named before it starts (e.g. two
// servers that point at each other). -1 if none could be had. Another
// process may take it meanwhile; tests accept that small race.
int FreePort();

}  // namespace testutil
}  // namespace budgetperf

#endif  // BUDGETPERF_TESTS_TESTING_COMMAND_H_
