#include "services/ingestion/outbox_dispatcher.h"

#include <algorithm>
#include <iostream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace budgetperf {
namespace ingestion {

OutboxDispatcher::OutboxDispatcher(IngestionStore* store, Scorer* scorer, Options options)
    : store_(store), scorer_(scorer), options_(std::move(options)) {}

OutboxDispatcher::~OutboxDispatcher() { Stop(); }

void OutboxDispatcher::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void OutboxDispatcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OutboxDispatcher::Notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    notified_ = true;
  }
  wake_.notify_all();
}

std::chrono::milliseconds OutboxDispatcher::Backoff(int attempts) const {
  std::chrono::milliseconds wait = options_.initial_backoff;
  for (int i = 1; i < attempts && wait < options_.max_backoff; ++i) wait *= 2;
  return std::min(wait, options_.max_backoff);
}

void OutboxDispatcher::Loop() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait_for(lock, options_.poll_interval, [this] { return stop_ || notified_; });
      if (stop_) return;
      notified_ = false;
    }
    absl::StatusOr<int> done = RunOnce();
    if (!done.ok()) {
      // The store failing is not something to retry in a tight loop; the
      // next poll tries again, and the operator sees why.
      std::cerr << "budget-ingestion: outbox: " << done.status() << std::endl;
    }
  }
}

absl::StatusOr<int> OutboxDispatcher::RunOnce() {
  int done = 0;
  uint64_t cursor = 0;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<OutboxEntry> entries,
                     store_->ListOutbox(options_.batch_size, cursor));
    if (entries.empty()) return done;
    for (const OutboxEntry& entry : entries) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_) return done;
      }
      if (entry.record.next_attempt_unix_ms() > options_.clock()) continue;
      if (entry.record.kind() != v1::OUTBOX_SCORE) continue;
      ASSIGN_OR_RETURN(Outcome outcome, Score(entry));
      if (outcome == Outcome::kDone) ++done;
      if (outcome == Outcome::kUnreachable) return done;
    }
    cursor = entries.back().seq;
  }
}

absl::StatusOr<OutboxDispatcher::Outcome> OutboxDispatcher::Score(const OutboxEntry& entry) {
  const v1::OutboxRecord& record = entry.record;
  absl::StatusOr<v1::StoredEvaluation> evaluation =
      store_->GetEvaluation(record.uscc(), record.year(), record.version());
  if (absl::IsNotFound(evaluation.status())) {
    // Nothing to score: the record outlived its version (never expected).
    RETURN_IF_ERROR(store_->CompleteOutbox(entry.seq, nullptr));
    return Outcome::kDone;
  }
  if (!evaluation.ok()) return evaluation.status();
  if (evaluation->status() != v1::SCORING_PENDING) {
    RETURN_IF_ERROR(store_->CompleteOutbox(entry.seq, nullptr));
    return Outcome::kDone;
  }
  absl::StatusOr<v1::ScoreCard> card = scorer_->Score(evaluation->package());
  if (card.ok()) {
    *evaluation->mutable_scorecard() = *std::move(card);
    evaluation->set_status(v1::SCORED);
    evaluation->set_scored_at_unix_ms(options_.clock());
    RETURN_IF_ERROR(store_->CompleteOutbox(entry.seq, &*evaluation));
    return Outcome::kDone;
  }
  if (IsPermanentScoringError(card.status())) {
    evaluation->set_status(v1::SCORING_FAILED);
    evaluation->set_scoring_error(std::string(card.status().message()));
    RETURN_IF_ERROR(store_->CompleteOutbox(entry.seq, &*evaluation));
    return Outcome::kDone;
  }
  v1::OutboxRecord retry = record;
  retry.set_attempts(record.attempts() + 1);
  retry.set_next_attempt_unix_ms(options_.clock() + Backoff(retry.attempts()).count());
  retry.set_last_error(card.status().ToString());
  RETURN_IF_ERROR(store_->UpdateOutbox(entry.seq, retry));
  return absl::IsUnavailable(card.status()) || absl::IsDeadlineExceeded(card.status())
             ? Outcome::kUnreachable
             : Outcome::kRetryLater;
}

}  // namespace ingestion
}  // namespace budgetperf
