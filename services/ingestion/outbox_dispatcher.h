#ifndef BUDGETPERF_SERVICES_INGESTION_OUTBOX_DISPATCHER_H_
#define BUDGETPERF_SERVICES_INGESTION_OUTBOX_DISPATCHER_H_

// Works off the outbox in the background, each record until it succeeds:
//
//   OUTBOX_SCORE                every stored version whose scoring is pending
//                               is scored as soon as the scoring service
//                               answers. The record is removed and the
//                               version's scorecard and status stored in one
//                               batch (with, when a sink is configured, a
//                               delivery record, so that aggregation gets the
//                               score), so a crash in between only means the
//                               work is done again (scoring is a pure
//                               function).
//   OUTBOX_DELIVER_AGGREGATION  the version, as stored at the time of the
//                               attempt, is delivered to the EvaluationSink;
//                               the record is removed only after the sink
//                               says OK (at least once: a crash after the
//                               reply delivers it again, which the receiver
//                               ignores). The due deliveries of each
//                               page of the outbox go in one round: one
//                               DeliverBatch, one write completing them.
//
// Failed attempts are retried with exponential backoff per record (Backoff,
// capped at Options.max_backoff). Records are independent: the receiver
// orders versions itself, so a record retried later never holds up the
// others; only an unreachable target pauses its kind of records (with the
// same backoff), since they would fail the same way.
//
//   OutboxDispatcher dispatcher(store, scorer, sink, {});
//   dispatcher.Start();
//   ... Ingestor options.on_outbox_work = [&] { dispatcher.Notify(); } ...
//   dispatcher.Stop();
//
// Records whose target is not configured (a null scorer or sink) are left in
// place for a server that has it.

#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/ingestion/evaluation_sink.h"
#include "services/ingestion/ingestion_store.h"
#include "services/ingestion/ingestor.h"
#include "services/ingestion/scorer.h"

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
    // Records read from the store at a time; also the most versions sent to
    // aggregation in one round (one DeliverBatch).
    size_t batch_size = 256;
    // After a Notify, when the last pass had less than a round's worth of
    // work, how long to wait for more before the next pass, so that a
    // trickle of submits still goes out in rounds. 0: at once.
    std::chrono::milliseconds coalesce_delay{5};
    // The clock, in Unix milliseconds.
    std::function<int64_t()> clock = SystemUnixMillis;
  };

  // `store` must outlive the dispatcher, and so must `scorer` and `sink`
  // when not null. A null scorer leaves OUTBOX_SCORE records alone; a null
  // sink leaves OUTBOX_DELIVER_AGGREGATION records alone and writes none.
  OutboxDispatcher(IngestionStore* store, Scorer* scorer, EvaluationSink* sink, Options options);

  // Stops the background thread if it runs.
  ~OutboxDispatcher();

  OutboxDispatcher(const OutboxDispatcher&) = delete;
  OutboxDispatcher& operator=(const OutboxDispatcher&) = delete;

  // Starts the background thread. Call at most once.
  void Start();

  // Stops the background thread after its current attempt (bounded by the
  // scorer's or sink's deadline). Idempotent.
  void Stop();

  // Asks for a pass now rather than at the next poll. Thread-safe.
  void Notify();

  // Runs one pass on the calling thread: walks the whole outbox in batches,
  // attempts every due record and returns how many were completed. Once a
  // target (scoring, aggregation) is unreachable, the pass skips the rest of
  // its records, and later passes do until its backoff has passed. Call it
  // from one thread at a time (the background thread, or a test without it).
  absl::StatusOr<int> RunOnce();

  // The wait before attempt `attempts` + 1 after `attempts` failures.
  std::chrono::milliseconds Backoff(int attempts) const;

 private:
  // The outcome of one record: completed, retry later, or the target is
  // unreachable (skip its records for now).
  enum class Outcome { kDone, kRetryLater, kUnreachable };

  // One target's consecutive unreachable passes and when to try it again
  // (in memory: after a restart every target is tried at once).
  struct TargetState {
    int failures = 0;
    int64_t resume_at_unix_ms = 0;
  };

  absl::StatusOr<Outcome> Score(const OutboxEntry& entry);
  // What one round of deliveries came to: how many records were completed,
  // and kUnreachable when the target could not be reached (else kDone).
  struct DeliveryRound {
    int done = 0;
    Outcome outcome = Outcome::kDone;
  };
  // Delivers the versions of `entries` with one DeliverBatch, completes
  // the delivered records in one write and retries the rest.
  absl::StatusOr<DeliveryRound> Deliver(const std::vector<const OutboxEntry*>& entries);
  // Counts a failed attempt in the record and pushes its next one back.
  absl::Status Retry(const OutboxEntry& entry, const absl::Status& error);
  // Updates `target` after an attempt with `outcome`.
  void Track(Outcome outcome, TargetState* target);
  void Loop();

  IngestionStore* const store_;
  Scorer* const scorer_;
  EvaluationSink* const sink_;
  const Options options_;

  // Used by RunOnce only (one thread at a time).
  TargetState scoring_;
  TargetState aggregation_;

  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool notified_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace ingestion
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_INGESTION_OUTBOX_DISPATCHER_H_
