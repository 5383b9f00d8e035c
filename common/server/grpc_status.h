#ifndef BUDGETPERF_COMMON_SERVER_GRPC_STATUS_H_
#define BUDGETPERF_COMMON_SERVER_GRPC_STATUS_H_

// The one place where absl::Status and grpc::Status meet. Every handler
// returns ToGrpcStatus(logic result); every client turns replies back with
// FromGrpcStatus.
//
// Typed details travel both ways: the logic attaches a detail to an
// absl::Status as a payload whose key is the detail's type URL
// ("type.googleapis.com/budgetperf.v1.ValidationErrors") and whose value is
// the serialized message; on the wire the details are an RpcStatus
// (wire-compatible with google.rpc.Status) in the binary error details,
// each payload one google.protobuf.Any. Readers of a detail (e.g.
// ingestion::GetValidationErrors) read the payload back from the absl::Status
// FromGrpcStatus returns, whichever side of the wire they are on.

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace budgetperf {

// The prefix of the payload keys that are typed details.
inline constexpr absl::string_view kTypeUrlPrefix = "type.googleapis.com/";

// Same code, same message, and every payload keyed by a type URL as a detail
// of the RpcStatus in the binary error details. Payloads under other keys are
// not sent.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The reverse of ToGrpcStatus: code, message, and each detail of the RpcStatus
// (if the details hold one) as a payload under its type URL.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_SERVER_GRPC_STATUS_H_
