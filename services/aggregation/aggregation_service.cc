#include "services/aggregation/aggregation_service.h"

#include <thread>
#include <utility>

#include "absl/status/statusor.h"
#include "common/server/grpc_status.h"

namespace budgetperf {

namespace {

// Finishes a unary call with the logic's result.
template <typename Response>
grpc::ServerUnaryReactor* Reply(grpc::CallbackServerContext* context,
                                absl::StatusOr<Response> result, Response* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (result.ok()) *response = *std::move(result);
  reactor->Finish(ToGrpcStatus(result.status()));
  return reactor;
}

// Finishes a unary call whose response the logic wrote in place.
grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context, const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace

AggregationServiceImpl::AggregationServiceImpl(Aggregator* aggregator, EvaluationSource* source)
    : aggregator_(aggregator), source_(source) {
  SetMessageAllocatorFor_GetRollup(&rollup_allocator_);
  SetMessageAllocatorFor_Drilldown(&drilldown_allocator_);
}

AggregationServiceImpl::~AggregationServiceImpl() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](int* running) { return *running == 0; }, &recomputes_running_));
}

grpc::ServerUnaryReactor* AggregationServiceImpl::UpsertNodes(
    grpc::CallbackServerContext* context, const v1::UpsertNodesRequest* request,
    v1::UpsertNodesResponse* response) {
  return Reply(context, aggregator_->UpsertNodes(*request), response);
}

grpc::ServerUnaryReactor* AggregationServiceImpl::ImportOrgCsv(
    grpc::CallbackServerContext* context, const v1::ImportOrgCsvRequest* request,
    v1::ImportOrgCsvResponse* response) {
  return Reply(context, aggregator_->ImportOrgCsv(request->csv()), response);
}

grpc::ServerUnaryReactor* AggregationServiceImpl::GetNode(grpc::CallbackServerContext* context,
                                                          const v1::GetNodeRequest* request,
                                                          v1::GetNodeResponse* response) {
  return Reply(context, aggregator_->GetNode(*request), response);
}

grpc::ServerUnaryReactor* AggregationServiceImpl::ListNodes(grpc::CallbackServerContext* context,
                                                            const v1::ListNodesRequest* request,
                                                            v1::ListNodesResponse* response) {
  return Reply(context, aggregator_->ListNodes(*request), response);
}

grpc::ServerUnaryReactor* AggregationServiceImpl::MoveNode(grpc::CallbackServerContext* context,
                                                           const v1::MoveNodeRequest* request,
                                                           v1::MoveNodeResponse* response) {
  return Reply(context, aggregator_->MoveNode(*request), response);
}

grpc::ServerUnaryReactor* AggregationServiceImpl::ApplyEvaluation(
    grpc::CallbackServerContext* context, const v1::ApplyEvaluationRequest* request,
    v1::ApplyEvaluationResponse* response) {
  // One synced write batch: milliseconds, fine on the callback thread.
  return Reply(context, aggregator_->ApplyEvaluation(*request), response);
}

grpc::ServerUnaryReactor* AggregationServiceImpl::ApplyEvaluations(
    grpc::CallbackServerContext* context, const v1::ApplyEvaluationsRequest* request,
    v1::ApplyEvaluationsResponse* response) {
  // One synced write for the batch: fine on the callback thread, like Apply.
  return Reply(context, aggregator_->ApplyEvaluations(*request), response);
}

grpc::ServerUnaryReactor* AggregationServiceImpl::GetRollup(grpc::CallbackServerContext* context,
                                                            const v1::GetRollupRequest* request,
                                                            v1::GetRollupResponse* response) {
  return Finish(context, aggregator_->GetRollup(*request, response));
}

grpc::ServerUnaryReactor* AggregationServiceImpl::Drilldown(grpc::CallbackServerContext* context,
                                                            const v1::DrilldownRequest* request,
                                                            v1::DrilldownResponse* response) {
  return Finish(context, aggregator_->Drilldown(*request, response));
}

grpc::ServerUnaryReactor* AggregationServiceImpl::Coverage(grpc::CallbackServerContext* context,
                                                           const v1::CoverageRequest* request,
                                                           v1::CoverageResponse* response) {
  return Reply(context, aggregator_->Coverage(*request), response);
}

grpc::ServerUnaryReactor* AggregationServiceImpl::CompareYears(
    grpc::CallbackServerContext* context, const v1::CompareYearsRequest* request,
    v1::CompareYearsResponse* response) {
  return Reply(context, aggregator_->CompareYears(*request), response);
}

grpc::ServerUnaryReactor* AggregationServiceImpl::TopN(grpc::CallbackServerContext* context,
                                                       const v1::TopNRequest* request,
                                                       v1::TopNResponse* response) {
  return Reply(context, aggregator_->TopN(*request), response);
}

grpc::ServerUnaryReactor* AggregationServiceImpl::ListMeasures(
    grpc::CallbackServerContext* context, const v1::ListMeasuresRequest*,
    v1::ListMeasuresResponse* response) {
  return Reply(context, absl::StatusOr<v1::ListMeasuresResponse>(Aggregator::ListMeasures()),
               response);
}

grpc::ServerUnaryReactor* AggregationServiceImpl::RecordFindings(
    grpc::CallbackServerContext* context, const v1::RecordFindingsRequest* request,
    v1::RecordFindingsResponse* response) {
  return Reply(context, aggregator_->RecordFindings(*request), response);
}

grpc::ServerUnaryReactor* AggregationServiceImpl::RecordFindingsBatch(
    grpc::CallbackServerContext* context, const v1::RecordFindingsBatchRequest* request,
    v1::RecordFindingsBatchResponse* response) {
  // One synced write for the batch: fine on the callback thread, like Apply.
  return Reply(context, aggregator_->RecordFindingsBatch(*request), response);
}

grpc::ServerUnaryReactor* AggregationServiceImpl::GetFindings(
    grpc::CallbackServerContext* context, const v1::GetFindingsRequest* request,
    v1::GetFindingsResponse* response) {
  return Reply(context, aggregator_->GetFindings(*request), response);
}

grpc::ServerUnaryReactor* AggregationServiceImpl::Recompute(grpc::CallbackServerContext* context,
                                                            const v1::RecomputeRequest* request,
                                                            v1::RecomputeResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  {
    absl::MutexLock lock(&mu_);
    ++recomputes_running_;
  }
  // It may stream a whole year from ingestion: not on a callback thread,
  // which would hold up every other call meanwhile. gRPC keeps the request
  // and response alive until Finish.
  std::thread([this, reactor, request, response] {
    absl::StatusOr<v1::RecomputeResponse> result = aggregator_->Recompute(*request, source_);
    if (result.ok()) *response = *std::move(result);
    reactor->Finish(ToGrpcStatus(result.status()));
    absl::MutexLock lock(&mu_);
    --recomputes_running_;
  }).detach();
  return reactor;
}

}  // namespace budgetperf
