#include "services/consistency/package_checker.h"

#include <string>
#include <utility>

#include "services/consistency/check_context.h"
#include "services/consistency/rules.h"

namespace budgetperf {

PackageChecker::PackageChecker() = default;

PackageChecker::PackageChecker(ConsistencyConfig config)
    : config_(std::move(config)) {}

std::vector<v1::Finding> PackageChecker::Check(
    const v1::EvaluationPackage& package,
    absl::string_view division_code) const {
  std::string division = division_code.empty()
                             ? package.unit().division_code()
                             : std::string(division_code);
  std::shared_ptr<const consistency_internal::RuleTable> rules =
      rules_.Get(config_, division);
  consistency_internal::CheckContext ctx(package, config_, std::move(division),
                                         std::move(rules));
  consistency_internal::CheckAttachment1(ctx);
  consistency_internal::CheckAttachment2(ctx);
  consistency_internal::CheckAttachment3(ctx);
  consistency_internal::CheckSpecialBudgets(ctx);
  consistency_internal::CheckReport(ctx);
  consistency_internal::CheckReportAgainstTables(ctx);
  consistency_internal::CheckAcrossTables(ctx);
  consistency_internal::CheckWeights(ctx);
  consistency_internal::CheckIndicators(ctx);
  return ctx.TakeFindings();
}

PackageChecker::RuleCache& PackageChecker::RuleCache::operator=(
    const RuleCache&) {
  absl::MutexLock lock(&mu_);
  tables_.clear();
  return *this;
}

std::shared_ptr<const consistency_internal::RuleTable>
PackageChecker::RuleCache::Get(const ConsistencyConfig& config,
                               const std::string& division_code) {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = tables_.find(division_code);
    if (it != tables_.end()) return it->second;
  }
  auto table = std::make_shared<const consistency_internal::RuleTable>(
      consistency_internal::ResolvePackageRules(config, division_code));
  absl::MutexLock lock(&mu_);
  if (tables_.size() < kMaxEntries) tables_.emplace(division_code, table);
  return table;
}

bool HasBlockingFinding(const std::vector<v1::Finding>& findings,
                        const ConsistencyConfig& config) {
  for (const v1::Finding& finding : findings) {
    absl::StatusOr<RuleSettings> rule =
        config.EffectiveRule(finding.rule_id(), finding.division_code());
    if (rule.ok() && rule->enabled && rule->blocking) return true;
  }
  return false;
}

}  // namespace budgetperf
