#ifndef BUDGETPERF_SERVICES_INGESTION_VALIDATION_ERRORS_H_
#define BUDGETPERF_SERVICES_INGESTION_VALIDATION_ERRORS_H_

// Why a package was refused, carried machine-readably from the logic to the
// client. Two kinds of refusal, each with its typed detail:
//
//   invalid package (validation)
//     logic  absl::Status INVALID_ARGUMENT + payload ValidationErrors
//              (MakeValidationError / GetValidationErrors)
//     wire   grpc::Status INVALID_ARGUMENT + binary details: an RpcStatus
//              (wire-compatible with google.rpc.Status) whose `details`
//              holds the ValidationErrors as a google.protobuf.Any
//              (ToGrpcStatus(CutDetailsToFit(status)) on the server;
//              GetValidationErrors(FromGrpcStatus(status)) on the client:
//              common/server/grpc_status.h)
//   blocking consistency findings (the region's config)
//     logic  absl::Status FAILED_PRECONDITION + payload BlockingFindings
//              (MakeBlockingFindingsError / GetBlockingFindings)
//     wire   as above, the RpcStatus holding a BlockingFindings
//              (GetBlockingFindings(FromGrpcStatus(status)))
//
// The message text lists the violations or findings too, for people and for
// clients that ignore details.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "budgetperf/v1/consistency.pb.h"
#include "budgetperf/v1/ingestion.pb.h"

namespace budgetperf {
namespace ingestion {

// The absl::Status payload key under which a ValidationErrors travels.
inline constexpr char kValidationErrorsTypeUrl[] =
    "type.googleapis.com/budgetperf.v1.ValidationErrors";

// The absl::Status payload key under which a BlockingFindings travels.
inline constexpr char kBlockingFindingsTypeUrl[] =
    "type.googleapis.com/budgetperf.v1.BlockingFindings";

// Most bytes of details sent back with one refused call. A refused call's
// message and details travel in trailers, which gRPC clients refuse past their
// metadata limit (8 KiB by default in C++ and Java; binary details are
// base64-encoded on the wire, a third larger): the list is cut to fit and
// ValidationErrors.omitted counts the rest. About 20 violations fit.
inline constexpr size_t kMaxDetailsBytes = 3072;

// Most violations written out in the status message text (the full list is in
// the details, up to kMaxDetailsBytes).
inline constexpr int kMaxViolationsInMessage = 3;

// INVALID_ARGUMENT listing `violations` in its message and carrying them as a
// ValidationErrors payload. `violations` must not be empty.
absl::Status MakeValidationError(const std::vector<v1::Violation>& violations);

// The ValidationErrors carried by `status`, if any.
std::optional<v1::ValidationErrors> GetValidationErrors(const absl::Status& status);

// FAILED_PRECONDITION for a package that a region's config refuses: lists
// the `blocking` findings (in its message, the first few; in a
// BlockingFindings payload, all) and counts `all_findings`, the package's
// findings blocking or not. `blocking` must not be empty.
absl::Status MakeBlockingFindingsError(const std::vector<v1::Finding>& blocking,
                                       const v1::FindingCounts& all_findings);

// The BlockingFindings carried by `status`, if any.
std::optional<v1::BlockingFindings> GetBlockingFindings(const absl::Status& status);

// `status` as it is sent over the wire: its ValidationErrors or
// BlockingFindings payload (if any) cut to fit kMaxDetailsBytes, keeping the
// items in order while they fit (the `omitted` field counts what was cut).
// The gRPC adapters send ToGrpcStatus(CutDetailsToFit(result)).
absl::Status CutDetailsToFit(const absl::Status& status);

// Most bytes of a value echoed back in a Violation or Warning: a 30 KB text
// would drown the list.
inline constexpr size_t kMaxEchoedBytes = 80;

// Most bytes of a violation's or warning's message.
inline constexpr size_t kMaxMessageBytes = 400;

// `text` made safe to echo: bytes that are not UTF-8 replaced by U+FFFD,
// then cut to at most `max_bytes` on a character boundary, with "…" appended
// when cut. Protobuf refuses string fields that are not UTF-8, and filers'
// values (or messages quoting single bytes of them) may not be.
std::string CutUtf8(absl::string_view text, size_t max_bytes = kMaxEchoedBytes);

// One violation on one line for people:
//   unit.uscc = "12430602MB1C04587A" [uscc_check_character] check character is ...
std::string FormatViolation(const v1::Violation& violation);

// One finding on one line for people:
//   T1-04 basic_data.project_spending.total.final_fen: 附件1 项目支出 ...
std::string FormatFinding(const v1::Finding& finding);

}  // namespace ingestion
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_INGESTION_VALIDATION_ERRORS_H_
