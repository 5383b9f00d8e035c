#ifndef BUDGETPERF_COMMON_CODES_USCC_H_
#define BUDGETPERF_COMMON_CODES_USCC_H_

// 统一社会信用代码 (unified social credit code), GB 32100-2015.

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace budgetperf {

// The 31 characters a USCC may use, each valued by its index (no I O S V Z).
inline constexpr absl::string_view kUsccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// Computes the 18th (check) character for the first 17 characters of a USCC:
// weights 3^i mod 31 for positions 1–17, check = charset[(31 − Σ mod 31) mod 31].
//
//   UsccCheckCharacter("91350100M000100Y4") → '3'
//
// INVALID_ARGUMENT if `first17` is not 17 characters of the charset.
absl::StatusOr<char> UsccCheckCharacter(absl::string_view first17);

// Validates a whole USCC: 18 characters from the charset, characters 3–8 a
// well-formed division code, and the right check character. The error names
// the code, the position and the rule, e.g.
//   USCC "12430602MB1C04587A": check character is 'A', expected 'D'
absl::Status ValidateUscc(absl::string_view uscc);

// The division code embedded in characters 3–8 of a (well-formed) USCC.
absl::string_view UsccDivisionCode(absl::string_view uscc);

}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_CODES_USCC_H_
