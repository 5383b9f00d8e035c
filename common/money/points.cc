#include "common/money/points.h"

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"

namespace budgetperf {

std::string FormatCentipoints(int64_t centipoints) {
  // Work in unsigned so that INT64_MIN formats too.
  const uint64_t magnitude =
      centipoints < 0 ? uint64_t{0} - static_cast<uint64_t>(centipoints)
                      : static_cast<uint64_t>(centipoints);
  const uint64_t cents = magnitude % 100;
  return absl::StrCat(centipoints < 0 ? "-" : "", magnitude / 100, ".",
                      cents < 10 ? "0" : "", cents);
}

std::string FormatWeight(int64_t centipoints) {
  if (centipoints % 100 == 0) return absl::StrCat(centipoints / 100);
  return FormatCentipoints(centipoints);
}

}  // namespace budgetperf
