#ifndef BUDGETPERF_COMMON_PACKAGE_PACKAGE_JSON_H_
#define BUDGETPERF_COMMON_PACKAGE_PACKAGE_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "budgetperf/v1/evaluation_package.pb.h"

namespace budgetperf {

// Parses protobuf JSON into an EvaluationPackage strictly: an unknown field,
// a value of the wrong type or an unknown enum name is INVALID_ARGUMENT with
// the parser's message. Nothing is normalised; see NormalizePackage.
absl::StatusOr<v1::EvaluationPackage> ParsePackageJson(absl::string_view json);

// Reads FILE and parses it as ParsePackageJson does. NOT_FOUND if the file
// cannot be read.
absl::StatusOr<v1::EvaluationPackage> LoadPackageJsonFile(const std::string& path);

// Prints a package as protobuf JSON (field names in lowerCamelCase, as the
// fixtures are written), optionally indented for people.
std::string PackageToJson(const v1::EvaluationPackage& package, bool pretty = true);

}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_PACKAGE_PACKAGE_JSON_H_
