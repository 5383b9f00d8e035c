#include "common/codes/division_code.h"

#include "absl/strings/str_cat.h"

namespace budgetperf {

absl::Status ValidateDivisionCode(absl::string_view code) {
  if (code.size() != 6) {
    return absl::InvalidArgumentError(absl::StrCat(
        "division code \"", code, "\": must be 6 digits (GB/T 2260)"));
  }
  for (char c : code) {
    if (c < '0' || c > '9') {
      return absl::InvalidArgumentError(absl::StrCat(
          "division code \"", code, "\": must be 6 digits (GB/T 2260)"));
    }
  }
  const int province = (code[0] - '0') * 10 + (code[1] - '0');
  if (province < 11 || province > 82) {
    return absl::InvalidArgumentError(absl::StrCat(
        "division code \"", code, "\": province part ", code.substr(0, 2),
        " is not between 11 and 82"));
  }
  if (code.substr(2, 2) == "00" && code.substr(4, 2) != "00") {
    return absl::InvalidArgumentError(absl::StrCat(
        "division code \"", code, "\": a county part needs a prefecture part"));
  }
  return absl::OkStatus();
}

absl::StatusOr<DivisionLevel> DivisionCodeLevel(absl::string_view code) {
  if (absl::Status s = ValidateDivisionCode(code); !s.ok()) return s;
  if (code.substr(2, 4) == "0000") return DivisionLevel::kProvince;
  if (code.substr(4, 2) == "00") return DivisionLevel::kPrefecture;
  return DivisionLevel::kCounty;
}

absl::StatusOr<std::string> ParentDivisionCode(absl::string_view code) {
  auto level = DivisionCodeLevel(code);
  if (!level.ok()) return level.status();
  switch (*level) {
    case DivisionLevel::kProvince:
      return absl::NotFoundError(
          absl::StrCat("division code \"", code, "\" is a province: no parent"));
    case DivisionLevel::kPrefecture:
      return absl::StrCat(code.substr(0, 2), "0000");
    case DivisionLevel::kCounty:
      return absl::StrCat(code.substr(0, 4), "00");
  }
  return absl::InternalError("unreachable");
}

bool DivisionContains(absl::string_view ancestor, absl::string_view code) {
  auto level = DivisionCodeLevel(ancestor);
  if (!level.ok() || !ValidateDivisionCode(code).ok()) return false;
  switch (*level) {
    case DivisionLevel::kProvince:
      return code.substr(0, 2) == ancestor.substr(0, 2);
    case DivisionLevel::kPrefecture:
      return code.substr(0, 4) == ancestor.substr(0, 4);
    case DivisionLevel::kCounty:
      return code == ancestor;
  }
  return false;
}

}  // namespace budgetperf
