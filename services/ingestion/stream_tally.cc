#include "services/ingestion/stream_tally.h"

#include <optional>
#include <string>

#include "services/ingestion/validation_errors.h"

namespace budgetperf {
namespace ingestion {

void StreamTally::Add(const v1::SubmitRequest& request,
                      const absl::StatusOr<v1::SubmitResponse>& answer) {
  v1::SubmitStreamResult* result = response_->add_results();
  result->set_index(index_++);
  result->set_uscc(request.package().unit().uscc());
  result->set_year(request.package().year());
  result->set_code(static_cast<int>(answer.status().code()));
  if (answer.ok()) {
    result->set_version(answer->version());
    result->set_status(answer->status());
    result->set_replayed(answer->replayed());
    result->set_warning_count(answer->warnings_size());
    result->set_scoring_status(answer->scoring_status());
    result->set_has_errors(answer->has_errors());
    *result->mutable_finding_counts() = answer->finding_counts();
    if (answer->replayed()) {
      response_->set_replayed(response_->replayed() + 1);
    } else {
      response_->set_accepted(response_->accepted() + 1);
      if (answer->has_errors()) response_->set_with_errors(response_->with_errors() + 1);
    }
    return;
  }
  result->set_error_message(std::string(answer.status().message()));
  if (std::optional<v1::BlockingFindings> blocking = GetBlockingFindings(answer.status())) {
    response_->set_blocked(response_->blocked() + 1);
    *result->mutable_finding_counts() = blocking->all_findings();
    result->set_blocking_count(blocking->findings_size() + blocking->omitted());
    for (int i = 0; i < blocking->findings_size() && i < limits_.max_blocking_findings; ++i) {
      *result->add_blocking_findings() = blocking->findings(i);
    }
    return;
  }
  std::optional<v1::ValidationErrors> errors = GetValidationErrors(answer.status());
  if (!errors.has_value()) {
    response_->set_failed(response_->failed() + 1);
    return;
  }
  response_->set_rejected(response_->rejected() + 1);
  result->set_violation_count(errors->violations_size());
  for (int i = 0; i < errors->violations_size() && i < limits_.max_violations; ++i) {
    *result->add_violations() = errors->violations(i);
  }
}

}  // namespace ingestion
}  // namespace budgetperf
