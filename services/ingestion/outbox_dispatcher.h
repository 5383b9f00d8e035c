#ifndef BUDGETPERF_SERVICES_INGESTION_OUTBOX_DISPATCHER_H_
#define BUDGETPERF_SERVICES_INGESTION_OUTBOX_DISPATCHER_H_

// Works off the outbox in the background: every stored version whose scoring
// is pending is scored as soon as the scoring service answers, with
// exponential backoff while it does not. The outbox record is removed and the
// version's scorecard and status stored in one batch, so a crash in between
// only means the work is done again (scoring is a pure function).
//
//   OutboxDispatcher dispatcher(store, scorer, {});
//   dispatcher.Start();
//   ... Ingestor options.on_outbox_work = [&] { dispatcher.Notify(); } ...
//   dispatcher.Stop();
//
// Records of kinds it does not handle (OUTBOX_DELIVER_AGGREGATION, until
// aggregation lands) are left in place.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/status/statusor.h"
#include "services/ingestion/ingestion_store.h"
#include "services/ingestion/ingestor.h"
#include "services/ingestion/scoring_client.h"

namespace budgetperf {
namespace ingestion {

class OutboxDispatcher {
 public:
  struct Options {
    // Wait after the first failed attempt; doubled after each further one.
    std::chrono::milliseconds initial_backoff{500};
    // The longest wait between two attempts of one record.
    std::chrono::milliseconds max_backoff{30000};
    // How often the outbox is looked at without a Notify.
    std::chrono::milliseconds poll_interval{1000};
    // Records read from the store at a time.
    size_t batch_size = 256;
    // The clock, in Unix milliseconds.
    std::function<int64_t()> clock = SystemUnixMillis;
  };

  // `store` and `scorer` (not null) must outlive the dispatcher.
  OutboxDispatcher(IngestionStore* store, Scorer* scorer, Options options);

  // Stops the background thread if it runs.
  ~OutboxDispatcher();

  OutboxDispatcher(const OutboxDispatcher&) = delete;
  OutboxDispatcher& operator=(const OutboxDispatcher&) = delete;

  // Starts the background thread. Call at most once.
  void Start();

  // Stops the background thread after its current attempt (bounded by the
  // scorer's deadline). Idempotent.
  void Stop();

  // Asks for a pass now rather than at the next poll. Thread-safe.
  void Notify();

  // Runs one pass on the calling thread: walks the whole outbox in batches,
  // attempts every due record and returns how many were completed. A pass
  // stops early when scoring is unreachable, since the next records would
  // fail the same way.
  absl::StatusOr<int> RunOnce();

  // The wait before attempt `attempts` + 1 after `attempts` failures.
  std::chrono::milliseconds Backoff(int attempts) const;

 private:
  // The outcome of one record: completed, retry later, or stop the pass.
  enum class Outcome { kDone, kRetryLater, kUnreachable };

  absl::StatusOr<Outcome> Score(const OutboxEntry& entry);
  void Loop();

  IngestionStore* const store_;
  Scorer* const scorer_;
  const Options options_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;      // guarded by mu_
  bool notified_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace ingestion
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_INGESTION_OUTBOX_DISPATCHER_H_
