#ifndef BUDGETPERF_SERVICES_CONSISTENCY_RULE_CATALOGUE_H_
#define BUDGETPERF_SERVICES_CONSISTENCY_RULE_CATALOGUE_H_

// The catalogue of consistency rules: every rule's stable id, scope, default
// severity, description and default tolerance. The ids are grouped:
//
//   T1-xx  attachment 1 (基础数据表): totals against their parts, its rates
//   T2-xx  attachment 2 (整体支出绩效自评表): funds by source / by nature,
//   执行率 T3-xx  attachment 3 (项目支出绩效自评表): funds rows, 执行率 T4-xx
//   attachments 4–6 (special budgets): 执行率 RT-xx  the report's own figures
//   (绩效自评报告): totals, items, shares, changes R-xx   the report against
//   the tables X-xx   across the tables W-xx   weights and self-scores (分值 /
//   自评得分), in attachments 2 and 3 I-xx   indicator sanity (三级指标) U-xx
//   across units (run by the audit job) Y-xx   across years (run by the audit
//   job)
//
// Ids are stable: a rule that is retired keeps its id unused, and a new rule
// takes the next number of its group, so that configs and stored findings
// keep meaning the same thing.
//
//   const RuleCatalogue& catalogue = RuleCatalogue::Default();
//   const v1::RuleDescriptor* rule = catalogue.Find("T1-04");

#include <cstddef>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "budgetperf/v1/consistency.pb.h"

namespace budgetperf {

// An immutable list of rule descriptors, looked up by id. Thread-safe (const).
class RuleCatalogue {
 public:
  // The built-in catalogue: every package, cross-table and report rule
  // (implemented by PackageChecker) and the cross-unit and cross-year rules
  // (implemented by the audit job), in display order.
  static const RuleCatalogue& Default();

  // A catalogue of `rules`, in that order. Ids must be unique and non-empty;
  // for tests and tools that need a catalogue of their own.
  explicit RuleCatalogue(std::vector<v1::RuleDescriptor> rules);

  RuleCatalogue(const RuleCatalogue&) = delete;
  RuleCatalogue& operator=(const RuleCatalogue&) = delete;

  // The rule with `id`, or nullptr if there is none.
  const v1::RuleDescriptor* Find(absl::string_view id) const;

  // The position of `id` in display order, or size() if there is none; used
  // to order findings by rule.
  size_t IndexOf(absl::string_view id) const;

  // Every rule, in display order.
  const std::vector<v1::RuleDescriptor>& rules() const { return rules_; }

  // The number of rules.
  size_t size() const { return rules_.size(); }

  // The catalogue as a message, e.g. for `budgetctl rules`.
  v1::RuleList ToProto() const;

 private:
  std::vector<v1::RuleDescriptor> rules_;
  absl::flat_hash_map<std::string, size_t> index_;
};

// The Chinese name of a severity as a reviewer reads it: 错误, 警告, 需说明.
absl::string_view SeverityName(v1::Severity severity);

// The English name of a scope: "package", "cross-table", "report-vs-table",
// "cross-unit", "cross-year".
absl::string_view ScopeName(v1::RuleScope scope);

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_CONSISTENCY_RULE_CATALOGUE_H_
