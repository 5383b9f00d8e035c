#ifndef BUDGETPERF_SERVICES_CONSISTENCY_TEST_PACKAGES_H_
#define BUDGETPERF_SERVICES_CONSISTENCY_TEST_PACKAGES_H_

// Packages for the consistency tests: the seed as filed, and a corrected
// copy of it in which every figure agrees with every other.

#include <cstdint>
#include <string>
#include <vector>

#include "budgetperf/v1/consistency.pb.h"
#include "budgetperf/v1/evaluation_package.pb.h"

namespace budgetperf {
namespace test_packages {

// 万元 with two decimals written as an integer of hundredths → fen:
// Wan(13652) = 136.52万元 = 136'520'000 fen.
constexpr int64_t Wan(int64_t hundredths) { return hundredths * 10'000; }

// tests/data/seed-2023.json, loaded strictly. Aborts the test binary if the
// fixture cannot be read: every test here depends on it.
const v1::EvaluationPackage& Seed();

// The seed with every mistake corrected (see the .cc for each change): the
// package on which no rule may fire.
v1::EvaluationPackage CleanPackage();

// Sets a filed rate from its text ("92.86%" → 9286 bp, 2 decimals).
void SetRate(v1::FiledRate* rate, const std::string& text);

// "T1-04 basic_data.project_spending.total.final_fen" for each finding, to
// compare lists in one line.
std::vector<std::string> Keys(const std::vector<v1::Finding>& findings);

// The rule ids of `findings`, in order.
std::vector<std::string> RuleIds(const std::vector<v1::Finding>& findings);

}  // namespace test_packages
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_CONSISTENCY_TEST_PACKAGES_H_
