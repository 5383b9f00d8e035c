#ifndef BUDGETPERF_SERVICES_CONSISTENCY_AUDIT_RULES_H_
#define BUDGETPERF_SERVICES_CONSISTENCY_AUDIT_RULES_H_

// The cross-unit (U-xx) and cross-year (Y-xx) rules of the consistency
// catalogue: what the audit job (budget-audit) runs over the latest packages
// of a subtree of the organisation tree, this year's against each other and
// against last year's. Plain logic: the job reads the packages and the tree
// through the public APIs and hands them over here.
//
//   AuditInput input;
//   input.year = 2023;
//   input.current = ...;  // the subtree's latest 2023 packages (+ scores)
//   input.prior = ...;    // the same units' latest 2022 packages
//   input.nodes = ...;    // the subtree's tree nodes in force in 2023
//   std::vector<v1::Finding> findings = RunAuditRules(input, config);
//
// What the rules compare: each rule's catalogue description says it in a
// sentence; the details that decide when a rule stays quiet open the file
// that implements it:
//
//   U-01, U-06        identity: one code, two units; one name, two codes
//                     (audit_identity_rules.cc)
//   U-02, U-04, U-05  one project in two packages, a copied report section,
//                     a department's project against its implementing units'
//                     (audit_cross_unit_rules.cc)
//   U-03, U-07, U-08  outliers among peers by median and MAD: public funds
//                     per staff member, execution rate, self-score minus
//                     computed score (audit_peer_rules.cc, robust_stats.h)
//   Y-01 to Y-04      this year's package against last year's: the
//                     prior-year column, the stated income and expenditure
//                     changes, targets kept after over-achievement
//                     (audit_cross_year_rules.cc)
//
// One mistake, one finding: a package whose identity is in doubt (U-01,
// U-06) is left out of every other rule, since its other findings would only
// repeat the identity mistake (a unit that filed under another's code
// differs from that code's history and duplicates its own package).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "budgetperf/v1/aggregation.pb.h"
#include "budgetperf/v1/consistency.pb.h"
#include "budgetperf/v1/evaluation_package.pb.h"
#include "budgetperf/v1/scoring.pb.h"
#include "services/consistency/consistency_config.h"

namespace budgetperf {

// One unit's latest package for a year, as ingestion stores it.
struct AuditPackage {
  v1::EvaluationPackage package;
  // The scorecard's headline, when the version is scored (U-08 needs it).
  std::optional<v1::ScoreCardSummary> score;
};

// What the audit rules look at: one subtree, one year and the year before.
struct AuditInput {
  // The year audited; findings are about its packages.
  int32_t year = 0;
  // The latest package of every unit of the subtree for `year` (units of the
  // tree and units that filed without being in it alike).
  std::vector<AuditPackage> current;
  // The latest packages of `year` − 1 of the same units (those that filed).
  std::vector<AuditPackage> prior;
  // The subtree's nodes in force in `year` (districts, departments, units).
  std::vector<v1::OrgNode> nodes;
};

// Knobs of the audit rules that the consistency config has no field for.
struct AuditOptions {
  // U-03, U-07, U-08: the fewest values a peer group must have to be judged.
  int min_peer_group = 8;
  // Materiality: a value is an outlier only when it is also this far from
  // the median. Without it, a tight group (execution rates of 99.3% to 99.7%)
  // makes 97.5% a "4 MAD outlier" that no reviewer would look at twice.
  // U-03: how far above the median, as a share of it (10000: +100%, twice
  // the median).
  int32_t public_funds_min_excess_bp = 10000;
  // U-07: percentage points, in basis points (1000: 10 percentage points).
  int32_t execution_rate_min_deviation_bp = 1000;
  // U-08: points, in centipoints (500: 5 points).
  int32_t score_min_deviation_centipoints = 500;
  // U-04: the fewest characters (white space aside) a copied section must
  // have; shorter texts are boilerplate ("无", "加强预算执行监控。").
  int min_copied_chars = 50;
};

// Runs every enabled cross-unit and cross-year rule of `config` over `input`
// and returns the findings, ordered by rule (catalogue order), then unit
// USCC, then field path. Each finding names the unit whose package it
// concerns (unit_uscc, unit_name, year = input.year) and the cell
// (field_path, into that package); figures of other packages are named in
// related_field_paths as "USCC@YEAR:path". Severity, tolerance and enabling
// follow `config` for the unit's division code. Never fails: packages with
// blank or hostile figures are judged as far as their figures allow.
std::vector<v1::Finding> RunAuditRules(const AuditInput& input,
                                       const ConsistencyConfig& config,
                                       const AuditOptions& options = {});

// A unit name as the rules compare it: white space removed (ASCII and
// U+3000), full-width brackets folded to ASCII. "岳阳楼区 第一中学（2）" →
// "岳阳楼区第一中学(2)".
std::string NormalizeUnitName(const std::string& name);

// The outlier test of U-03/U-07/U-08 on exact integers, exposed for tests.
// Returns, for each value of `values`, whether it lies farther than
// k × 1.4826 × MAD from the median (k = tolerance_bp / 10000); all false when
// the group is smaller than `min_group` or its MAD is 0. `median2` and `mad4`
// receive twice the median and four times the MAD (integers whatever the
// group's size), when given.
std::vector<bool> RobustOutliers(const std::vector<int64_t>& values,
                                 int32_t tolerance_bp, int min_group,
                                 int64_t* median2 = nullptr,
                                 int64_t* mad4 = nullptr);

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_CONSISTENCY_AUDIT_RULES_H_
