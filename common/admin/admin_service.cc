#include "common/admin/admin_service.h"

#include <utility>

#include "common/server/grpc_status.h"

namespace budgetperf {
namespace admin {

grpc::ServerUnaryReactor* AdminServiceImpl::Checkpoint(grpc::CallbackServerContext* context,
                                                       const v1::CheckpointRequest* request,
                                                       v1::CheckpointResponse* response) {
  // Answered on gRPC's thread: a checkpoint is a memtable flush and hard
  // links, rare and admin-only, not worth a queue of its own.
  absl::StatusOr<v1::CheckpointResponse> written = checkpointer_->Checkpoint(request->dir());
  if (written.ok()) *response = *std::move(written);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(written.status()));
  return reactor;
}

}  // namespace admin
}  // namespace budgetperf
