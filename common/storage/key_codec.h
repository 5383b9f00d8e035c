#ifndef BUDGETPERF_COMMON_STORAGE_KEY_CODEC_H_
#define BUDGETPERF_COMMON_STORAGE_KEY_CODEC_H_

// The pieces RocksDB keys are made of, so that bytewise key order (RocksDB's
// default comparator) is the order the stores scan in:
//
//   - fixed-width big-endian unsigned numbers (2, 4 or 8 bytes): byte order
//     is numeric order;
//   - ordered int32s: 4 bytes big-endian with the sign bit flipped, so that
//     negative numbers sort before positive ones;
//   - string fields ended by a NUL separator ("code\0"), for strings of any
//     length that never hold a NUL: "code\0" is then an exact prefix, and
//     one code's keys never run into a longer code's.
//
//   std::string key;
//   AppendField(&key, "430602");        // "430602\0"
//   AppendOrderedInt32(&key, 2023);      // + 4 bytes
//   AppendBigEndian64(&key, seq);        // + 8 bytes
//
// The readers take a view holding at least the bytes they read (callers check
// key sizes first).

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace budgetperf {
namespace storage {

void AppendBigEndian16(std::string* out, uint16_t value);
void AppendBigEndian32(std::string* out, uint32_t value);
void AppendBigEndian64(std::string* out, uint64_t value);

// The number in the first 2, 4 or 8 bytes of `in` (which must hold them).
uint16_t ReadBigEndian16(absl::string_view in);
uint32_t ReadBigEndian32(absl::string_view in);
uint64_t ReadBigEndian64(absl::string_view in);

// 4 bytes, big-endian, sign bit flipped: an ordered int32 of -1 sorts before
// one of 0.
void AppendOrderedInt32(std::string* out, int32_t value);
// The ordered int32 in the first 4 bytes of `in` (which must hold them).
int32_t ReadOrderedInt32(absl::string_view in);

// What ends a string field.
inline constexpr char kFieldSeparator = '\0';

// Appends `field` and the separator (`field` must not hold a NUL).
void AppendField(std::string* out, absl::string_view field);
// The bytes of `in` before its first separator; false (and `*in` untouched)
// when it has none. On success `*in` is left after the separator.
bool ConsumeField(absl::string_view* in, absl::string_view* field);

// A key that sorts after every key starting with `prefix` and before every
// other key after them that does not start with it: prefix + 8 bytes 0xFF,
// enough for keys whose bytes after the prefix are never 8 0xFFs in a row.
std::string PrefixEnd(absl::string_view prefix);

}  // namespace storage
}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_STORAGE_KEY_CODEC_H_
