#ifndef BUDGETPERF_TESTS_TESTING_SEED_H_
#define BUDGETPERF_TESTS_TESTING_SEED_H_

// The seed fixture for tests: tests/data/seed-2023.json, the 2023 package of
// one district unit, loaded strictly once per test binary (target
// budgetperf::test_seed).
//
//   v1::EvaluationPackage package = SeedPackage();  // a copy to change
//   package.mutable_unit()->set_uscc(...);

#include <string>

#include "budgetperf/v1/evaluation_package.pb.h"

namespace budgetperf {

// The path of tests/data/seed-2023.json in the source tree.
std::string SeedPath();

// The seed package. Aborts the test binary, saying why, if the fixture
// cannot be read or parsed: every test that asks for it depends on it.
const v1::EvaluationPackage& SeedPackage();

}  // namespace budgetperf

#endif  // BUDGETPERF_TESTS_TESTING_SEED_H_
