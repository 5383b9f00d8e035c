#include "services/ingestion/evaluation_sink.h"

#include <grpcpp/grpcpp.h>

#include <utility>

#include "absl/strings/str_cat.h"

#include "common/server/grpc_status.h"
#include "common/server/server_security.h"
#include "services/ingestion/evaluation_status.h"

namespace budgetperf {
namespace ingestion {

namespace {

// Versions per ApplyEvaluations call, well under the server's 10,000.
constexpr size_t kMaxPerCall = 1000;

}  // namespace

bool IsUnreachable(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status);
}

std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>> EvaluationSink::DeliverBatch(
    const std::vector<const v1::ApplyEvaluationRequest*>& requests) {
  std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>> results;
  results.reserve(requests.size());
  for (const v1::ApplyEvaluationRequest* request : requests) {
    results.push_back(Deliver(*request));
    // The rest would fail the same way.
    if (IsUnreachable(results.back().status())) break;
  }
  return results;
}

v1::ApplyEvaluationRequest ApplyRequestOf(const v1::StoredEvaluation& evaluation) {
  v1::ApplyEvaluationRequest request;
  *request.mutable_package() = evaluation.package();
  request.set_version(evaluation.version());
  request.set_submitted_at_unix_ms(evaluation.submitted_at_unix_ms());
  // Not the headline status: a scored version with error findings is
  // HAS_ERRORS, and its score counts all the same.
  if (ScoringStatusOf(evaluation) == v1::SCORED && evaluation.has_scorecard()) {
    *request.mutable_score() = evaluation.scorecard().summary();
  }
  *request.mutable_findings() = evaluation.findings();
  return request;
}

void TakeApplyRequest(v1::StoredEvaluation* evaluation, v1::ApplyEvaluationRequest* request) {
  request->mutable_package()->Swap(evaluation->mutable_package());
  request->set_version(evaluation->version());
  request->set_submitted_at_unix_ms(evaluation->submitted_at_unix_ms());
  if (ScoringStatusOf(*evaluation) == v1::SCORED && evaluation->has_scorecard()) {
    request->mutable_score()->Swap(evaluation->mutable_scorecard()->mutable_summary());
  }
  request->mutable_findings()->Swap(evaluation->mutable_findings());
}

GrpcEvaluationSink::GrpcEvaluationSink(Options options) : options_(std::move(options)) {
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(options_.max_message_bytes);
  args.SetMaxReceiveMessageSize(options_.max_message_bytes);
  // gRPC backs off reconnecting up to 2 minutes by default: an aggregation
  // server that comes back would sit unused that long while versions wait in
  // the outbox.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  stub_ = v1::AggregationService::NewStub(
      grpc::CreateCustomChannel(options_.address, DefaultChannelCredentials(), args));
}

absl::StatusOr<v1::ApplyEvaluationResponse> GrpcEvaluationSink::Deliver(
    const v1::ApplyEvaluationRequest& request) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + options_.deadline);
  v1::ApplyEvaluationResponse response;
  grpc::Status status = stub_->ApplyEvaluation(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>> GrpcEvaluationSink::DeliverBatch(
    const std::vector<const v1::ApplyEvaluationRequest*>& requests) {
  if (no_batch_.load() || requests.size() <= 1) return EvaluationSink::DeliverBatch(requests);
  std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>> results;
  results.reserve(requests.size());
  size_t begin = 0;
  while (begin < requests.size()) {
    size_t end = begin;
    size_t bytes = 0;
    do {
      bytes += requests[end]->ByteSizeLong();
      ++end;
    } while (end < requests.size() && end - begin < kMaxPerCall &&
             bytes + requests[end]->ByteSizeLong() <= options_.max_batch_bytes);
    const size_t before = results.size();
    if (!DeliverChunk(requests, begin, end, &results)) {
      // An aggregation server from before ApplyEvaluations: one at a time.
      no_batch_.store(true);
      std::vector<const v1::ApplyEvaluationRequest*> rest(requests.begin() + begin,
                                                          requests.end());
      for (auto& one : EvaluationSink::DeliverBatch(rest)) results.push_back(std::move(one));
      return results;
    }
    // Stopped short: the server became unreachable.
    if (results.size() - before < end - begin) return results;
    begin = end;
  }
  return results;
}

bool GrpcEvaluationSink::DeliverChunk(
    const std::vector<const v1::ApplyEvaluationRequest*>& requests, size_t begin, size_t end,
    std::vector<absl::StatusOr<v1::ApplyEvaluationResponse>>* results) {
  v1::ApplyEvaluationsRequest batch;
  batch.mutable_evaluations()->Reserve(static_cast<int>(end - begin));
  for (size_t i = begin; i < end; ++i) *batch.add_evaluations() = *requests[i];
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + options_.deadline);
  v1::ApplyEvaluationsResponse response;
  const grpc::Status status = stub_->ApplyEvaluations(&context, batch, &response);
  if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) return false;
  if (!status.ok()) {
    const absl::Status error = FromGrpcStatus(status);
    // Unreachable: one attempt, as one Deliver would have made. Anything
    // else was an answer about every item.
    results->insert(results->end(), IsUnreachable(error) ? 1 : end - begin, error);
    return true;
  }
  if (response.results_size() != static_cast<int>(end - begin)) {
    results->insert(results->end(), end - begin,
                    absl::InternalError(absl::StrCat("ApplyEvaluations answered ",
                                                     response.results_size(), " results for ",
                                                     end - begin, " evaluations")));
    return true;
  }
  for (v1::ApplyEvaluationResult& result : *response.mutable_results()) {
    if (result.error_code() != 0) {
      results->push_back(absl::Status(static_cast<absl::StatusCode>(result.error_code()),
                                      result.error_message()));
    } else {
      results->push_back(std::move(*result.mutable_applied()));
    }
  }
  return true;
}

}  // namespace ingestion
}  // namespace budgetperf
