#include "common/server/grpc_status.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "budgetperf/v1/ingestion.pb.h"
#include "google/protobuf/any.pb.h"

namespace budgetperf {
namespace {

// The conversions cast one code to the other: absl and gRPC share the
// canonical numbering, which these checks hold them to.
#define BUDGETPERF_SAME_CODE(absl_code, grpc_code)                                   \
  static_assert(static_cast<int>(absl::StatusCode::absl_code) ==                     \
                    static_cast<int>(grpc::StatusCode::grpc_code),                   \
                "absl::StatusCode::" #absl_code " differs from grpc::StatusCode::" #grpc_code)
BUDGETPERF_SAME_CODE(kOk, OK);
BUDGETPERF_SAME_CODE(kCancelled, CANCELLED);
BUDGETPERF_SAME_CODE(kUnknown, UNKNOWN);
BUDGETPERF_SAME_CODE(kInvalidArgument, INVALID_ARGUMENT);
BUDGETPERF_SAME_CODE(kDeadlineExceeded, DEADLINE_EXCEEDED);
BUDGETPERF_SAME_CODE(kNotFound, NOT_FOUND);
BUDGETPERF_SAME_CODE(kAlreadyExists, ALREADY_EXISTS);
BUDGETPERF_SAME_CODE(kPermissionDenied, PERMISSION_DENIED);
BUDGETPERF_SAME_CODE(kResourceExhausted, RESOURCE_EXHAUSTED);
BUDGETPERF_SAME_CODE(kFailedPrecondition, FAILED_PRECONDITION);
BUDGETPERF_SAME_CODE(kAborted, ABORTED);
BUDGETPERF_SAME_CODE(kOutOfRange, OUT_OF_RANGE);
BUDGETPERF_SAME_CODE(kUnimplemented, UNIMPLEMENTED);
BUDGETPERF_SAME_CODE(kInternal, INTERNAL);
BUDGETPERF_SAME_CODE(kUnavailable, UNAVAILABLE);
BUDGETPERF_SAME_CODE(kDataLoss, DATA_LOSS);
BUDGETPERF_SAME_CODE(kUnauthenticated, UNAUTHENTICATED);
#undef BUDGETPERF_SAME_CODE

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  std::string message(status.message());
  v1::RpcStatus envelope;
  status.ForEachPayload([&envelope](absl::string_view type_url, const absl::Cord& value) {
    if (!absl::StartsWith(type_url, kTypeUrlPrefix)) return;
    google::protobuf::Any* any = envelope.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(value));
  });
  if (envelope.details().empty()) return grpc::Status(code, std::move(message));
  envelope.set_code(static_cast<int>(code));
  // Repeated from grpc-message: rich-error readers (grpc-go's status
  // package) take the message from here.
  envelope.set_message(message);
  return grpc::Status(code, std::move(message), envelope.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status result(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  if (status.error_details().empty()) return result;
  v1::RpcStatus envelope;
  if (!envelope.ParseFromString(status.error_details())) return result;
  for (const google::protobuf::Any& any : envelope.details()) {
    if (!absl::StartsWith(any.type_url(), kTypeUrlPrefix)) continue;
    result.SetPayload(any.type_url(), absl::Cord(any.value()));
  }
  return result;
}

}  // namespace budgetperf
