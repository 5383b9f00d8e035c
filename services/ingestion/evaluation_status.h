#ifndef BUDGETPERF_SERVICES_INGESTION_EVALUATION_STATUS_H_
#define BUDGETPERF_SERVICES_INGESTION_EVALUATION_STATUS_H_

// The two dimensions of a stored version (its scoring, its consistency
// findings) and the headline status that combines them, in one place so that
// Submit and the outbox dispatcher agree. See EvaluationStatus in
// ingestion.proto for the rules:
//
//   SetScoringStatus(&evaluation, v1::SCORED);
//   // evaluation.status() is HAS_ERRORS if evaluation.has_errors(), else SCORED.

#include <vector>

#include "budgetperf/v1/consistency.pb.h"
#include "budgetperf/v1/ingestion.pb.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "services/consistency/finding_counts.h"  // CountFindings

namespace budgetperf {
namespace ingestion {

// The headline of a version whose scoring stands at `scoring_status`
// (SCORING_PENDING, SCORED or SCORING_FAILED) and whose findings include an
// error (`has_errors`): SCORING_PENDING while pending, then HAS_ERRORS if
// `has_errors`, else `scoring_status`.
v1::EvaluationStatus HeadlineStatus(v1::EvaluationStatus scoring_status, bool has_errors);

// The scoring status of a stored version. Versions stored before
// scoring_status existed carry it in `status` alone.
v1::EvaluationStatus ScoringStatusOf(const v1::StoredEvaluation& evaluation);

// Sets `evaluation`'s scoring_status and recomputes its headline status from
// it and evaluation->has_errors().
void SetScoringStatus(v1::StoredEvaluation* evaluation, v1::EvaluationStatus scoring_status);

// CountFindings (findings by severity): services/consistency/finding_counts.h.

// True when one of `findings` has severity SEVERITY_ERROR.
bool HasErrorFinding(const google::protobuf::RepeatedPtrField<v1::Finding>& findings);

}  // namespace ingestion
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_INGESTION_EVALUATION_STATUS_H_
