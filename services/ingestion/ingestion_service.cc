#include "services/ingestion/ingestion_service.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/server/grpc_status.h"
#include "services/ingestion/stream_tally.h"
#include "services/ingestion/validation_errors.h"

namespace budgetperf {
namespace ingestion {
namespace {

// A logic answer as sent: its typed details cut to fit gRPC's trailers.
grpc::Status WireStatus(const absl::Status& status) {
  return ToGrpcStatus(CutDetailsToFit(status));
}

// Runs `work` (returning absl::StatusOr<Response>) on the queue and finishes
// the unary call with its answer.
template <typename Response, typename Work>
grpc::ServerUnaryReactor* RunUnary(grpc::CallbackServerContext* context, WorkQueue* queue,
                                   Response* response, Work work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  queue->Post([reactor, response, work = std::move(work)]() mutable {
    absl::StatusOr<Response> result = work();
    if (result.ok()) *response = *std::move(result);
    reactor->Finish(WireStatus(result.status()));
  });
  return reactor;
}

// Reads packages one at a time, submitting each before reading the next, so
// that a stream of thousands holds one package in memory.
class SubmitStreamReactor final : public grpc::ServerReadReactor<v1::SubmitRequest> {
 public:
  SubmitStreamReactor(Ingestor* ingestor, WorkQueue* work, v1::SubmitStreamResponse* response)
      : ingestor_(ingestor),
        work_(work),
        tally_(response, {kMaxStreamViolations, kMaxStreamBlockingFindings}) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      // The client has sent everything (or gave up; then nobody reads this).
      // The answer acknowledges every package at once, so their writes were
      // not synced one by one but are now, together, before it goes out.
      {
        absl::MutexLock lock(&mu_);
        finishing_ = true;
      }
      work_->Post([this] {
        absl::Status synced = ingestor_->SyncDeferred();
        bool done;
        {
          absl::MutexLock lock(&mu_);
          done = done_;
        }
        // A wrapper (the access guard) may have ended the call already.
        if (!done) Finish(synced.ok() ? grpc::Status::OK : WireStatus(synced));
        {
          absl::MutexLock lock(&mu_);
          finishing_ = false;
          done = done_;
        }
        if (done) delete this;
      });
      return;
    }
    work_->Post([this] {
      Process();
      StartRead(&request_);
    });
  }

  void OnDone() override {
    bool finishing;
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
      finishing = finishing_;
    }
    // Else the finishing task deletes the reactor once it is through.
    if (!finishing) delete this;
  }

 private:
  void Process() {
    tally_.Add(request_, ingestor_->Submit(request_, Ingestor::Sync::kLater));
  }

  Ingestor* const ingestor_;
  WorkQueue* const work_;
  // The answer, tallied package by package.
  StreamTally tally_;
  v1::SubmitRequest request_;
  // The end of the stream is answered from the work queue (after the sync);
  // the call may be over by then (OnDone), and the reactor must outlive
  // that task.
  absl::Mutex mu_;
  bool finishing_ ABSL_GUARDED_BY(mu_) = false;  // the task is queued or running
  bool done_ ABSL_GUARDED_BY(mu_) = false;       // OnDone was called
};

// Lists the matching keys first (small), then reads and writes one message
// at a time as the client takes them: one evaluation each, or with the
// request's `batch` a batch of them (Ingestor::ReadListingBatch), read in one
// work-queue task per message.
class ListEvaluationsReactor final : public grpc::ServerWriteReactor<v1::ListEvaluationsResponse> {
 public:
  ListEvaluationsReactor(Ingestor* ingestor, WorkQueue* work, v1::ListEvaluationsRequest request)
      : ingestor_(ingestor), work_(work) {
    work_->Post([this, request = std::move(request)] {
      absl::StatusOr<std::vector<ListingKey>> keys = ingestor_->ListEvaluationKeys(request);
      if (!keys.ok()) {
        Finish(WireStatus(keys.status()));
        return;
      }
      keys_ = *std::move(keys);
      view_ = request.view();
      batch_ = std::min(request.batch(), kMaxListingBatch);
      WriteNext();
    });
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the client stopped reading"));
      return;
    }
    work_->Post([this] { WriteNext(); });
  }

  void OnDone() override { delete this; }

 private:
  void WriteNext() {
    if (next_ == keys_.size()) {
      Finish(grpc::Status::OK);
      return;
    }
    if (batch_ > 1) {
      item_.Clear();
      const size_t count = std::min(static_cast<size_t>(batch_), keys_.size() - next_);
      absl::StatusOr<size_t> used = ingestor_->ReadListingBatch(
          absl::MakeConstSpan(keys_).subspan(next_, count), view_, kListingBatchBytes, &item_);
      if (!used.ok()) {
        Finish(WireStatus(used.status()));
        return;
      }
      next_ += *used;
      StartWrite(&item_);
      return;
    }
    absl::StatusOr<v1::ListEvaluationsResponse> item =
        ingestor_->ReadListing(keys_[next_++], view_);
    if (!item.ok()) {
      Finish(WireStatus(item.status()));
      return;
    }
    item_ = *std::move(item);
    StartWrite(&item_);
  }

  Ingestor* const ingestor_;
  WorkQueue* const work_;
  std::vector<ListingKey> keys_;
  v1::EvaluationView view_ = v1::EVALUATION_VIEW_UNSPECIFIED;
  int32_t batch_ = 0;  // above 1: entries per message
  size_t next_ = 0;
  v1::ListEvaluationsResponse item_;
};

}  // namespace

IngestionServiceImpl::IngestionServiceImpl(Ingestor* ingestor, WorkQueue* work)
    : ingestor_(ingestor), work_(work) {
  SetMessageAllocatorFor_Submit(&submit_allocator_);
}

grpc::ServerUnaryReactor* IngestionServiceImpl::Submit(grpc::CallbackServerContext* context,
                                                       const v1::SubmitRequest* request,
                                                       v1::SubmitResponse* response) {
  return RunUnary(context, work_, response, [this, request] {
    return ingestor_->Submit(*request);
  });
}

grpc::ServerReadReactor<v1::SubmitRequest>* IngestionServiceImpl::SubmitStream(
    grpc::CallbackServerContext* /*context*/, v1::SubmitStreamResponse* response) {
  return new SubmitStreamReactor(ingestor_, work_, response);
}

grpc::ServerUnaryReactor* IngestionServiceImpl::GetEvaluation(
    grpc::CallbackServerContext* context, const v1::GetEvaluationRequest* request,
    v1::GetEvaluationResponse* response) {
  return RunUnary(context, work_, response, [this, request] {
    return ingestor_->GetEvaluation(*request);
  });
}

grpc::ServerUnaryReactor* IngestionServiceImpl::ListVersions(grpc::CallbackServerContext* context,
                                                             const v1::ListVersionsRequest* request,
                                                             v1::ListVersionsResponse* response) {
  return RunUnary(context, work_, response, [this, request] {
    return ingestor_->ListVersions(*request);
  });
}

grpc::ServerWriteReactor<v1::ListEvaluationsResponse>* IngestionServiceImpl::ListEvaluations(
    grpc::CallbackServerContext* /*context*/, const v1::ListEvaluationsRequest* request) {
  return new ListEvaluationsReactor(ingestor_, work_, *request);
}

}  // namespace ingestion
}  // namespace budgetperf
