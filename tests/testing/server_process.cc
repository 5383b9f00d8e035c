#include "tests/testing/server_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace budgetperf {
namespace testutil {
namespace {

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::string DescribeExit(int code) {
  if (code > 128) {
    return absl::StrCat("killed by signal ", code - 128, " (",
                        strsignal(code - 128), ")");
  }
  return absl::StrCat("exited with code ", code);
}

void CloseQuietly(int fd) {
  if (fd >= 0) close(fd);
}

}  // namespace

ServerProcess::ServerProcess(pid_t pid, int stdout_fd)
    : pid_(pid), stdout_fd_(stdout_fd) {
  reader_ = std::thread([this] { ReadLoop(); });
}

ServerProcess::~ServerProcess() {
  Kill9();
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (reader_.joinable()) reader_.join();
  CloseQuietly(stdout_fd_);
}

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(
    const std::string& binary, const std::vector<std::string>& args,
    absl::Duration timeout) {
  // Everything the child needs is built before fork: after it, in a process
  // with other threads, only async-signal-safe calls are allowed.
  std::vector<std::string> argv_strings;
  argv_strings.push_back(binary);
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  int out_pipe[2];
  int err_pipe[2];  // carries exec's errno back if exec fails
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", strerror(errno)));
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    const int e = errno;
    CloseQuietly(out_pipe[0]);
    CloseQuietly(out_pipe[1]);
    return absl::InternalError(absl::StrCat("pipe: ", strerror(e)));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    const int e = errno;
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
      CloseQuietly(fd);
    }
    return absl::InternalError(absl::StrCat("fork: ", strerror(e)));
  }
  if (pid == 0) {
    // Child. Die with the parent, so no server outlives a crashed test.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    // dup2 clears O_CLOEXEC on the new descriptor; the originals close on exec.
    if (dup2(out_pipe[1], STDOUT_FILENO) < 0) _exit(127);
    execv(binary.c_str(), argv.data());
    const int e = errno;
    ssize_t ignored = write(err_pipe[1], &e, sizeof(e));
    (void)ignored;
    _exit(127);
  }

  // Parent.
  CloseQuietly(out_pipe[1]);
  CloseQuietly(err_pipe[1]);
  int exec_errno = 0;
  ssize_t n;
  do {
    n = read(err_pipe[0], &exec_errno, sizeof(exec_errno));
  } while (n < 0 && errno == EINTR);
  CloseQuietly(err_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof(exec_errno))) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    CloseQuietly(out_pipe[0]);
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot execute ", binary, ": ", strerror(exec_errno)));
  }

  std::unique_ptr<ServerProcess> process(new ServerProcess(pid, out_pipe[0]));
  absl::StatusOr<std::string> line =
      process->WaitForLine(kListeningPrefix, timeout);
  if (!line.ok()) {
    const std::string output = absl::StrJoin(process->stdout_lines(), "\n");
    if (absl::IsDeadlineExceeded(line.status())) {
      process->Kill9();
      return absl::DeadlineExceededError(absl::StrCat(
          binary, " printed no \"", kListeningPrefix, "HOST:PORT\" within ",
          absl::FormatDuration(timeout), "; stdout so far:\n", output));
    }
    const int code = process->Wait();
    return absl::UnavailableError(
        absl::StrCat(binary, " ", DescribeExit(code),
                     " before listening; stdout:\n", output));
  }
  process->address_ = line->substr(kListeningPrefix.size());
  while (!process->address_.empty() &&
         (process->address_.back() == '\r' || process->address_.back() == ' ')) {
    process->address_.pop_back();
  }
  return process;
}

void ServerProcess::ReadLoop() {
  std::string partial;
  char buffer[4096];
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stop_) break;
    }
    // Poll with a timeout so that the destructor can stop us even if a
    // grandchild keeps the pipe open.
    pollfd pfd{stdout_fd_, POLLIN, 0};
    const int ready = poll(&pfd, 1, 100);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    const ssize_t n = read(stdout_fd_, buffer, sizeof(buffer));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) break;
    partial.append(buffer, static_cast<size_t>(n));
    size_t newline;
    std::vector<std::string> complete;
    while ((newline = partial.find('\n')) != std::string::npos) {
      complete.push_back(partial.substr(0, newline));
      partial.erase(0, newline + 1);
    }
    if (!complete.empty()) {
      absl::MutexLock lock(&mu_);
      for (std::string& l : complete) lines_.push_back(std::move(l));
    }
  }
  absl::MutexLock lock(&mu_);
  if (!partial.empty()) lines_.push_back(std::move(partial));
  eof_ = true;
}

absl::StatusOr<std::string> ServerProcess::WaitForLine(
    absl::string_view prefix, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  size_t checked = 0;
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    for (; checked < lines_.size(); ++checked) {
      if (absl::StartsWith(lines_[checked], prefix)) return lines_[checked];
    }
    if (eof_) {
      return absl::UnavailableError(absl::StrCat(
          "stdout closed without a line starting with \"", prefix, "\""));
    }
    // Runs under mu_ (Await holds it while evaluating the condition).
    auto progressed = [this, &checked]() {
      return eof_ || lines_.size() > checked;
    };
    if (!mu_.AwaitWithDeadline(absl::Condition(&progressed), deadline)) {
      return absl::DeadlineExceededError(absl::StrCat(
          "no line starting with \"", prefix, "\" within ",
          absl::FormatDuration(timeout)));
    }
  }
}

std::vector<std::string> ServerProcess::stdout_lines() const {
  absl::MutexLock lock(&mu_);
  return lines_;
}

bool ServerProcess::TryReap(bool block) {
  if (exit_code_.has_value()) return true;
  while (true) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, block ? 0 : WNOHANG);
    if (r == pid_) {
      exit_code_ = DecodeWaitStatus(status);
      return true;
    }
    if (r == 0) return false;
    if (errno == EINTR) continue;
    // ECHILD: someone else reaped it; nothing more can be learnt.
    exit_code_ = -1;
    return true;
  }
}

absl::Status ServerProcess::Terminate(absl::Duration timeout) {
  if (!TryReap(false)) {
    kill(pid_, SIGTERM);
    const absl::Time deadline = absl::Now() + timeout;
    while (!TryReap(false)) {
      if (absl::Now() >= deadline) {
        Kill9();
        return absl::DeadlineExceededError(absl::StrCat(
            "pid ", pid_, " did not exit within ",
            absl::FormatDuration(timeout), " of SIGTERM; killed"));
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
  }
  if (*exit_code_ != 0) {
    return absl::InternalError(
        absl::StrCat("pid ", pid_, " ", DescribeExit(*exit_code_)));
  }
  return absl::OkStatus();
}

void ServerProcess::Kill9() {
  if (TryReap(false)) return;
  kill(pid_, SIGKILL);
  TryReap(true);
}

int ServerProcess::Wait() {
  TryReap(true);
  return *exit_code_;
}

}  // namespace testutil
}  // namespace budgetperf
