#include "services/ingestion/outbox_dispatcher.h"

#include <algorithm>
#include <iostream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/status/status_macros.h"
#include "services/ingestion/evaluation_status.h"

namespace budgetperf {
namespace ingestion {
OutboxDispatcher::OutboxDispatcher(IngestionStore* store, Scorer* scorer, EvaluationSink* sink,
                                   Options options)
    : store_(store), scorer_(scorer), sink_(sink), options_(std::move(options)) {}

OutboxDispatcher::~OutboxDispatcher() { Stop(); }

void OutboxDispatcher::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void OutboxDispatcher::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void OutboxDispatcher::Notify() {
  absl::MutexLock lock(&mu_);
  notified_ = true;
}

std::chrono::milliseconds OutboxDispatcher::Backoff(int attempts) const {
  std::chrono::milliseconds wait = options_.initial_backoff;
  for (int i = 1; i < attempts && wait < options_.max_backoff; ++i) wait *= 2;
  return std::min(wait, options_.max_backoff);
}

void OutboxDispatcher::Loop() {
  // Whether the last pass had at least a round's worth of work: then more is
  // likely waiting and the next pass starts at once.
  bool busy = false;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      const auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_ || notified_; };
      mu_.AwaitWithTimeout(absl::Condition(&woken), absl::FromChrono(options_.poll_interval));
      if (stop_) return;
      if (notified_ && !busy && options_.coalesce_delay.count() > 0) {
        // A trickle of submits: wait a moment for the next few, so that they
        // go to aggregation in one round rather than one write each.
        mu_.AwaitWithTimeout(absl::Condition(&stop_), absl::FromChrono(options_.coalesce_delay));
        if (stop_) return;
      }
      notified_ = false;
    }
    absl::StatusOr<int> done = RunOnce();
    busy = done.ok() && *done >= static_cast<int>(options_.batch_size);
    if (!done.ok()) {
      // The store failing is not something to retry in a tight loop; the
      // next poll tries again, and the operator sees why.
      std::cerr << "budget-ingestion: outbox: " << done.status() << std::endl;
    }
  }
}

void OutboxDispatcher::Track(Outcome outcome, TargetState* target) {
  if (outcome == Outcome::kUnreachable) {
    ++target->failures;
    target->resume_at_unix_ms = options_.clock() + Backoff(target->failures).count();
  } else {
    *target = TargetState();
  }
}

absl::StatusOr<int> OutboxDispatcher::RunOnce() {
  int done = 0;
  uint64_t cursor = 0;
  // A target found unreachable is skipped for the rest of the pass (and, by
  // its resume time, the next few).
  const int64_t start = options_.clock();
  bool scoring_paused = scorer_ == nullptr || scoring_.resume_at_unix_ms > start;
  bool aggregation_paused = sink_ == nullptr || aggregation_.resume_at_unix_ms > start;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<OutboxEntry> entries,
                     store_->ListOutbox(options_.batch_size, cursor));
    if (entries.empty()) return done;
    // A version whose sync a SubmitStream deferred is not delivered before
    // it is on disk: aggregation would keep what ingestion could lose.
    RETURN_IF_ERROR(store_->SyncDeferred());
    // The due deliveries of this page, sent together after its scoring.
    std::vector<const OutboxEntry*> deliveries;
    for (const OutboxEntry& entry : entries) {
      {
        absl::MutexLock lock(&mu_);
        if (stop_) return done;
      }
      if (entry.record.next_attempt_unix_ms() > options_.clock()) continue;
      Outcome outcome = Outcome::kRetryLater;
      switch (entry.record.kind()) {
        case OUTBOX_SCORE: {
          if (scoring_paused) continue;
          ASSIGN_OR_RETURN(outcome, Score(entry));
          Track(outcome, &scoring_);
          scoring_paused = outcome == Outcome::kUnreachable;
          break;
        }
        case OUTBOX_DELIVER_AGGREGATION: {
          if (!aggregation_paused) deliveries.push_back(&entry);
          continue;
        }
        default:
          continue;  // a kind of a later release: left for it
      }
      if (outcome == Outcome::kDone) ++done;
    }
    if (!deliveries.empty()) {
      ASSIGN_OR_RETURN(DeliveryRound round, Deliver(deliveries));
      done += round.done;
      Track(round.outcome, &aggregation_);
      aggregation_paused = round.outcome == Outcome::kUnreachable;
    }
    if (scoring_paused && aggregation_paused) return done;
    cursor = entries.back().seq;
  }
}

absl::Status OutboxDispatcher::Retry(const OutboxEntry& entry, const absl::Status& error) {
  OutboxRecord retry = entry.record;
  retry.set_attempts(entry.record.attempts() + 1);
  retry.set_next_attempt_unix_ms(options_.clock() + Backoff(retry.attempts()).count());
  retry.set_last_error(error.ToString());
  return store_->UpdateOutbox(entry.seq, retry);
}

absl::StatusOr<OutboxDispatcher::Outcome> OutboxDispatcher::Score(const OutboxEntry& entry) {
  const OutboxRecord& record = entry.record;
  absl::StatusOr<v1::StoredEvaluation> evaluation =
      store_->GetEvaluation(record.uscc(), record.year(), record.version());
  if (absl::IsNotFound(evaluation.status())) {
    // Nothing to score: the record outlived its version (never expected).
    RETURN_IF_ERROR(store_->CompleteOutbox(entry.seq, nullptr));
    return Outcome::kDone;
  }
  if (!evaluation.ok()) return evaluation.status();
  if (ScoringStatusOf(*evaluation) != v1::SCORING_PENDING) {
    RETURN_IF_ERROR(store_->CompleteOutbox(entry.seq, nullptr));
    return Outcome::kDone;
  }
  absl::StatusOr<v1::ScoreCard> card = scorer_->Score(evaluation->package());
  if (card.ok()) {
    *evaluation->mutable_scorecard() = *std::move(card);
    SetScoringStatus(&*evaluation, v1::SCORED);
    evaluation->set_scored_at_unix_ms(options_.clock());
    // Aggregation got the version unscored (or will); the score follows in
    // the same batch, so it cannot be lost between the two.
    std::vector<OutboxRecord> follow_up;
    if (sink_ != nullptr) {
      follow_up.push_back(MakeOutboxRecord(record.uscc(), record.year(), record.version(),
                                           OUTBOX_DELIVER_AGGREGATION, options_.clock()));
    }
    RETURN_IF_ERROR(store_->CompleteOutbox(entry.seq, &*evaluation, follow_up));
    return Outcome::kDone;
  }
  if (IsPermanentScoringError(card.status())) {
    SetScoringStatus(&*evaluation, v1::SCORING_FAILED);
    evaluation->set_scoring_error(std::string(card.status().message()));
    RETURN_IF_ERROR(store_->CompleteOutbox(entry.seq, &*evaluation));
    return Outcome::kDone;
  }
  RETURN_IF_ERROR(Retry(entry, card.status()));
  return IsUnreachable(card.status()) ? Outcome::kUnreachable : Outcome::kRetryLater;
}

absl::StatusOr<OutboxDispatcher::DeliveryRound> OutboxDispatcher::Deliver(
    const std::vector<const OutboxEntry*>& entries) {
  DeliveryRound round;
  std::vector<EvaluationId> ids;
  ids.reserve(entries.size());
  for (const OutboxEntry* entry : entries) {
    ids.push_back({entry->record.uscc(), entry->record.year(), entry->record.version()});
  }
  // The round's versions and requests live on one arena: the packages move
  // into the requests by pointer, and all of it is freed at once.
  google::protobuf::Arena arena;
  ASSIGN_OR_RETURN(std::vector<v1::StoredEvaluation*> evaluations,
                   store_->GetEvaluations(ids, &arena));
  // Records that outlived their version (never expected) are done too.
  std::vector<uint64_t> completed;
  std::vector<const OutboxEntry*> sent;
  std::vector<const v1::ApplyEvaluationRequest*> requests;
  sent.reserve(entries.size());
  requests.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    if (evaluations[i] == nullptr) {
      completed.push_back(entries[i]->seq);
      continue;
    }
    sent.push_back(entries[i]);
    auto* request = google::protobuf::Arena::CreateMessage<v1::ApplyEvaluationRequest>(&arena);
    TakeApplyRequest(evaluations[i], request);
    requests.push_back(request);
  }
  std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>> results;
  if (!requests.empty()) results = sink_->DeliverBatch(requests);
  for (size_t i = 0; i < results.size() && i < sent.size(); ++i) {
    if (results[i].ok()) completed.push_back(sent[i]->seq);
  }
  // The completions first, in one write: they are the work that was done.
  RETURN_IF_ERROR(store_->CompleteOutboxBatch(completed));
  round.done = static_cast<int>(completed.size());
  for (size_t i = 0; i < results.size() && i < sent.size(); ++i) {
    const absl::Status& error = results[i].status();
    if (error.ok()) continue;
    const OutboxEntry& entry = *sent[i];
    RETURN_IF_ERROR(Retry(entry, error));
    if (IsUnreachable(error)) {
      // The items after it were not attempted: they wait for the target.
      round.outcome = Outcome::kUnreachable;
      break;
    }
    // Aggregation refused this version (or failed on it): it is kept and
    // retried, since dropping it would lose it from the rollups, but someone
    // has to look.
    std::cerr << "budget-ingestion: outbox: delivering " << entry.record.uscc() << " "
              << entry.record.year() << " version " << entry.record.version()
              << " to aggregation (attempt " << entry.record.attempts() + 1
              << "): " << error << std::endl;
  }
  return round;
}

}  // namespace ingestion
}  // namespace budgetperf
