#ifndef BUDGETPERF_COMMON_STORAGE_CHECKPOINTABLE_H_
#define BUDGETPERF_COMMON_STORAGE_CHECKPOINTABLE_H_

// What a store offers for backups (common/admin's Checkpointer): a RocksDB
// checkpoint of itself, taken while it keeps serving. Stores implement it
// instead of handing out their rocksdb::DB.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace budgetperf {
namespace storage {

class Checkpointable {
 public:
  virtual ~Checkpointable() = default;

  // Writes a checkpoint (an openable copy, as of the call) into `dir`, which
  // must not exist yet (its parent must), and returns the sequence number of
  // the last write it holds. The memtables are flushed first, so the copy is
  // SST files (hard links where the file system allows) and needs no WAL
  // replay. INTERNAL with RocksDB's message when it fails.
  virtual absl::StatusOr<uint64_t> Checkpoint(const std::string& dir) = 0;
};

}  // namespace storage
}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_STORAGE_CHECKPOINTABLE_H_
