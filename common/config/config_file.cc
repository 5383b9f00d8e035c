#include "common/config/config_file.h"

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"

namespace budgetperf {
namespace {

// Collects TextFormat's complaints so that the error names line and column
// instead of the parser printing them to stderr.
class TextErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!errors_.empty()) errors_ += "; ";
    // The parser counts from 0; editors count from 1.
    absl::StrAppend(&errors_, "line ", line + 1, ":", column + 1, ": ",
                    message);
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber,
                  const std::string&) override {}
  const std::string& errors() const { return errors_; }

 private:
  std::string errors_;
};

}  // namespace

ConfigFormat ConfigFormatOfPath(absl::string_view path) {
  const std::string lower = absl::AsciiStrToLower(path);
  if (absl::EndsWith(lower, ".json")) return ConfigFormat::kJson;
  for (absl::string_view extension : {".textproto", ".txtpb", ".pbtxt", ".txt"}) {
    if (absl::EndsWith(lower, extension)) return ConfigFormat::kTextProto;
  }
  return ConfigFormat::kAuto;
}

absl::Status ParseConfig(absl::string_view content, ConfigFormat format,
                         absl::string_view source,
                         google::protobuf::Message* message) {
  if (format == ConfigFormat::kAuto) {
    format = absl::StartsWith(absl::StripLeadingAsciiWhitespace(content), "{")
                 ? ConfigFormat::kJson
                 : ConfigFormat::kTextProto;
  }
  message->Clear();
  const std::string& type = message->GetDescriptor()->name();
  if (format == ConfigFormat::kJson) {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    const auto status = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(content.data(), content.size()), message,
        options);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": not a ", type, " JSON message: ",
                       std::string(status.message())));
    }
    return absl::OkStatus();
  }
  google::protobuf::TextFormat::Parser parser;
  TextErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(content), message)) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": not a ", type, " textproto: ", errors.errors()));
  }
  return absl::OkStatus();
}

absl::StatusOr<ConfigFile> ReadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream content;
  content << in.rdbuf();
  ConfigFile file;
  file.content = content.str();
  file.format = ConfigFormatOfPath(path);
  return file;
}

absl::Status LoadConfigFile(const std::string& path,
                            google::protobuf::Message* message) {
  absl::StatusOr<ConfigFile> file = ReadConfigFile(path);
  if (!file.ok()) return file.status();
  return ParseConfig(file->content, file->format, path, message);
}

}  // namespace budgetperf
