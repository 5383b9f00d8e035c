#include "tests/testing/command.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace budgetperf {
namespace testutil {
namespace {

// `text` as one shell word: single-quoted, with its own quotes escaped.
std::string Quote(const std::string& text) {
  return absl::StrCat("'", absl::StrReplaceAll(text, {{"'", "'\\''"}}), "'");
}

}  // namespace

CommandRun RunCommand(const TempDir& dir, const std::string& binary,
                      const std::vector<std::string>& args) {
  std::string command = Quote(binary);
  for (const std::string& arg : args) absl::StrAppend(&command, " ", Quote(arg));
  const std::string out = dir.Join("run.out");
  const std::string err = dir.Join("run.err");
  absl::StrAppend(&command, " >", Quote(out), " 2>", Quote(err), " </dev/null");
  const int status = std::system(command.c_str());
  CommandRun run;
  if (status == -1) {
    run.err = "could not start a shell";
    return run;
  }
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = ReadFile(out);
  run.err = ReadFile(err);
  return run;
}

std::string BinaryPath(const std::string& name) {
  return absl::StrCat(BUDGETPERF_BIN_DIR, "/", name);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t length = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
    close(fd);
    return -1;
  }
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace testutil
}  // namespace budgetperf
