#include "common/numeric/checked_math.h"

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace budgetperf {
namespace {

// __extension__ keeps -Wpedantic quiet: GCC and Clang both provide 128-bit
// integers, which is all the headroom exact products need.
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 Uint128;

// 2^63, the magnitude of INT64_MIN, as an unsigned value.
constexpr uint64_t kInt64MinMagnitude = uint64_t{1} << 63;

Uint128 Magnitude(Int128 v) {
  return v < 0 ? static_cast<Uint128>(-v) : static_cast<Uint128>(v);
}

// A 256-bit unsigned integer, just wide enough for the product of two values
// below 2^127.
struct Uint256 {
  Uint128 hi = 0;
  Uint128 lo = 0;
};

Uint256 Multiply(Uint128 x, Uint128 y) {
  const Uint128 kMask64 = (Uint128{1} << 64) - 1;
  const Uint128 x0 = x & kMask64, x1 = x >> 64;
  const Uint128 y0 = y & kMask64, y1 = y >> 64;
  const Uint128 p00 = x0 * y0;
  const Uint128 p01 = x0 * y1;
  const Uint128 p10 = x1 * y0;
  const Uint128 p11 = x1 * y1;
  // Sum of three values below 2^64 each: cannot overflow 128 bits.
  const Uint128 mid = (p00 >> 64) + (p01 & kMask64) + (p10 & kMask64);
  Uint256 out;
  out.lo = (mid << 64) | (p00 & kMask64);
  out.hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
  return out;
}

// Schoolbook binary long division of n by d (0 < d < 2^127). Slow by big-
// number standards (256 steps) but trivially correct. Products that fit 128
// bits (every int64 × int64) take the one-instruction path instead.
void DivMod(const Uint256& n, Uint128 d, Uint256* quotient,
            Uint128* remainder) {
  if (n.hi == 0) {
    quotient->hi = 0;
    quotient->lo = n.lo / d;
    *remainder = n.lo % d;
    return;
  }
  Uint256 q;
  Uint128 r = 0;
  for (int bit = 255; bit >= 0; --bit) {
    const Uint128 word = bit >= 128 ? n.hi : n.lo;
    const Uint128 next = (word >> (bit % 128)) & 1;
    // r < d < 2^127, so the shift cannot lose a bit.
    r = (r << 1) | next;
    if (r >= d) {
      r -= d;
      if (bit >= 128) {
        q.hi |= Uint128{1} << (bit - 128);
      } else {
        q.lo |= Uint128{1} << bit;
      }
    }
  }
  *quotient = q;
  *remainder = r;
}

}  // namespace

std::optional<int64_t> CheckedAdd(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return sum;
}

std::optional<int64_t> CheckedSubtract(int64_t a, int64_t b) {
  int64_t difference = 0;
  if (__builtin_sub_overflow(a, b, &difference)) return std::nullopt;
  return difference;
}

std::optional<int64_t> CheckedMultiply(int64_t a, int64_t b) {
  int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) return std::nullopt;
  return product;
}

absl::StatusOr<int64_t> MulDivRoundHalfUp(int64_t a, int64_t b, int64_t c) {
  return WideMulDivRoundHalfUp(a, b, c);
}

absl::StatusOr<int64_t> WideMulDivRoundHalfUp(Int128 x, Int128 y, Int128 z) {
  if (z == 0) return absl::InvalidArgumentError("division by zero");
  if (x == 0 || y == 0) return 0;
  const bool negative = ((x < 0) != (y < 0)) != (z < 0);
  const Uint128 divisor = Magnitude(z);
  Uint256 quotient;
  Uint128 remainder = 0;
  DivMod(Multiply(Magnitude(x), Magnitude(y)), divisor, &quotient, &remainder);
  const Uint128 limit =
      negative ? Uint128{kInt64MinMagnitude} : Uint128{kInt64MinMagnitude} - 1;
  if (quotient.hi != 0 || quotient.lo > limit) {
    return absl::OutOfRangeError("result does not fit in int64");
  }
  Uint128 magnitude = quotient.lo;
  // remainder < divisor < 2^127, so doubling it cannot overflow. Ties go
  // away from zero because we round the magnitude and reapply the sign.
  if (remainder * 2 >= divisor) ++magnitude;
  if (magnitude > limit) {
    return absl::OutOfRangeError("result does not fit in int64");
  }
  const Int128 signed_result = negative ? -static_cast<Int128>(magnitude)
                                        : static_cast<Int128>(magnitude);
  return static_cast<int64_t>(signed_result);
}

}  // namespace budgetperf
