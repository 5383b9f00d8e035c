#ifndef BUDGETPERF_SERVICES_CONSISTENCY_AUDIT_JOB_H_
#define BUDGETPERF_SERVICES_CONSISTENCY_AUDIT_JOB_H_

// One run of the audit job (budget-audit): reads a subtree of the
// organisation tree from aggregation and its units' latest packages of a year
// and the year before from ingestion, through their public APIs, runs the
// cross-unit and cross-year rules (RunAuditRules), and records each unit's
// findings in aggregation (RecordFindingsBatch, sources "cross-unit" and
// "cross-year"), so that rollups count them by severity beside the totals.
//
//   AuditJob job(options, config);
//   absl::StatusOr<AuditRun> run = job.Audit();      // read + rules
//   if (run.ok()) absl::Status recorded = job.Record(&*run);
//
// The package rules are not run again: ingestion ran them at Submit and
// stores their findings with each version.
//
// Which units: the UNIT nodes of the subtree in force that year (and
// department nodes, whose code is the department's own USCC when it files),
// plus the units aggregation rolls up under the subtree without their being
// in the tree (Coverage's unassigned units). Their packages are listed from
// ingestion by the node's division code (the nearest ancestor's when the
// node has none) and kept when their USCC is one of those; last year's are
// the same USCCs' packages of the year before, wherever they were filed.

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "budgetperf/v1/aggregation.pb.h"
#include "budgetperf/v1/consistency.pb.h"
#include "services/consistency/audit_rules.h"
#include "services/consistency/consistency_config.h"

namespace budgetperf {

// The RecordFindings sources the job writes, one per rule scope.
inline constexpr char kCrossUnitSource[] = "cross-unit";
inline constexpr char kCrossYearSource[] = "cross-year";

// What one run is asked to do.
struct AuditJobOptions {
  std::string ingestion;    // HOST:PORT of budget-ingestion
  std::string aggregation;  // HOST:PORT of budget-aggregation
  std::string node;         // code of the subtree's root, e.g. "430602"
  int32_t year = 0;         // the year audited; year − 1 is compared with it
  // Deadline of each call; a listing's stream as a whole gets one.
  absl::Duration timeout = absl::Seconds(60);
  AuditOptions rules;
};

// What a run read and found.
struct AuditRun {
  v1::OrgNode node;           // the subtree's root as of the year
  std::string division_code;  // the listing filter used ("" for none)
  int32_t year = 0;
  int64_t tree_units = 0;        // UNIT nodes of the subtree that year
  int64_t tree_departments = 0;  // DEPARTMENT nodes of the subtree
  int64_t packages = 0;          // packages of the year audited
  int64_t prior_packages = 0;    // last year's packages found for them
  // Of the packages audited, those not yet scored (left out of U-08).
  int64_t unscored = 0;
  // The package rules' findings stored with the audited versions, by
  // severity (as ingestion lists them).
  v1::FindingCounts package_findings;
  // The cross-unit and cross-year findings, in RunAuditRules' order.
  std::vector<v1::Finding> findings;
  // Filled by Record: the units whose findings were recorded, and the ones
  // aggregation does not know that year (no node, no evaluation applied).
  int64_t recorded_units = 0;
  std::vector<std::string> unrecorded_units;
  // USCCs of the packages audited, in order (Record writes one entry each).
  std::vector<std::string> units;

  // True when a finding has severity SEVERITY_ERROR.
  bool HasErrors() const;
};

// Runs the audit against live services. Not thread-safe; one per run.
class AuditJob {
 public:
  // `config` gives the rules' severities, tolerances and enabling per region.
  AuditJob(AuditJobOptions options, ConsistencyConfig config);

  // Reads the subtree and the packages and runs the rules. NOT_FOUND when
  // the node is not in the tree that year; the services' own status
  // (UNAVAILABLE, DEADLINE_EXCEEDED, ...) naming the address when a call
  // fails.
  absl::StatusOr<AuditRun> Audit();

  // Records `run`'s findings in aggregation, both sources of every unit
  // audited, empty ones included (they clear what an earlier run recorded),
  // many units per RecordFindingsBatch call (one RecordFindings per unit and
  // source against an aggregation without it). A unit aggregation does not
  // know is listed in run->unrecorded_units and is not an error; any other
  // failure is returned (the batches before it stay recorded; a rerun
  // replaces them).
  absl::Status Record(AuditRun* run);

  // Waits for the packages read by Audit to be freed.
  ~AuditJob();

 private:
  AuditJobOptions options_;
  ConsistencyConfig config_;
  // Frees the packages Audit read (a district's worth takes seconds) while
  // Record talks to aggregation.
  std::thread release_;
};

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_CONSISTENCY_AUDIT_JOB_H_
