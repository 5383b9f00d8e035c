#include "services/ingestion/validation_errors.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "common/server/grpc_status.h"
#include "common/text/utf8.h"

namespace budgetperf {
namespace ingestion {
namespace {

// Keeps the message text within a trailer's budget whatever the violations
// say; the details carry the full texts.
constexpr size_t kMaxMessageLineBytes = 160;

// The length of the well-formed UTF-8 sequence at the start of `s`, or 0.
size_t Utf8SequenceLength(absl::string_view s) {
  char32_t code_point = 0;
  return DecodeUtf8Char(s, &code_point);
}

// Copies `items` into `out` in order while they fit kMaxDetailsBytes and
// returns how many did not.
template <typename Item>
int AddWithinBudget(const google::protobuf::RepeatedPtrField<Item>& items,
                    google::protobuf::RepeatedPtrField<Item>* out) {
  size_t bytes = 0;
  int omitted = 0;
  for (const Item& item : items) {
    const size_t size = item.ByteSizeLong() + 4;  // + tag and length
    if (bytes + size > kMaxDetailsBytes) {
      ++omitted;
      continue;
    }
    bytes += size;
    *out->Add() = item;
  }
  return omitted;
}

// `plain` with `detail` packed as the only detail of its RpcStatus envelope.
grpc::Status WithDetail(const grpc::Status& plain, const google::protobuf::Message& detail) {
  v1::RpcStatus envelope;
  envelope.set_code(static_cast<int>(plain.error_code()));
  // Repeated from grpc-message: rich-error readers (grpc-go's status
  // package) take the message from here.
  envelope.set_message(plain.error_message());
  envelope.add_details()->PackFrom(detail);
  return grpc::Status(plain.error_code(), plain.error_message(), envelope.SerializeAsString());
}

// The first detail of type Detail in `status`'s RpcStatus envelope, if any.
template <typename Detail>
std::optional<Detail> DetailFromGrpcStatus(const grpc::Status& status) {
  if (status.ok() || status.error_details().empty()) return std::nullopt;
  v1::RpcStatus envelope;
  if (!envelope.ParseFromString(status.error_details())) return std::nullopt;
  for (const google::protobuf::Any& any : envelope.details()) {
    Detail detail;
    if (any.Is<Detail>() && any.UnpackTo(&detail)) return detail;
  }
  return std::nullopt;
}

}  // namespace

std::string CutUtf8(absl::string_view text, size_t max_bytes) {
  std::string clean;
  clean.reserve(std::min(text.size(), max_bytes + 8));
  while (!text.empty() && clean.size() <= max_bytes) {
    const size_t n = Utf8SequenceLength(text);
    if (n == 0) {
      clean.append("\xEF\xBF\xBD");
      text.remove_prefix(1);
    } else {
      clean.append(text.data(), n);
      text.remove_prefix(n);
    }
  }
  if (clean.size() <= max_bytes && text.empty()) return clean;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(clean[cut]) & 0xC0) == 0x80) --cut;
  clean.resize(cut);
  return clean + "…";
}

std::string FormatViolation(const v1::Violation& violation) {
  return absl::StrCat(violation.field_path().empty() ? "(package)" : violation.field_path(),
                      " = \"", violation.value(), "\" [", violation.rule(), "] ",
                      violation.message());
}

std::string FormatFinding(const v1::Finding& finding) {
  return absl::StrCat(finding.rule_id(), " ",
                      finding.field_path().empty() ? "(package)" : finding.field_path(), ": ",
                      finding.message());
}

absl::Status MakeValidationError(const std::vector<v1::Violation>& violations) {
  std::string message = absl::StrCat("package refused: ", violations.size(),
                                     violations.size() == 1 ? " violation" : " violations");
  int listed = 0;
  for (const v1::Violation& v : violations) {
    if (listed == kMaxViolationsInMessage) {
      absl::StrAppend(&message, "; and ", violations.size() - listed,
                      " more (see the ValidationErrors details)");
      break;
    }
    absl::StrAppend(&message, listed == 0 ? ": " : "; ",
                    CutUtf8(FormatViolation(v), kMaxMessageLineBytes));
    ++listed;
  }
  absl::Status status = absl::InvalidArgumentError(message);
  v1::ValidationErrors errors;
  for (const v1::Violation& v : violations) *errors.add_violations() = v;
  status.SetPayload(kValidationErrorsTypeUrl, absl::Cord(errors.SerializeAsString()));
  return status;
}

std::optional<v1::ValidationErrors> GetValidationErrors(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kValidationErrorsTypeUrl);
  if (!payload.has_value()) return std::nullopt;
  v1::ValidationErrors errors;
  if (!errors.ParseFromString(std::string(*payload))) return std::nullopt;
  return errors;
}

absl::Status MakeBlockingFindingsError(const std::vector<v1::Finding>& blocking,
                                       const v1::FindingCounts& all_findings) {
  std::string message =
      absl::StrCat("package refused: ", blocking.size(),
                   blocking.size() == 1 ? " finding of a rule" : " findings of rules",
                   " that this region's consistency config makes blocking; correct the "
                   "figures and file again");
  int listed = 0;
  for (const v1::Finding& f : blocking) {
    if (listed == kMaxViolationsInMessage) {
      absl::StrAppend(&message, "; and ", blocking.size() - listed,
                      " more (see the BlockingFindings details)");
      break;
    }
    absl::StrAppend(&message, listed == 0 ? ": " : "; ",
                    CutUtf8(FormatFinding(f), kMaxMessageLineBytes));
    ++listed;
  }
  absl::Status status = absl::FailedPreconditionError(message);
  v1::BlockingFindings details;
  for (const v1::Finding& f : blocking) *details.add_findings() = f;
  *details.mutable_all_findings() = all_findings;
  status.SetPayload(kBlockingFindingsTypeUrl, absl::Cord(details.SerializeAsString()));
  return status;
}

std::optional<v1::BlockingFindings> GetBlockingFindings(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kBlockingFindingsTypeUrl);
  if (!payload.has_value()) return std::nullopt;
  v1::BlockingFindings findings;
  if (!findings.ParseFromString(std::string(*payload))) return std::nullopt;
  return findings;
}

grpc::Status ToGrpcStatusWithDetails(const absl::Status& status) {
  grpc::Status plain = ToGrpcStatus(status);
  // Keep the items in order while they fit; count the rest.
  if (std::optional<v1::ValidationErrors> errors = GetValidationErrors(status)) {
    v1::ValidationErrors sent;
    sent.set_omitted(errors->omitted() +
                     AddWithinBudget(errors->violations(), sent.mutable_violations()));
    return WithDetail(plain, sent);
  }
  if (std::optional<v1::BlockingFindings> blocking = GetBlockingFindings(status)) {
    v1::BlockingFindings sent;
    *sent.mutable_all_findings() = blocking->all_findings();
    sent.set_omitted(blocking->omitted() +
                     AddWithinBudget(blocking->findings(), sent.mutable_findings()));
    return WithDetail(plain, sent);
  }
  return plain;
}

std::optional<v1::ValidationErrors> ValidationErrorsFromGrpcStatus(const grpc::Status& status) {
  return DetailFromGrpcStatus<v1::ValidationErrors>(status);
}

std::optional<v1::BlockingFindings> BlockingFindingsFromGrpcStatus(const grpc::Status& status) {
  return DetailFromGrpcStatus<v1::BlockingFindings>(status);
}

}  // namespace ingestion
}  // namespace budgetperf
