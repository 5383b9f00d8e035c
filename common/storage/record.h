#ifndef BUDGETPERF_COMMON_STORAGE_RECORD_H_
#define BUDGETPERF_COMMON_STORAGE_RECORD_H_

// Parsing a stored protobuf value (a record) with one clear error:
//
//   ASSIGN_OR_RETURN(v1::TokenRecord record,
//                    ParseRecord<v1::TokenRecord>(AsStringView(it->value()), "tokens",
//                                                 AsStringView(it->key())));
//
// DATA_LOSS when the bytes are not a record of that type, naming the type,
// the column family and the key (C-escaped: keys are binary):
//   unreadable budgetperf.v1.TokenRecord in column family tokens at key "..."

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message_lite.h"
#include "rocksdb/slice.h"

namespace budgetperf {
namespace storage {

// A RocksDB slice as a view of the same bytes.
inline absl::string_view AsStringView(const rocksdb::Slice& slice) {
  return absl::string_view(slice.data(), slice.size());
}

// The DATA_LOSS error for an unreadable record of type `type_name`.
absl::Status UnreadableRecordError(absl::string_view type_name, absl::string_view column_family,
                                   absl::string_view key);

// Parses `bytes` into `record` (e.g. one on an arena); DATA_LOSS as above.
absl::Status ParseRecordInto(absl::string_view bytes, absl::string_view column_family,
                             absl::string_view key, google::protobuf::MessageLite* record);

// Parses `bytes` as a Record; DATA_LOSS as above.
template <typename Record>
absl::StatusOr<Record> ParseRecord(absl::string_view bytes, absl::string_view column_family,
                                   absl::string_view key) {
  Record record;
  absl::Status status = ParseRecordInto(bytes, column_family, key, &record);
  if (!status.ok()) return status;
  return record;
}

}  // namespace storage
}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_STORAGE_RECORD_H_
