#ifndef BUDGETPERF_TESTS_TESTING_TEMP_DIR_H_
#define BUDGETPERF_TESTS_TESTING_TEMP_DIR_H_

// A fresh temporary folder per test, removed with everything in it when the
// TempDir goes away: data folders for servers (--data=DIR), profile and
// fixture files written by the test.
//
//   absl::StatusOr<TempDir> dir = TempDir::Create("ingestion");
//   ASSERT_THAT(dir, IsOk());
//   absl::StatusOr<std::string> profiles =
//       dir->WriteFile("profiles.json", R"({"profiles": [...]})");
//   ... start a server with "--data=" + dir->path() ...

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace budgetperf {
namespace testutil {

class TempDir {
 public:
  // Creates a new folder "<base>/<prefix>.XXXXXX", where <base> is
  // $TEST_TMPDIR, else $TMPDIR, else /tmp. INTERNAL if it cannot be created.
  static absl::StatusOr<TempDir> Create(absl::string_view prefix = "budgetperf");

  // Removes the folder and everything in it (errors are ignored: a test's
  // leftovers must not fail it).
  ~TempDir();

  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // The folder's absolute path, without a trailing slash.
  const std::string& path() const { return path_; }

  // path() + "/" + name; creates nothing.
  std::string Join(absl::string_view name) const;

  // Writes `contents` to Join(name), creating missing parent folders and
  // replacing an existing file, and returns the file's path. INTERNAL if the
  // file cannot be written.
  absl::StatusOr<std::string> WriteFile(absl::string_view name,
                                        absl::string_view contents) const;

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  void Remove();

  std::string path_;
};

}  // namespace testutil
}  // namespace budgetperf

#endif  // BUDGETPERF_TESTS_TESTING_TEMP_DIR_H_
