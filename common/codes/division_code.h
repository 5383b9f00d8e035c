#ifndef BUDGETPERF_COMMON_CODES_DIVISION_CODE_H_
#define BUDGETPERF_COMMON_CODES_DIVISION_CODE_H_

// 行政区划代码, GB/T 2260: six digits, province (2) + prefecture (2) +
// county (2). 430000 湖南省, 430600 岳阳市, 430602 岳阳楼区.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace budgetperf {

enum class DivisionLevel { kProvince, kPrefecture, kCounty };

// Checks the shape of a division code: six ASCII digits, a province part
// from 11 to 82, and no county part without a prefecture part
// ("430002" is not a code). It does not look the code up in a register.
absl::Status ValidateDivisionCode(absl::string_view code);

// The level of a valid code: 430000 → kProvince, 430600 → kPrefecture,
// 430602 → kCounty.
absl::StatusOr<DivisionLevel> DivisionCodeLevel(absl::string_view code);

// The parent of a valid code: 430602 → 430600, 430600 → 430000.
// NOT_FOUND for a province, which has no parent.
absl::StatusOr<std::string> ParentDivisionCode(absl::string_view code);

// True when `ancestor` is `code` or contains it: 430000 contains 430602.
bool DivisionContains(absl::string_view ancestor, absl::string_view code);

}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_CODES_DIVISION_CODE_H_
