#ifndef BUDGETPERF_SERVICES_INGESTION_TEST_PACKAGES_H_
#define BUDGETPERF_SERVICES_INGESTION_TEST_PACKAGES_H_

// Packages for ingestion's tests (unit and integration): the seed fixture,
// variants of it for other units, and a table of malformed packages with the
// violation each must produce. Test-only (library
// budgetperf::ingestion_test_packages).

#include <functional>
#include <string>
#include <vector>

#include "budgetperf/v1/evaluation_package.pb.h"

namespace budgetperf {
namespace ingestion {
namespace test_packages {

// The path of tests/data/seed-2023.json.
std::string SeedPath();

// The seed package (tests/data/seed-2023.json). Aborts the test binary if it
// cannot be loaded: every test depends on it.
v1::EvaluationPackage SeedPackage();

// A valid USCC for test unit `n` (0..99999): "12430602MB1C" + 5 digits +
// its check character.
std::string TestUscc(int n);

// The seed refiled as test unit `n` of `division_code`, named "测试单位<n>".
v1::EvaluationPackage PackageForUnit(int n, const std::string& division_code = "430602");

// A malformed package and the violation it must produce (and only that one).
struct MalformedCase {
  std::string name;                                      // for test output
  std::function<void(v1::EvaluationPackage*)> break_it;  // applied to the seed
  std::string field_path;                                // expected Violation.field_path
  std::string rule;                                      // expected Violation.rule
};

// At least 20 malformed variants of the seed, one violation each.
std::vector<MalformedCase> MalformedCases();

}  // namespace test_packages
}  // namespace ingestion
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_INGESTION_TEST_PACKAGES_H_
