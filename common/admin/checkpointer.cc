#include "common/admin/checkpointer.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"

namespace budgetperf {
namespace admin {
namespace {

namespace fs = std::filesystem;

// The files under `path` and their total size.
void Measure(const fs::path& path, v1::StoreCheckpoint* out) {
  std::error_code error;
  int64_t bytes = 0;
  int32_t files = 0;
  for (fs::recursive_directory_iterator it(path, error), end; !error && it != end;
       it.increment(error)) {
    if (!it->is_regular_file(error)) continue;
    const uintmax_t size = it->file_size(error);
    if (error) break;
    bytes += static_cast<int64_t>(size);
    ++files;
  }
  out->set_size_bytes(bytes);
  out->set_files(files);
}

}  // namespace

Checkpointer::Checkpointer(std::vector<Store> stores) : stores_(std::move(stores)) {}

absl::StatusOr<v1::CheckpointResponse> Checkpointer::Checkpoint(const std::string& dir) {
  if (dir.empty()) return absl::InvalidArgumentError("dir: a folder on the server is required");
  const fs::path root(dir);
  if (!root.is_absolute()) {
    return absl::InvalidArgumentError(
        absl::StrCat("dir \"", dir, "\" is not an absolute path (the folder is on the server)"));
  }
  absl::MutexLock lock(&mu_);
  std::error_code error;
  const bool existed = fs::exists(root, error);
  if (existed) {
    if (!fs::is_directory(root, error)) {
      return absl::FailedPreconditionError(
          absl::StrCat("checkpoint folder ", dir, " exists and is not a folder"));
    }
    // A backup never goes over another one (or over anything else).
    if (!fs::is_empty(root, error) || error) {
      return absl::FailedPreconditionError(
          absl::StrCat("checkpoint folder ", dir, " is not empty; give a new or empty folder"));
    }
  } else if (fs::create_directories(root, error); error) {
    return absl::InternalError(
        absl::StrCat("cannot create the checkpoint folder ", dir, ": ", error.message()));
  }

  v1::CheckpointResponse response;
  for (const Store& store : stores_) {
    const fs::path path = root / store.name;
    // SST files (hard links) after a flush: no WAL replay needed.
    absl::StatusOr<uint64_t> sequence = store.store->Checkpoint(path.string());
    if (!sequence.ok()) {
      // Leave nothing half-written behind: what this call made goes.
      for (const v1::StoreCheckpoint& done : response.stores()) fs::remove_all(done.path(), error);
      fs::remove_all(path, error);
      if (!existed) fs::remove(root, error);
      return absl::InternalError(absl::StrCat("checkpoint of ", store.name, " to ", path.string(),
                                              ": ", sequence.status().message()));
    }
    v1::StoreCheckpoint* written = response.add_stores();
    written->set_store(store.name);
    written->set_path(path.string());
    written->set_sequence_number(*sequence);
    Measure(path, written);
  }
  return response;
}

}  // namespace admin
}  // namespace budgetperf
