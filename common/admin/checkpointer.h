#ifndef BUDGETPERF_COMMON_ADMIN_CHECKPOINTER_H_
#define BUDGETPERF_COMMON_ADMIN_CHECKPOINTER_H_

// Backups of a running server's RocksDB stores: a checkpoint of each, into
// DIR/<store name> (see admin.proto for what a checkpoint is and how it is
// restored). The stores take their own checkpoints (storage::Checkpointable);
// this class picks the folders, checks them, and cleans up after a failure.
//
//   Checkpointer checkpointer({{"aggregation", aggregation_store},
//                              {"ingestion", ingestion_store}});
//   ASSIGN_OR_RETURN(v1::CheckpointResponse written,
//                    checkpointer.Checkpoint("/var/backups/budgetperf/2026-11-28"));
//
// Thread-safe: checkpoints run one at a time; the stores keep taking writes
// meanwhile.

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "budgetperf/v1/admin.pb.h"
#include "common/storage/checkpointable.h"

namespace budgetperf {
namespace admin {

class Checkpointer {
 public:
  struct Store {
    std::string name;                // the subfolder: "ingestion", "aggregation"
    storage::Checkpointable* store;  // not owned; must outlive the Checkpointer
  };

  // The stores in the order they are checkpointed.
  explicit Checkpointer(std::vector<Store> stores);

  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Writes a checkpoint of each store to dir/<name>, in order.
  //   INVALID_ARGUMENT: `dir` is empty or not absolute (a relative path would
  //     be the server's working directory's business, not the caller's);
  //   FAILED_PRECONDITION: `dir` holds anything already, or is not a folder
  //     (the message names it);
  //   INTERNAL: the folder cannot be made or a store's checkpoint fails
  //     (with RocksDB's message). Whatever this call wrote is removed again.
  absl::StatusOr<v1::CheckpointResponse> Checkpoint(const std::string& dir);

 private:
  const std::vector<Store> stores_;
  absl::Mutex mu_;  // one checkpoint at a time
};

}  // namespace admin
}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_ADMIN_CHECKPOINTER_H_
