#include "common/storage/rocks_status.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace budgetperf {
namespace storage {

absl::Status FromRocksStatus(const rocksdb::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  const std::string message = absl::StrCat(what, ": ", status.ToString());
  if (status.IsNotFound()) return absl::NotFoundError(message);
  if (status.IsCorruption()) return absl::DataLossError(message);
  return absl::InternalError(message);
}

}  // namespace storage
}  // namespace budgetperf
