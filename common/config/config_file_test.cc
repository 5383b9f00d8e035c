#include "common/config/config_file.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/duration.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace budgetperf {
namespace {

using ::testing::HasSubstr;

TEST(ConfigFormatOfPathTest, FollowsTheExtension) {
  EXPECT_EQ(ConfigFormatOfPath("a/profiles.json"), ConfigFormat::kJson);
  EXPECT_EQ(ConfigFormatOfPath("a/PROFILES.JSON"), ConfigFormat::kJson);
  EXPECT_EQ(ConfigFormatOfPath("hunan.textproto"), ConfigFormat::kTextProto);
  EXPECT_EQ(ConfigFormatOfPath("hunan.txtpb"), ConfigFormat::kTextProto);
  EXPECT_EQ(ConfigFormatOfPath("hunan.pbtxt"), ConfigFormat::kTextProto);
  EXPECT_EQ(ConfigFormatOfPath("hunan.txt"), ConfigFormat::kTextProto);
  EXPECT_EQ(ConfigFormatOfPath("hunan.conf"), ConfigFormat::kAuto);
  EXPECT_EQ(ConfigFormatOfPath("json"), ConfigFormat::kAuto);
}

TEST(ParseConfigTest, ReadsTextprotoAndJson) {
  google::protobuf::Duration d;
  ASSERT_THAT(ParseConfig("seconds: 5 nanos: 7", ConfigFormat::kTextProto, "d", &d), IsOk());
  EXPECT_EQ(d.seconds(), 5);
  EXPECT_EQ(d.nanos(), 7);
  google::protobuf::Struct s;
  ASSERT_THAT(ParseConfig(R"({"a": 1})", ConfigFormat::kJson, "s", &s), IsOk());
  EXPECT_EQ(s.fields().at("a").number_value(), 1);
}

TEST(ParseConfigTest, GuessesTheFormatFromTheContent) {
  google::protobuf::Struct s;
  ASSERT_THAT(ParseConfig("  \n{\"a\": \"b\"}", ConfigFormat::kAuto, "s", &s), IsOk());
  EXPECT_EQ(s.fields().at("a").string_value(), "b");
  google::protobuf::Duration d;
  ASSERT_THAT(ParseConfig("seconds: 3", ConfigFormat::kAuto, "d", &d), IsOk());
  EXPECT_EQ(d.seconds(), 3);
}

TEST(ParseConfigTest, ClearsTheMessageFirst) {
  google::protobuf::Duration d;
  d.set_nanos(9);
  ASSERT_THAT(ParseConfig("seconds: 1", ConfigFormat::kTextProto, "d", &d), IsOk());
  EXPECT_EQ(d.nanos(), 0);
}

TEST(ParseConfigTest, ErrorsNameTheSourceTypeAndPlace) {
  google::protobuf::Duration d;
  EXPECT_THAT(ParseConfig("seconds: 1\n  colour: 3", ConfigFormat::kTextProto, "x.textproto", &d),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("x.textproto: not a Duration textproto: line 2:")));
  EXPECT_THAT(ParseConfig(R"({"colour": 3})", ConfigFormat::kJson, "x.json", &d),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("x.json: not a Duration JSON message: ")));
}

TEST(LoadConfigFileTest, ReadsByExtension) {
  absl::StatusOr<testutil::TempDir> dir = testutil::TempDir::Create("config");
  ASSERT_THAT(dir, IsOk());
  // Content that would be guessed as textproto, named .json: the extension wins.
  absl::StatusOr<std::string> json = dir->WriteFile("d.json", "  \"5s\"");
  ASSERT_THAT(json, IsOk());
  google::protobuf::Duration d;
  ASSERT_THAT(LoadConfigFile(*json, &d), IsOk());
  EXPECT_EQ(d.seconds(), 5);

  absl::StatusOr<std::string> text = dir->WriteFile("d.txtpb", "seconds: 8");
  ASSERT_THAT(text, IsOk());
  ASSERT_THAT(LoadConfigFile(*text, &d), IsOk());
  EXPECT_EQ(d.seconds(), 8);

  absl::StatusOr<ConfigFile> file = ReadConfigFile(*text);
  ASSERT_THAT(file, IsOk());
  EXPECT_EQ(file->content, "seconds: 8");
  EXPECT_EQ(file->format, ConfigFormat::kTextProto);
}

TEST(LoadConfigFileTest, AMissingFileIsNotFoundNamingIt) {
  google::protobuf::Duration d;
  EXPECT_THAT(LoadConfigFile("/nonexistent/budgetperf.json", &d),
              StatusIs(absl::StatusCode::kNotFound,
                       "cannot read /nonexistent/budgetperf.json"));
}

}  // namespace
}  // namespace budgetperf
