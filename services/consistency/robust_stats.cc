#include "services/consistency/robust_stats.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "services/consistency/audit_rules.h"

namespace budgetperf {
namespace audit_internal {
namespace {

// The consistency factor that makes the MAD estimate a standard deviation of
// normal data, 1.4826, in ten-thousandths.
constexpr int64_t kMadFactor = 14826;

// Twice the median of `sorted` (non-empty): an integer for any count.
int128 Median2(const std::vector<int128>& sorted) {
  const size_t n = sorted.size();
  return n % 2 == 1 ? 2 * sorted[n / 2] : sorted[n / 2 - 1] + sorted[n / 2];
}

}  // namespace

Spread SpreadOf(const std::vector<int64_t>& values) {
  std::vector<int128> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  Spread spread;
  spread.median2 = Median2(sorted);
  std::vector<int128> deviations2;  // |2x − 2m| = 2 |x − m|
  deviations2.reserve(sorted.size());
  for (int128 v : sorted) {
    const int128 d = 2 * v - spread.median2;
    deviations2.push_back(d < 0 ? -d : d);
  }
  std::sort(deviations2.begin(), deviations2.end());
  spread.mad4 = Median2(deviations2);  // 2 × median(2|x − m|) = 4 MAD
  return spread;
}

// |x − median| > k × 1.4826 × MAD with k = tolerance_bp / 10⁴, i.e.
// 2|2x − 2m| × 10⁸ > tolerance_bp × 14826 × 4 MAD, all in integers.
bool IsOutlier(int64_t value, const Spread& spread, int32_t tolerance_bp) {
  if (spread.mad4 <= 0) return false;
  int128 d2 = 2 * static_cast<int128>(value) - spread.median2;
  if (d2 < 0) d2 = -d2;
  return 2 * d2 * 100'000'000 > static_cast<int128>(std::max(tolerance_bp, 0)) *
                                    kMadFactor * spread.mad4;
}

// k × 1.4826 × MAD in the values' own unit, rounded down: the distance
// beyond which a value is an outlier, for messages.
int64_t Threshold(const Spread& spread, int32_t tolerance_bp) {
  const int128 t = static_cast<int128>(std::max(tolerance_bp, 0)) * kMadFactor *
                   spread.mad4 / (4 * static_cast<int128>(100'000'000));
  return t > INT64_MAX ? INT64_MAX : static_cast<int64_t>(t);
}

// The median, rounded half up (the median of an even count may end in .5).
int64_t Median(const Spread& spread) {
  const int128 m = spread.median2 >= 0 ? (spread.median2 + 1) / 2
                                       : -((-spread.median2 + 1) / 2);
  return static_cast<int64_t>(m);
}

int64_t Mad(const Spread& spread) {
  return static_cast<int64_t>((spread.mad4 + 2) / 4);
}

}  // namespace audit_internal

std::vector<bool> RobustOutliers(const std::vector<int64_t>& values,
                                 int32_t tolerance_bp, int min_group,
                                 int64_t* median2, int64_t* mad4) {
  std::vector<bool> out(values.size(), false);
  if (values.empty()) return out;
  const audit_internal::Spread spread = audit_internal::SpreadOf(values);
  auto clamp = [](audit_internal::int128 v) {
    return static_cast<int64_t>(
        std::clamp<audit_internal::int128>(v, INT64_MIN, INT64_MAX));
  };
  if (median2 != nullptr) *median2 = clamp(spread.median2);
  if (mad4 != nullptr) *mad4 = clamp(spread.mad4);
  if (static_cast<int>(values.size()) < min_group || spread.mad4 <= 0) {
    return out;
  }
  for (size_t i = 0; i < values.size(); ++i) {
    out[i] = audit_internal::IsOutlier(values[i], spread, tolerance_bp);
  }
  return out;
}

}  // namespace budgetperf
