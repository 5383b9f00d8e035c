#include "common/package/package_json.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace budgetperf {

absl::StatusOr<v1::EvaluationPackage> ParsePackageJson(absl::string_view json) {
  v1::EvaluationPackage package;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &package, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("package JSON: ", std::string(status.message())));
  }
  return package;
}

absl::StatusOr<v1::EvaluationPackage> LoadPackageJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  auto package = ParsePackageJson(text.str());
  if (!package.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", package.status().message()));
  }
  return package;
}

std::string PackageToJson(const v1::EvaluationPackage& package, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  options.preserve_proto_field_names = false;
  std::string out;
  // Printing a well-formed message cannot fail.
  (void)google::protobuf::util::MessageToJsonString(package, &out, options);
  return out;
}

}  // namespace budgetperf
