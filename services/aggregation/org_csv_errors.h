#ifndef BUDGETPERF_SERVICES_AGGREGATION_ORG_CSV_ERRORS_H_
#define BUDGETPERF_SERVICES_AGGREGATION_ORG_CSV_ERRORS_H_

// The bad rows of a refused org CSV, carried machine-readably from the logic
// to the client:
//   logic  absl::Status INVALID_ARGUMENT + payload OrgCsvErrors
//            (WithOrgCsvErrors / GetOrgCsvErrors)
//   wire   the OrgCsvErrors as a typed detail (ToGrpcStatus and
//            FromGrpcStatus in common/server/grpc_status.h pack and unpack
//            every payload), so a client reads them with
//            GetOrgCsvErrors(FromGrpcStatus(status)).

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/types/optional.h"
#include "budgetperf/v1/aggregation.pb.h"
#include "services/aggregation/org_csv.h"

namespace budgetperf {

// The absl::Status payload key under which an OrgCsvErrors travels.
inline constexpr char kOrgCsvErrorsTypeUrl[] = "type.googleapis.com/budgetperf.v1.OrgCsvErrors";

// `status` with `errors` (in their order) as its OrgCsvErrors payload.
inline absl::Status WithOrgCsvErrors(absl::Status status,
                                     const std::vector<CsvLineError>& errors) {
  v1::OrgCsvErrors detail;
  for (const CsvLineError& e : errors) {
    v1::OrgCsvLineError* line = detail.add_errors();
    line->set_line(e.line);
    line->set_message(e.message);
  }
  status.SetPayload(kOrgCsvErrorsTypeUrl, absl::Cord(detail.SerializeAsString()));
  return status;
}

// The OrgCsvErrors carried by `status`, if any.
inline std::optional<v1::OrgCsvErrors> GetOrgCsvErrors(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kOrgCsvErrorsTypeUrl);
  if (!payload.has_value()) return std::nullopt;
  v1::OrgCsvErrors errors;
  if (!errors.ParseFromString(std::string(*payload))) return std::nullopt;
  return errors;
}

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_AGGREGATION_ORG_CSV_ERRORS_H_
