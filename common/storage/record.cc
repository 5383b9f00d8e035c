#include "common/storage/record.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace budgetperf {
namespace storage {

absl::Status UnreadableRecordError(absl::string_view type_name, absl::string_view column_family,
                                   absl::string_view key) {
  return absl::DataLossError(absl::StrCat("unreadable ", type_name, " in column family ",
                                          column_family, " at key \"", absl::CHexEscape(key),
                                          "\""));
}

absl::Status ParseRecordInto(absl::string_view bytes, absl::string_view column_family,
                             absl::string_view key, google::protobuf::MessageLite* record) {
  if (!record->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return UnreadableRecordError(record->GetTypeName(), column_family, key);
  }
  return absl::OkStatus();
}

}  // namespace storage
}  // namespace budgetperf
