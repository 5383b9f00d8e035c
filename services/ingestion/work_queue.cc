#include "services/ingestion/work_queue.h"

#include <algorithm>
#include <utility>

namespace budgetperf {
namespace ingestion {

WorkQueue::WorkQueue(int threads) {
  const int n = std::max(1, threads);
  threads_.reserve(n);
  for (int i = 0; i < n; ++i) threads_.emplace_back([this] { Run(); });
}

WorkQueue::~WorkQueue() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
}

void WorkQueue::Post(std::function<void()> task) {
  {
    absl::MutexLock lock(&mu_);
    tasks_.push_back(std::move(task));
  }
}

bool WorkQueue::Ready() const { return stopping_ || !tasks_.empty(); }

void WorkQueue::Run() {
  while (true) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &WorkQueue::Ready));
      // Drain before stopping: a queued task may be the one that finishes an
      // RPC the server is waiting for.
      if (tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace ingestion
}  // namespace budgetperf
