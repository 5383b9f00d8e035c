#ifndef BUDGETPERF_SERVICES_AGGREGATION_AGGREGATION_KEYS_H_
#define BUDGETPERF_SERVICES_AGGREGATION_AGGREGATION_KEYS_H_

// The key encoding of aggregation's RocksDB, in one place.
//
// Every key starts with a node or unit code followed by a NUL byte (codes
// never contain one, see ValidateCode), so that "code\0" is an exact prefix:
// one code's years, versions or index entries are a single prefix scan and
// never run into a longer code. Years and scores follow as 4-byte big-endian
// numbers with the sign bit flipped, so that bytewise order is numeric order
// (negative scores included). The pieces are common/storage/key_codec.h's.
//
//   nodes          code \0 from_year              → OrgNode (one version)
//   contributions  uscc \0 year                   → ContributionRecord
//   rollups        code \0 year                   → Rollup (sums and extremes)
//   score_index    code \0 year kind score uscc   → "" (kind: 'c' computed, 's' self)
//   orphans        unassigned_code \0 year uscc   → OrphanRecord
//   findings       code \0 year source            → FindingsRecord

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace budgetperf {
namespace aggregation_keys {

// The two kinds of score kept in the score index.
inline constexpr char kComputedScore = 'c';
inline constexpr char kSelfScore = 's';

// Checks that `code` can be part of a key: 1–64 bytes, no control
// characters (NUL included). The error names `what` and the code.
absl::Status ValidateCode(absl::string_view code, absl::string_view what);

// 4 bytes, big-endian, sign bit flipped: EncodeInt32(-1) < EncodeInt32(0).
std::string EncodeInt32(int32_t value);
// The reverse of EncodeInt32; `bytes` must hold at least 4 bytes.
int32_t DecodeInt32(absl::string_view bytes);

// "code\0": the prefix of every key of `code` in any column family.
std::string CodePrefix(absl::string_view code);

// "code\0" + year: a node version (year = valid_from_year), a rollup, a
// contribution (code = uscc), and the prefix of findings, orphans and score
// index entries of that year.
std::string CodeYearKey(absl::string_view code, int32_t year);

// The year of a CodeYearKey-shaped key whose code is `code`.
std::optional<int32_t> YearOf(absl::string_view key, absl::string_view code);

// The score index prefix of (code, year, kind).
std::string ScoreIndexPrefix(absl::string_view code, int32_t year, char kind);
// One score index entry: prefix + score + uscc.
std::string ScoreIndexKey(absl::string_view code, int32_t year, char kind,
                          int32_t score, absl::string_view uscc);
// The score of an entry found under `prefix`.
int32_t ScoreOfIndexKey(absl::string_view key, size_t prefix_size);
// The uscc of an entry found under `prefix`.
absl::string_view UsccOfIndexKey(absl::string_view key, size_t prefix_size);

// An orphan entry: CodeYearKey(unassigned_code, year) + uscc.
std::string OrphanKey(absl::string_view unassigned_code, int32_t year,
                      absl::string_view uscc);

// A findings record: CodeYearKey(code, year) + source.
std::string FindingsKey(absl::string_view code, int32_t year,
                        absl::string_view source);

}  // namespace aggregation_keys
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_AGGREGATION_AGGREGATION_KEYS_H_
