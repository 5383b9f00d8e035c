#include "common/codes/uscc.h"

#include "absl/strings/str_cat.h"
#include "common/codes/division_code.h"

namespace budgetperf {
namespace {

constexpr int kWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

int CharValue(char c) {
  const size_t i = kUsccCharset.find(c);
  return i == absl::string_view::npos ? -1 : static_cast<int>(i);
}

}  // namespace

absl::StatusOr<char> UsccCheckCharacter(absl::string_view first17) {
  if (first17.size() != 17) {
    return absl::InvalidArgumentError(absl::StrCat(
        "USCC body \"", first17, "\" must be 17 characters, not ", first17.size()));
  }
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    const int v = CharValue(first17[i]);
    if (v < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "USCC body \"", first17, "\": character ", i + 1, " '",
          absl::string_view(&first17[i], 1), "' is not one of ", kUsccCharset));
    }
    sum += v * kWeights[i];
  }
  return kUsccCharset[(31 - sum % 31) % 31];
}

absl::Status ValidateUscc(absl::string_view uscc) {
  if (uscc.size() != 18) {
    return absl::InvalidArgumentError(absl::StrCat(
        "USCC \"", uscc, "\": must be 18 characters (GB 32100-2015), has ",
        uscc.size(), " bytes"));
  }
  for (int i = 0; i < 18; ++i) {
    if (CharValue(uscc[i]) < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "USCC \"", uscc, "\": character ", i + 1, " '",
          absl::string_view(&uscc[i], 1),
          "' is not allowed (digits and upper-case letters except I O S V Z)"));
    }
  }
  const absl::string_view division = uscc.substr(2, 6);
  if (absl::Status s = ValidateDivisionCode(division); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "USCC \"", uscc, "\": characters 3-8 must be a division code: ", s.message()));
  }
  auto expected = UsccCheckCharacter(uscc.substr(0, 17));
  if (!expected.ok()) return expected.status();
  if (*expected != uscc[17]) {
    return absl::InvalidArgumentError(
        absl::StrCat("USCC \"", uscc, "\": check character is '",
                     absl::string_view(&uscc[17], 1), "', expected '",
                     absl::string_view(&*expected, 1), "'"));
  }
  return absl::OkStatus();
}

absl::string_view UsccDivisionCode(absl::string_view uscc) {
  return uscc.size() >= 8 ? uscc.substr(2, 6) : absl::string_view();
}

}  // namespace budgetperf
