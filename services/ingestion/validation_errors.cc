#include "services/ingestion/validation_errors.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
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

absl::Status CutDetailsToFit(const absl::Status& status) {
  if (std::optional<v1::ValidationErrors> errors = GetValidationErrors(status)) {
    v1::ValidationErrors sent;
    sent.set_omitted(errors->omitted() +
                     AddWithinBudget(errors->violations(), sent.mutable_violations()));
    absl::Status cut = status;
    cut.SetPayload(kValidationErrorsTypeUrl, absl::Cord(sent.SerializeAsString()));
    return cut;
  }
  if (std::optional<v1::BlockingFindings> blocking = GetBlockingFindings(status)) {
    v1::BlockingFindings sent;
    *sent.mutable_all_findings() = blocking->all_findings();
    sent.set_omitted(blocking->omitted() +
                     AddWithinBudget(blocking->findings(), sent.mutable_findings()));
    absl::Status cut = status;
    cut.SetPayload(kBlockingFindingsTypeUrl, absl::Cord(sent.SerializeAsString()));
    return cut;
  }
  return status;
}

}  // namespace ingestion
}  // namespace budgetperf
