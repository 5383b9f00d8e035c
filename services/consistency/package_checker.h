#ifndef BUDGETPERF_SERVICES_CONSISTENCY_PACKAGE_CHECKER_H_
#define BUDGETPERF_SERVICES_CONSISTENCY_PACKAGE_CHECKER_H_

// The package rules of the consistency catalogue: everything that can be
// checked inside one package (scopes PACKAGE, CROSS_TABLE and
// REPORT_VS_TABLE). Ingestion runs them at Submit and returns the findings
// with the submission; a package with error findings is still stored, with
// status "has errors", unless HasBlockingFinding says one of them blocks.
//
//   PackageChecker checker(config);
//   std::vector<v1::Finding> findings = checker.Check(package, "430602");
//   if (HasBlockingFinding(findings, checker.config())) { /* refuse */ }
//
// Principles the rules follow:
//   - Exact: amounts are compared in fen (with the rule's tolerance, 0 by
//     default), rates with FiledRateAgrees at the decimals the filer wrote,
//     indicator values as exact decimals. A correct figure is never flagged
//     for the forms' own rounding (13 ÷ 14 = 92.86%, "81.7%").
//   - No crying wolf: a rule that needs a blank cell (an absent optional) does
//     not fire; a sum with blank parts fires only when the parts filed already
//     exceed the total.
//   - One mistake, one finding: where one wrong cell would break several
//     rules, the rule closest to the cell reports it and the others stay quiet
//     (see each rule's description in the catalogue).
//   - Every finding names the cell (field_path), the value found, the value
//     expected and the difference, in 万元 / % / 分 as on the forms.

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "budgetperf/v1/consistency.pb.h"
#include "budgetperf/v1/evaluation_package.pb.h"
#include "services/consistency/check_context.h"
#include "services/consistency/consistency_config.h"

namespace budgetperf {

// Runs every package, cross-table and report-vs-table rule of the catalogue
// on a package. Stateless apart from its config: Check is const and may be
// called from any number of threads.
class PackageChecker {
 public:
  // A checker with the catalogue's defaults.
  PackageChecker();

  // A checker applying `config` (severities, tolerances, enabled, per region).
  explicit PackageChecker(ConsistencyConfig config);

  // Every finding of every enabled rule on `package`, for a unit of
  // `division_code` (whose region's overrides apply; empty means the
  // package's own unit.division_code). Findings are ordered by rule, in
  // catalogue order, then by position in the package. Never fails: a package
  // however malformed is checked as far as its figures allow.
  std::vector<v1::Finding> Check(const v1::EvaluationPackage& package,
                                 absl::string_view division_code = "") const;

  // The config the checker applies, e.g. for HasBlockingFinding.
  const ConsistencyConfig& config() const { return config_; }

 private:
  // The rules resolved per division code, so that each Check does not
  // resolve the whole catalogue again. A copy of the checker starts with an
  // empty cache (the tables point into their checker's config).
  class RuleCache {
   public:
    RuleCache() = default;
    RuleCache(const RuleCache&) {}
    RuleCache& operator=(const RuleCache&);
    std::shared_ptr<const consistency_internal::RuleTable> Get(
        const ConsistencyConfig& config, const std::string& division_code);

   private:
    // Division codes are a few thousand at most; beyond this many the rules
    // are resolved per Check rather than kept.
    static constexpr size_t kMaxEntries = 8192;
    absl::Mutex mu_;
    absl::flat_hash_map<std::string,
                        std::shared_ptr<const consistency_internal::RuleTable>>
        tables_ ABSL_GUARDED_BY(mu_);
  };

  ConsistencyConfig config_;
  mutable RuleCache rules_;
};

// True when one of `findings` belongs to a rule that `config` makes blocking
// (and enabled) for the finding's division_code. Blocking is the region's
// explicit choice and applies whatever the finding's severity. Findings of
// rules the config does not know never block.
bool HasBlockingFinding(const std::vector<v1::Finding>& findings,
                        const ConsistencyConfig& config);

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_CONSISTENCY_PACKAGE_CHECKER_H_
