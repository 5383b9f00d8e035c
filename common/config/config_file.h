#ifndef BUDGETPERF_COMMON_CONFIG_CONFIG_FILE_H_
#define BUDGETPERF_COMMON_CONFIG_CONFIG_FILE_H_

// Configuration files as protobuf messages, written as textproto or JSON:
// the one loader behind the scoring profiles (--profiles) and the
// consistency config (--consistency_config).
//
//   v1::ConsistencyConfig proto;
//   RETURN_IF_ERROR(LoadConfigFile("/etc/budgetperf/hunan.textproto", &proto));

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace budgetperf {

// How a config file is written.
enum class ConfigFormat {
  kAuto,       // guess from the content: '{' first means JSON, else textproto
  kTextProto,  // google.protobuf.TextFormat
  kJson,       // protobuf JSON
};

// The format a file's extension names, whatever its case: .json is JSON;
// .textproto, .txtpb, .pbtxt and .txt are textproto; anything else kAuto.
ConfigFormat ConfigFormatOfPath(absl::string_view path);

// Parses `content` written in `format` into *message (cleared first),
// strictly: unknown fields and enum names are errors. INVALID_ARGUMENT
// naming `source` and the message type, with line and column for textproto:
//
//   profiles.textproto: not a ScoringProfiles textproto: line 3:7: ...
absl::Status ParseConfig(absl::string_view content, ConfigFormat format,
                         absl::string_view source,
                         google::protobuf::Message* message);

// A config file's bytes and the format its extension names.
struct ConfigFile {
  std::string content;
  ConfigFormat format = ConfigFormat::kAuto;
};

// Reads `path`. NOT_FOUND naming the file if it cannot be read.
absl::StatusOr<ConfigFile> ReadConfigFile(const std::string& path);

// Reads `path` and parses it as ParseConfig does, in the format of its
// extension (else guessed from the content); errors name the file.
absl::Status LoadConfigFile(const std::string& path,
                            google::protobuf::Message* message);

}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_CONFIG_CONFIG_FILE_H_
