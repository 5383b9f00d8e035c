#ifndef BUDGETPERF_COMMON_ADMIN_ADMIN_SERVICE_H_
#define BUDGETPERF_COMMON_ADMIN_ADMIN_SERVICE_H_

// budgetperf.v1.AdminService over the callback API: a thin adapter over a
// Checkpointer. Admin-only is the AccessGuard's business (authorizer.cc),
// not this class's: servers with access control serve it behind the guard.

#include <grpcpp/grpcpp.h>

#include "budgetperf/v1/admin.grpc.pb.h"
#include "common/admin/checkpointer.h"

namespace budgetperf {
namespace admin {

class AdminServiceImpl final : public v1::AdminService::CallbackService {
 public:
  // `checkpointer` must outlive the service.
  explicit AdminServiceImpl(Checkpointer* checkpointer) : checkpointer_(checkpointer) {}

  grpc::ServerUnaryReactor* Checkpoint(grpc::CallbackServerContext* context,
                                       const v1::CheckpointRequest* request,
                                       v1::CheckpointResponse* response) override;

 private:
  Checkpointer* const checkpointer_;
};

}  // namespace admin
}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_ADMIN_ADMIN_SERVICE_H_
