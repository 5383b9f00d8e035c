#ifndef BUDGETPERF_SERVICES_AGGREGATION_AGGREGATION_TEST_UTIL_H_
#define BUDGETPERF_SERVICES_AGGREGATION_AGGREGATION_TEST_UTIL_H_

// Test data for aggregation's unit tests: valid USCCs, org nodes and
// packages with chosen figures. Header-only; tests only.

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "budgetperf/v1/aggregation.pb.h"
#include "budgetperf/v1/evaluation_package.pb.h"
#include "budgetperf/v1/scoring.pb.h"
#include "common/codes/uscc.h"

namespace budgetperf {
namespace aggregation_testing {

// A valid USCC of a public institution (12) in `division`, numbered `serial`.
inline std::string MakeUscc(const std::string& division, int serial) {
  const std::string first17 = absl::StrFormat("12%sMB%07d", division, serial);
  absl::StatusOr<char> check = UsccCheckCharacter(first17);
  return first17 + (check.ok() ? *check : '0');
}

inline v1::OrgNode Node(const std::string& code, v1::NodeKind kind, const std::string& parent,
                        const std::string& division = "430602", int32_t from_year = 0) {
  v1::OrgNode node;
  node.set_code(code);
  node.set_name(absl::StrCat("name of ", code));
  node.set_kind(kind);
  node.set_parent_code(parent);
  node.set_division_code(division);
  node.set_valid_from_year(from_year);
  return node;
}

// The figures a test package carries.
struct Figures {
  int64_t full_year_fen = 100'000'000;
  int64_t executed_fen = 90'000'000;
  int32_t authorized = 10;
  int32_t actual = 9;
  int64_t public_funds_final_fen = 2'000'000;
  int64_t procurement_final_fen = 1'000'000;
};

inline v1::EvaluationPackage MakePackage(const std::string& uscc, int32_t year,
                                         const Figures& f,
                                         const std::string& division = "430602") {
  v1::EvaluationPackage p;
  p.mutable_unit()->set_uscc(uscc);
  p.mutable_unit()->set_name(absl::StrCat("unit ", uscc));
  p.mutable_unit()->set_division_code(division);
  p.set_year(year);
  p.mutable_basic_data()->mutable_staffing()->set_authorized_posts(f.authorized);
  p.mutable_basic_data()->mutable_staffing()->set_actual_staff(f.actual);
  p.mutable_basic_data()->mutable_public_funds()->mutable_total()->set_final_fen(
      f.public_funds_final_fen);
  p.mutable_basic_data()->mutable_government_procurement()->set_final_fen(
      f.procurement_final_fen);
  v1::FundsColumns* amounts = p.mutable_overall()->mutable_funds()->mutable_amounts();
  amounts->set_initial_budget_fen(f.full_year_fen);
  amounts->set_full_year_budget_fen(f.full_year_fen);
  amounts->set_executed_fen(f.executed_fen);
  p.mutable_overall()->mutable_by_nature()->set_basic_fen(f.executed_fen / 2);
  p.mutable_overall()->mutable_by_nature()->set_project_fen(f.executed_fen - f.executed_fen / 2);
  return p;
}

inline v1::ScoreCardSummary MakeScore(int32_t computed, v1::Grade grade, int32_t self,
                                      v1::Grade self_grade) {
  v1::ScoreCardSummary s;
  s.set_profile("national-2020");
  s.set_graded_centipoints(computed);
  s.set_grade(grade);
  s.set_self_graded_centipoints(self);
  s.set_self_grade(self_grade);
  return s;
}

inline v1::ApplyEvaluationRequest MakeApply(const v1::EvaluationPackage& package, int32_t version,
                                            const v1::ScoreCardSummary* score = nullptr) {
  v1::ApplyEvaluationRequest r;
  *r.mutable_package() = package;
  r.set_version(version);
  r.set_submitted_at_unix_ms(1'700'000'000'000 + version);
  if (score != nullptr) *r.mutable_score() = *score;
  return r;
}

}  // namespace aggregation_testing
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_AGGREGATION_AGGREGATION_TEST_UTIL_H_
