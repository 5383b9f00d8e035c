#ifndef BUDGETPERF_SERVICES_INGESTION_INGESTION_SERVICE_H_
#define BUDGETPERF_SERVICES_INGESTION_INGESTION_SERVICE_H_

// budgetperf.v1.IngestionService over the callback API: each handler hands
// the call to the Ingestor on the WorkQueue (the logic blocks on disk and on
// scoring; gRPC's own threads must not), and turns the answer into a reply,
// absl::Status into grpc::Status with the ValidationErrors or
// BlockingFindings as details (ToGrpcStatus). Who may call what is the
// access guard's business, in front of the service (common/auth).

#include <grpcpp/grpcpp.h>

#include "budgetperf/v1/ingestion.grpc.pb.h"
#include "common/server/arena_message_allocator.h"
#include "services/ingestion/ingestor.h"
#include "services/ingestion/work_queue.h"

namespace budgetperf {
namespace ingestion {

// Most violations listed per package in a SubmitStream answer.
inline constexpr int kMaxStreamViolations = 20;

// Most blocking findings listed per refused package in a SubmitStream answer
// (a finding, with its message, is several times the size of a violation).
inline constexpr int kMaxStreamBlockingFindings = 5;

class IngestionServiceImpl final : public v1::IngestionService::CallbackService {
 public:
  // `ingestor` and `work` must outlive the service and every call in flight
  // (shut the server down first).
  IngestionServiceImpl(Ingestor* ingestor, WorkQueue* work);

  grpc::ServerUnaryReactor* Submit(grpc::CallbackServerContext* context,
                                   const v1::SubmitRequest* request,
                                   v1::SubmitResponse* response) override;

  grpc::ServerReadReactor<v1::SubmitRequest>* SubmitStream(
      grpc::CallbackServerContext* context, v1::SubmitStreamResponse* response) override;

  grpc::ServerUnaryReactor* GetEvaluation(grpc::CallbackServerContext* context,
                                          const v1::GetEvaluationRequest* request,
                                          v1::GetEvaluationResponse* response) override;

  grpc::ServerUnaryReactor* ListVersions(grpc::CallbackServerContext* context,
                                         const v1::ListVersionsRequest* request,
                                         v1::ListVersionsResponse* response) override;

  grpc::ServerWriteReactor<v1::ListEvaluationsResponse>* ListEvaluations(
      grpc::CallbackServerContext* context, const v1::ListEvaluationsRequest* request) override;

 private:
  // Submit's request and response live on a protobuf arena per call: a
  // package is hundreds of small messages and strings, parsed, read once and
  // freed, which the heap does far more slowly than an arena.
  Ingestor* const ingestor_;
  WorkQueue* const work_;
  ArenaMessageAllocator<v1::SubmitRequest, v1::SubmitResponse> submit_allocator_;
};

}  // namespace ingestion
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_INGESTION_INGESTION_SERVICE_H_
