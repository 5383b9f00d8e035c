#ifndef BUDGETPERF_COMMON_SERVER_GRPC_STATUS_H_
#define BUDGETPERF_COMMON_SERVER_GRPC_STATUS_H_

// The one place where absl::Status and grpc::Status meet. Every handler
// returns ToGrpcStatus(logic result); every client turns replies back with
// FromGrpcStatus.

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace budgetperf {

// Same code, same message; details are carried separately by the caller.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The reverse of ToGrpcStatus.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_SERVER_GRPC_STATUS_H_
