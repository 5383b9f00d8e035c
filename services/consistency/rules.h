#ifndef BUDGETPERF_SERVICES_CONSISTENCY_RULES_H_
#define BUDGETPERF_SERVICES_CONSISTENCY_RULES_H_

// Internal to the consistency library: the package rules, one function per
// group of the catalogue. Each runs only the rules the context has enabled
// and adds its findings to the context. PackageChecker::Check calls them all.

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/strings/string_view.h"
#include "budgetperf/v1/evaluation_package.pb.h"
#include "services/consistency/check_context.h"

namespace budgetperf {
namespace consistency_internal {

// T1-xx: attachment 1's totals and rates (table_rules.cc).
void CheckAttachment1(CheckContext& ctx);
// T2-xx: attachment 2's funds (table_rules.cc).
void CheckAttachment2(CheckContext& ctx);
// T3-xx: every attachment 3's funds (table_rules.cc).
void CheckAttachment3(CheckContext& ctx);
// T4-xx: attachments 4–6 (table_rules.cc).
void CheckSpecialBudgets(CheckContext& ctx);
// X-xx: attachment 1 against 2 against 3 (table_rules.cc).
void CheckAcrossTables(CheckContext& ctx);
// RT-xx: the report's own figures (report_rules.cc).
void CheckReport(CheckContext& ctx);
// R-xx: the report against the tables (report_rules.cc).
void CheckReportAgainstTables(CheckContext& ctx);
// W-xx: weights and self-scores of attachment 2 and every attachment 3
// (weight_rules.cc).
void CheckWeights(CheckContext& ctx);
// I-xx: every level-3 indicator of attachment 2 and every attachment 3
// (indicator_rules.cc).
void CheckIndicators(CheckContext& ctx);

// Attachment 1's project-spending parts for one column: 业务工作经费 +
// 运行维护经费 + further lines + 区级专项资金 (lines, or the heading row when
// none) + 上级转移支付 (likewise). Shared by T1-04 and the cross-table rules,
// which must agree on what "attachment 1's lines" means. `column` is one of
// "prior_year_final_fen", "budget_fen", "final_fen".
std::vector<Part> ProjectSpendingParts(const v1::ProjectSpendingTable& table,
                                       absl::string_view column);

// Σ of `parts` when every part is filed and the sum fits int64.
std::optional<int64_t> SumIfComplete(const std::vector<Part>& parts);

}  // namespace consistency_internal
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_CONSISTENCY_RULES_H_
