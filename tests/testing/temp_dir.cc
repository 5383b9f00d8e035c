#include "tests/testing/temp_dir.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <filesystem>
#include <fstream>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace budgetperf {
namespace testutil {

absl::StatusOr<TempDir> TempDir::Create(absl::string_view prefix) {
  std::string base = "/tmp";
  for (const char* variable : {"TEST_TMPDIR", "TMPDIR"}) {
    const char* value = getenv(variable);
    if (value != nullptr && value[0] != '\0') {
      base = value;
      break;
    }
  }
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  std::string templ = absl::StrCat(base, "/", prefix, ".XXXXXX");
  std::vector<char> buffer(templ.begin(), templ.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) {
    return absl::InternalError(
        absl::StrCat("mkdtemp ", templ, ": ", strerror(errno)));
  }
  std::error_code error;
  std::filesystem::path absolute =
      std::filesystem::absolute(buffer.data(), error);
  return TempDir(error ? std::string(buffer.data()) : absolute.string());
}

TempDir::~TempDir() { Remove(); }

TempDir::TempDir(TempDir&& other) noexcept
    : path_(std::exchange(other.path_, std::string())) {}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    Remove();
    path_ = std::exchange(other.path_, std::string());
  }
  return *this;
}

void TempDir::Remove() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
  path_.clear();
}

std::string TempDir::Join(absl::string_view name) const {
  return absl::StrCat(path_, "/", name);
}

absl::StatusOr<std::string> TempDir::WriteFile(
    absl::string_view name, absl::string_view contents) const {
  const std::string file = Join(name);
  std::error_code error;
  std::filesystem::create_directories(
      std::filesystem::path(file).parent_path(), error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create the folder of ", file, ": ",
                     error.message()));
  }
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", file));
  return file;
}

}  // namespace testutil
}  // namespace budgetperf
