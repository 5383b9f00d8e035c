#ifndef BUDGETPERF_SERVICES_CONSISTENCY_RULES_TEST_CASES_H_
#define BUDGETPERF_SERVICES_CONSISTENCY_RULES_TEST_CASES_H_

// The cases of the package rule tests (rules_test.cc), one list per rule
// family: a package where a rule fires (the clean copy of the seed with one
// mistake put in) and near misses where it must not. Each family's lists
// are in the test file of its rules (table_rules_test.cc,
// report_rules_test.cc, weight_rules_test.cc, indicator_rules_test.cc).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "budgetperf/v1/evaluation_package.pb.h"
#include "services/consistency/test_packages.h"

namespace budgetperf {
namespace rules_test {

using test_packages::SetRate;
using test_packages::Wan;
using Mutation = std::function<void(v1::EvaluationPackage*)>;

// --- Navigation in the clean package -----------------------------------------

inline v1::Level3Indicator* Att2(v1::EvaluationPackage* p, int i, int j) {
  return p->mutable_overall()
      ->mutable_indicators(i)
      ->mutable_level2(j)
      ->mutable_indicators(0);
}
inline v1::Level3Indicator* Att3(v1::EvaluationPackage* p, int i, int j) {
  return p->mutable_projects(0)
      ->mutable_indicators(i)
      ->mutable_level2(j)
      ->mutable_indicators(0);
}
// Attachment 2's first indicator, 补贴发放户数 2600户 → 3079户, 15 of 15.
inline v1::Level3Indicator* Households(v1::EvaluationPackage* p) {
  return Att2(p, 0, 0);
}
// Attachment 2's cost indicator, 765万元 → 916.60万元, 12.52 of 15 (explained).
inline v1::Level3Indicator* Cost(v1::EvaluationPackage* p) { return Att2(p, 0, 3); }
// Attachment 2's satisfaction indicator, 95% → 95%, 8 of 10 (explained).
inline v1::Level3Indicator* Satisfaction(v1::EvaluationPackage* p) {
  return Att2(p, 2, 0);
}
// Adds `centipoints` to attachment 2's declared self-score total, to keep
// W-03 quiet when a case changes a line's self-score.
inline void ShiftAtt2SelfTotal(v1::EvaluationPackage* p, int centipoints) {
  auto* totals = p->mutable_overall()->mutable_totals();
  totals->set_self_score_centipoints(totals->self_score_centipoints() +
                                     centipoints);
}
inline v1::ProjectSpendingTable* ProjectSpending(v1::EvaluationPackage* p) {
  return p->mutable_basic_data()->mutable_project_spending();
}
inline v1::ThreePublicExpenses* ThreePublic(v1::EvaluationPackage* p) {
  return p->mutable_basic_data()->mutable_three_public_expenses();
}
inline v1::CostControlRow Row(int64_t prior, int64_t budget, int64_t final) {
  v1::CostControlRow row;
  row.set_prior_year_final_fen(prior);
  row.set_budget_fen(budget);
  row.set_final_fen(final);
  return row;
}

struct FireCase {
  std::string name;  // test name
  std::string rule;  // the rule under test
  Mutation mutate;
  // Every finding's rule id, in output order (catalogue order).
  std::vector<std::string> all_rules;
  // The finding of `rule`: its cell and figures ("" = not checked).
  std::string field_path;
  std::string found;
  std::string expected;
  std::string difference;
  std::string message_contains = "";
};

struct QuietCase {
  std::string name;
  std::string rule;  // the rule this near miss guards
  Mutation mutate;
};

// Attachments 1 to 4 and the checks across them (table_rules.cc).
std::vector<FireCase> TableFireCases();
std::vector<QuietCase> TableQuietCases();
// The report's own figures (report_rules.cc).
std::vector<FireCase> ReportFireCases();
std::vector<QuietCase> ReportQuietCases();
// Weights (weight_rules.cc).
std::vector<FireCase> WeightFireCases();
std::vector<QuietCase> WeightQuietCases();
// Indicators (indicator_rules.cc).
std::vector<FireCase> IndicatorFireCases();
std::vector<QuietCase> IndicatorQuietCases();

}  // namespace rules_test
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_CONSISTENCY_RULES_TEST_CASES_H_
