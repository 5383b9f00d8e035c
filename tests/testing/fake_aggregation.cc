#include "tests/testing/fake_aggregation.h"

#include "absl/status/status.h"

namespace budgetperf {
namespace {

grpc::Status Unimplemented() {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "no such method");
}

}  // namespace

grpc::ServerUnaryReactor* FakeAggregationService::RecordFindings(
    grpc::CallbackServerContext* context, const v1::RecordFindingsRequest* request,
    v1::RecordFindingsResponse*) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::MutexLock lock(&mu_);
  ++record_calls_;
  if (options_.known_units.count(request->code()) == 0) {
    reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown"));
    return reactor;
  }
  recorded_[{request->code(), request->source()}] = request->findings_size();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* FakeAggregationService::RecordFindingsBatch(
    grpc::CallbackServerContext* context, const v1::RecordFindingsBatchRequest* request,
    v1::RecordFindingsBatchResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (!options_.batch) {
    reactor->Finish(Unimplemented());
    return reactor;
  }
  absl::MutexLock lock(&mu_);
  ++record_batch_calls_;
  for (const v1::RecordFindingsRequest& r : request->records()) {
    v1::RecordFindingsResult* result = response->add_results();
    if (options_.known_units.count(r.code()) == 0) continue;
    result->set_found(true);
    recorded_[{r.code(), r.source()}] = r.findings_size();
  }
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* FakeAggregationService::ApplyEvaluation(
    grpc::CallbackServerContext* context, const v1::ApplyEvaluationRequest* request,
    v1::ApplyEvaluationResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::MutexLock lock(&mu_);
  ++apply_calls_;
  if (request->version() == 0) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "version 0"));
    return reactor;
  }
  response->set_outcome(v1::APPLY_OUTCOME_APPLIED);
  response->set_applied_version(request->version());
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* FakeAggregationService::ApplyEvaluations(
    grpc::CallbackServerContext* context, const v1::ApplyEvaluationsRequest* request,
    v1::ApplyEvaluationsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (!options_.batch) {
    reactor->Finish(Unimplemented());
    return reactor;
  }
  absl::MutexLock lock(&mu_);
  ++apply_batch_calls_;
  for (const v1::ApplyEvaluationRequest& r : request->evaluations()) {
    v1::ApplyEvaluationResult* result = response->add_results();
    if (r.version() == 0) {
      result->set_error_code(static_cast<int>(absl::StatusCode::kInvalidArgument));
      result->set_error_message("version 0");
      continue;
    }
    result->mutable_applied()->set_outcome(v1::APPLY_OUTCOME_APPLIED);
    result->mutable_applied()->set_applied_version(r.version());
  }
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

int FakeAggregationService::record_calls() const {
  absl::MutexLock lock(&mu_);
  return record_calls_;
}

int FakeAggregationService::record_batch_calls() const {
  absl::MutexLock lock(&mu_);
  return record_batch_calls_;
}

int FakeAggregationService::apply_calls() const {
  absl::MutexLock lock(&mu_);
  return apply_calls_;
}

int FakeAggregationService::apply_batch_calls() const {
  absl::MutexLock lock(&mu_);
  return apply_batch_calls_;
}

std::map<std::pair<std::string, std::string>, int> FakeAggregationService::recorded() const {
  absl::MutexLock lock(&mu_);
  return recorded_;
}

}  // namespace budgetperf
