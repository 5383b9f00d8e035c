#ifndef BUDGETPERF_SERVICES_INGESTION_WORK_QUEUE_H_
#define BUDGETPERF_SERVICES_INGESTION_WORK_QUEUE_H_

// A fixed pool of threads running queued tasks in order of arrival.
//
// gRPC's callback API runs handlers on its own few threads, which must not
// block; a Submit blocks on a synced disk write and on the scoring call. The
// handlers therefore hand their work to this pool and finish the RPC from
// it.
//
//   WorkQueue queue(8);
//   queue.Post([reactor] { ...; reactor->Finish(status); });

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace budgetperf {
namespace ingestion {

class WorkQueue {
 public:
  // Starts `threads` (at least 1) worker threads.
  explicit WorkQueue(int threads);

  // Runs every task already posted, then joins the threads.
  ~WorkQueue();

  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Queues `task` to run on a worker thread. Thread-safe.
  void Post(std::function<void()> task);

 private:
  void Run();
  // A task to run, or the queue stopping.
  bool Ready() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace ingestion
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_INGESTION_WORK_QUEUE_H_
