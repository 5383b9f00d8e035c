#ifndef BUDGETPERF_SERVICES_CONSISTENCY_ROBUST_STATS_H_
#define BUDGETPERF_SERVICES_CONSISTENCY_ROBUST_STATS_H_

// Robust statistics on integers for the peer rules of the audit (U-03, U-07,
// U-08): the median and the median absolute deviation (MAD) of a group, and
// the outlier test |x − median| > k × 1.4826 × MAD, all in 128-bit integers
// so that no floating point decides a finding. Private to the audit; the
// public form of the test is RobustOutliers (audit_rules.h).

#include <cstdint>
#include <vector>

namespace budgetperf {
namespace audit_internal {

using int128 = __int128;

// A group's centre and spread, doubled and quadrupled so that both are
// integers whatever the group's size.
struct Spread {
  int128 median2 = 0;  // 2 × median
  int128 mad4 = 0;     // 4 × MAD
};

// The median and MAD of `values` (non-empty).
Spread SpreadOf(const std::vector<int64_t>& values);

// |x − median| > k × 1.4826 × MAD with k = tolerance_bp / 10⁴, i.e.
// 2|2x − 2m| × 10⁸ > tolerance_bp × 14826 × 4 MAD, all in integers.
bool IsOutlier(int64_t value, const Spread& spread, int32_t tolerance_bp);

// k × 1.4826 × MAD in the values' own unit, rounded down: the distance
// beyond which a value is an outlier, for messages.
int64_t Threshold(const Spread& spread, int32_t tolerance_bp);

// The median, rounded half up (the median of an even count may end in .5).
int64_t Median(const Spread& spread);

// The MAD, rounded half up.
int64_t Mad(const Spread& spread);

}  // namespace audit_internal
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_CONSISTENCY_ROBUST_STATS_H_
