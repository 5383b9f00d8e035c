#include "common/storage/key_codec.h"

namespace budgetperf {
namespace storage {
namespace {

constexpr uint32_t kSignFlip = 0x80000000u;

void AppendBigEndian(std::string* out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

uint64_t ReadBigEndian(absl::string_view in, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | static_cast<unsigned char>(in[i]);
  return value;
}

}  // namespace

void AppendBigEndian16(std::string* out, uint16_t value) { AppendBigEndian(out, value, 2); }
void AppendBigEndian32(std::string* out, uint32_t value) { AppendBigEndian(out, value, 4); }
void AppendBigEndian64(std::string* out, uint64_t value) { AppendBigEndian(out, value, 8); }

uint16_t ReadBigEndian16(absl::string_view in) {
  return static_cast<uint16_t>(ReadBigEndian(in, 2));
}
uint32_t ReadBigEndian32(absl::string_view in) {
  return static_cast<uint32_t>(ReadBigEndian(in, 4));
}
uint64_t ReadBigEndian64(absl::string_view in) { return ReadBigEndian(in, 8); }

void AppendOrderedInt32(std::string* out, int32_t value) {
  AppendBigEndian32(out, static_cast<uint32_t>(value) ^ kSignFlip);
}

int32_t ReadOrderedInt32(absl::string_view in) {
  return static_cast<int32_t>(ReadBigEndian32(in) ^ kSignFlip);
}

void AppendField(std::string* out, absl::string_view field) {
  out->append(field.data(), field.size());
  out->push_back(kFieldSeparator);
}

bool ConsumeField(absl::string_view* in, absl::string_view* field) {
  const size_t end = in->find(kFieldSeparator);
  if (end == absl::string_view::npos) return false;
  *field = in->substr(0, end);
  in->remove_prefix(end + 1);
  return true;
}

std::string PrefixEnd(absl::string_view prefix) {
  std::string end(prefix);
  end.append(8, '\xff');
  return end;
}

}  // namespace storage
}  // namespace budgetperf
