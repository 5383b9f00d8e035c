#include "services/aggregation/aggregation_keys.h"

#include "absl/strings/str_cat.h"
#include "common/storage/key_codec.h"

namespace budgetperf {
namespace aggregation_keys {

namespace {
constexpr size_t kMaxCodeBytes = 64;
}  // namespace

absl::Status ValidateCode(absl::string_view code, absl::string_view what) {
  if (code.empty()) return absl::InvalidArgumentError(absl::StrCat(what, " is empty"));
  if (code.size() > kMaxCodeBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " \"", code.substr(0, kMaxCodeBytes), "...\" is longer than ",
        kMaxCodeBytes, " bytes"));
  }
  for (char c : code) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " \"", code, "\" holds a control character"));
    }
  }
  return absl::OkStatus();
}

std::string EncodeInt32(int32_t value) {
  std::string out;
  storage::AppendOrderedInt32(&out, value);
  return out;
}

int32_t DecodeInt32(absl::string_view bytes) { return storage::ReadOrderedInt32(bytes); }

std::string CodePrefix(absl::string_view code) {
  std::string key;
  storage::AppendField(&key, code);
  return key;
}

std::string CodeYearKey(absl::string_view code, int32_t year) {
  std::string key = CodePrefix(code);
  storage::AppendOrderedInt32(&key, year);
  return key;
}

std::optional<int32_t> YearOf(absl::string_view key, absl::string_view code) {
  const size_t start = code.size() + 1;
  if (key.size() < start + 4) return std::nullopt;
  return DecodeInt32(key.substr(start, 4));
}

std::string ScoreIndexPrefix(absl::string_view code, int32_t year, char kind) {
  std::string key = CodeYearKey(code, year);
  key.push_back(kind);
  return key;
}

std::string ScoreIndexKey(absl::string_view code, int32_t year, char kind,
                          int32_t score, absl::string_view uscc) {
  return absl::StrCat(ScoreIndexPrefix(code, year, kind), EncodeInt32(score), uscc);
}

int32_t ScoreOfIndexKey(absl::string_view key, size_t prefix_size) {
  return DecodeInt32(key.substr(prefix_size, 4));
}

absl::string_view UsccOfIndexKey(absl::string_view key, size_t prefix_size) {
  return key.substr(prefix_size + 4);
}

std::string OrphanKey(absl::string_view unassigned_code, int32_t year,
                      absl::string_view uscc) {
  return absl::StrCat(CodeYearKey(unassigned_code, year), uscc);
}

std::string FindingsKey(absl::string_view code, int32_t year,
                        absl::string_view source) {
  return absl::StrCat(CodeYearKey(code, year), source);
}

}  // namespace aggregation_keys
}  // namespace budgetperf
