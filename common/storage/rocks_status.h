#ifndef BUDGETPERF_COMMON_STORAGE_ROCKS_STATUS_H_
#define BUDGETPERF_COMMON_STORAGE_ROCKS_STATUS_H_

// The one translation of RocksDB statuses into absl ones, for every store:
//
//   ok          → OK
//   NotFound    → NOT_FOUND (stores that answer "absent" with an empty
//                 result test IsNotFound() before translating)
//   Corruption  → DATA_LOSS
//   anything else (IOError, Busy, TimedOut, ...) → INTERNAL
//
// The message is "<what>: <RocksDB's message>", `what` saying what was being
// done ("reading the outbox").

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/status.h"

namespace budgetperf {
namespace storage {

absl::Status FromRocksStatus(const rocksdb::Status& status, absl::string_view what);

}  // namespace storage
}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_STORAGE_ROCKS_STATUS_H_
