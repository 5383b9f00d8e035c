#ifndef BUDGETPERF_SERVICES_AGGREGATION_AGGREGATION_SERVICE_H_
#define BUDGETPERF_SERVICES_AGGREGATION_AGGREGATION_SERVICE_H_

// The gRPC face of aggregation: budgetperf.v1.AggregationService on the
// callback API. Each handler unpacks the request, calls the Aggregator
// (aggregator.h) and packs the reply; every rule lives there. budgetd
// registers this class beside the other services on its one port;
// budget-aggregation serves it alone through AggregationServer.

#include <memory>

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "budgetperf/v1/aggregation.grpc.pb.h"
#include "common/server/arena_message_allocator.h"
#include "services/aggregation/aggregator.h"
#include "services/aggregation/evaluation_source.h"

namespace budgetperf {

// Each handler answers with the Aggregator method of the same name, its
// absl::Status turned into the gRPC status (ToGrpcStatus). Handlers run on
// gRPC's callback threads, except Recompute, which reads
// from ingestion over the network and so runs on a thread of its own; the
// destructor waits for those threads. `aggregator` and `source` (null: no
// --ingestion, Recompute re-sums locally) are not owned and must outlive
// this object.
class AggregationServiceImpl final : public v1::AggregationService::CallbackService {
 public:
  AggregationServiceImpl(Aggregator* aggregator, EvaluationSource* source);
  // Waits for Recompute calls still running.
  ~AggregationServiceImpl() override;

  grpc::ServerUnaryReactor* UpsertNodes(grpc::CallbackServerContext* context,
                                        const v1::UpsertNodesRequest* request,
                                        v1::UpsertNodesResponse* response) override;
  grpc::ServerUnaryReactor* ImportOrgCsv(grpc::CallbackServerContext* context,
                                         const v1::ImportOrgCsvRequest* request,
                                         v1::ImportOrgCsvResponse* response) override;
  grpc::ServerUnaryReactor* GetNode(grpc::CallbackServerContext* context,
                                    const v1::GetNodeRequest* request,
                                    v1::GetNodeResponse* response) override;
  grpc::ServerUnaryReactor* ListNodes(grpc::CallbackServerContext* context,
                                      const v1::ListNodesRequest* request,
                                      v1::ListNodesResponse* response) override;
  grpc::ServerUnaryReactor* MoveNode(grpc::CallbackServerContext* context,
                                     const v1::MoveNodeRequest* request,
                                     v1::MoveNodeResponse* response) override;
  grpc::ServerUnaryReactor* ApplyEvaluation(grpc::CallbackServerContext* context,
                                            const v1::ApplyEvaluationRequest* request,
                                            v1::ApplyEvaluationResponse* response) override;
  grpc::ServerUnaryReactor* ApplyEvaluations(grpc::CallbackServerContext* context,
                                             const v1::ApplyEvaluationsRequest* request,
                                             v1::ApplyEvaluationsResponse* response) override;
  grpc::ServerUnaryReactor* GetRollup(grpc::CallbackServerContext* context,
                                      const v1::GetRollupRequest* request,
                                      v1::GetRollupResponse* response) override;
  grpc::ServerUnaryReactor* Drilldown(grpc::CallbackServerContext* context,
                                      const v1::DrilldownRequest* request,
                                      v1::DrilldownResponse* response) override;
  grpc::ServerUnaryReactor* Coverage(grpc::CallbackServerContext* context,
                                     const v1::CoverageRequest* request,
                                     v1::CoverageResponse* response) override;
  grpc::ServerUnaryReactor* CompareYears(grpc::CallbackServerContext* context,
                                         const v1::CompareYearsRequest* request,
                                         v1::CompareYearsResponse* response) override;
  grpc::ServerUnaryReactor* TopN(grpc::CallbackServerContext* context,
                                 const v1::TopNRequest* request,
                                 v1::TopNResponse* response) override;
  grpc::ServerUnaryReactor* ListMeasures(grpc::CallbackServerContext* context,
                                         const v1::ListMeasuresRequest* request,
                                         v1::ListMeasuresResponse* response) override;
  grpc::ServerUnaryReactor* RecordFindings(grpc::CallbackServerContext* context,
                                           const v1::RecordFindingsRequest* request,
                                           v1::RecordFindingsResponse* response) override;
  grpc::ServerUnaryReactor* RecordFindingsBatch(grpc::CallbackServerContext* context,
                                                const v1::RecordFindingsBatchRequest* request,
                                                v1::RecordFindingsBatchResponse* response) override;
  grpc::ServerUnaryReactor* GetFindings(grpc::CallbackServerContext* context,
                                        const v1::GetFindingsRequest* request,
                                        v1::GetFindingsResponse* response) override;
  grpc::ServerUnaryReactor* Recompute(grpc::CallbackServerContext* context,
                                      const v1::RecomputeRequest* request,
                                      v1::RecomputeResponse* response) override;

 private:
  Aggregator* const aggregator_;
  EvaluationSource* const source_;
  // GetRollup's and Drilldown's messages on an arena per call: a Drilldown
  // page copies hundreds of small messages out of the query cache. Used
  // while the service is registered (the server is stopped before this
  // object goes).
  ArenaMessageAllocator<v1::GetRollupRequest, v1::GetRollupResponse> rollup_allocator_;
  ArenaMessageAllocator<v1::DrilldownRequest, v1::DrilldownResponse> drilldown_allocator_;

  absl::Mutex mu_;
  int recomputes_running_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_AGGREGATION_AGGREGATION_SERVICE_H_
