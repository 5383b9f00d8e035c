#include "tests/testing/seed.h"

#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "common/package/package_json.h"

namespace budgetperf {

std::string SeedPath() {
  return std::string(BUDGETPERF_SOURCE_DIR) + "/tests/data/seed-2023.json";
}

const v1::EvaluationPackage& SeedPackage() {
  // Parsed once: several tests ask for it in every case.
  static const v1::EvaluationPackage* const seed = [] {
    absl::StatusOr<v1::EvaluationPackage> loaded = LoadPackageJsonFile(SeedPath());
    if (!loaded.ok()) {
      std::cerr << "cannot load the seed fixture: " << loaded.status() << std::endl;
      std::abort();
    }
    return new v1::EvaluationPackage(*std::move(loaded));
  }();
  return *seed;
}

}  // namespace budgetperf
