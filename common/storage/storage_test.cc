#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/storage/database.h"
#include "common/storage/key_codec.h"
#include "common/storage/record.h"
#include "common/storage/rocks_status.h"
#include "gmock/gmock.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace budgetperf {
namespace storage {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using TempDir = ::budgetperf::testutil::TempDir;

// ---- FromRocksStatus -------------------------------------------------------

TEST(FromRocksStatusTest, TranslatesEachKindAndSaysWhatWasBeingDone) {
  EXPECT_THAT(FromRocksStatus(rocksdb::Status::OK(), "reading"), IsOk());

  const absl::Status not_found = FromRocksStatus(rocksdb::Status::NotFound("gone"), "reading");
  EXPECT_THAT(not_found, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(not_found.message(), HasSubstr("reading: NotFound: gone"));

  EXPECT_THAT(FromRocksStatus(rocksdb::Status::Corruption("bad"), "x"),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(FromRocksStatus(rocksdb::Status::IOError("disk"), "x"),
              StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(FromRocksStatus(rocksdb::Status::Busy(), "x"), StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(FromRocksStatus(rocksdb::Status::TimedOut(), "x"),
              StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(FromRocksStatus(rocksdb::Status::InvalidArgument("?"), "x"),
              StatusIs(absl::StatusCode::kInternal));
}

// ---- key codec -------------------------------------------------------------

TEST(KeyCodecTest, BigEndianNumbersRoundTripAtTheirWidth) {
  std::string key;
  AppendBigEndian16(&key, 0x0102);
  AppendBigEndian32(&key, 0x03040506u);
  AppendBigEndian64(&key, 0x0708090a0b0c0d0eull);
  ASSERT_EQ(key, std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e", 14));
  const absl::string_view view(key);
  EXPECT_EQ(ReadBigEndian16(view), 0x0102);
  EXPECT_EQ(ReadBigEndian32(view.substr(2)), 0x03040506u);
  EXPECT_EQ(ReadBigEndian64(view.substr(6)), 0x0708090a0b0c0d0eull);

  std::string max;
  AppendBigEndian64(&max, UINT64_MAX);
  EXPECT_EQ(ReadBigEndian64(max), UINT64_MAX);
}

TEST(KeyCodecTest, ByteOrderIsNumericOrder) {
  auto be32 = [](uint32_t v) {
    std::string s;
    AppendBigEndian32(&s, v);
    return s;
  };
  EXPECT_LT(be32(1), be32(255));
  EXPECT_LT(be32(255), be32(256));
  EXPECT_LT(be32(65535), be32(1u << 24));

  auto ordered = [](int32_t v) {
    std::string s;
    AppendOrderedInt32(&s, v);
    return s;
  };
  EXPECT_LT(ordered(INT32_MIN), ordered(-1));
  EXPECT_LT(ordered(-1), ordered(0));
  EXPECT_LT(ordered(0), ordered(1));
  EXPECT_LT(ordered(1), ordered(INT32_MAX));
  for (int32_t v : {INT32_MIN, -9250, -1, 0, 1, 2023, INT32_MAX}) {
    EXPECT_EQ(ReadOrderedInt32(ordered(v)), v) << v;
  }
}

TEST(KeyCodecTest, FieldsEndWithTheSeparatorAndAreNotPrefixesOfLongerOnes) {
  std::string a;
  AppendField(&a, "4306");
  EXPECT_EQ(a, std::string("4306\0", 5));
  std::string longer;
  AppendField(&longer, "430602");
  EXPECT_NE(longer.compare(0, a.size(), a), 0);  // "4306\0" does not prefix it

  std::string key;
  AppendField(&key, "430602");
  AppendOrderedInt32(&key, 2023);
  absl::string_view in(key);
  absl::string_view field;
  ASSERT_TRUE(ConsumeField(&in, &field));
  EXPECT_EQ(field, "430602");
  EXPECT_EQ(ReadOrderedInt32(in), 2023);

  absl::string_view no_separator("abc");
  EXPECT_FALSE(ConsumeField(&no_separator, &field));
  EXPECT_EQ(no_separator, "abc");
}

TEST(KeyCodecTest, PrefixEndSortsAfterEveryKeyUnderThePrefix) {
  std::string prefix;
  AppendField(&prefix, "430602");
  std::string under = prefix;
  AppendOrderedInt32(&under, INT32_MAX);
  std::string next;
  AppendField(&next, "430603");
  EXPECT_LT(under, PrefixEnd(prefix));
  EXPECT_LT(PrefixEnd(prefix), next);
}

// ---- records ---------------------------------------------------------------

TEST(RecordTest, ParsesAStoredRecord) {
  google::protobuf::StringValue value;
  value.set_value("kept");
  absl::StatusOr<google::protobuf::StringValue> parsed =
      ParseRecord<google::protobuf::StringValue>(value.SerializeAsString(), "tokens", "id");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->value(), "kept");
}

TEST(RecordTest, AnUnreadableRecordIsDataLossNamingTheFamilyAndKey) {
  absl::StatusOr<google::protobuf::StringValue> parsed = ParseRecord<google::protobuf::StringValue>(
      "\xff\xff\xff", "outbox", std::string("\x00\x07", 2));
  EXPECT_THAT(parsed.status(), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(parsed.status().message(), HasSubstr("google.protobuf.StringValue"));
  EXPECT_THAT(parsed.status().message(), HasSubstr("column family outbox"));
  EXPECT_THAT(parsed.status().message(), HasSubstr(R"(key "\x00\x07")"));

  google::protobuf::StringValue into;
  EXPECT_THAT(ParseRecordInto("\xff", "latest", "k", &into), StatusIs(absl::StatusCode::kDataLoss));
}

// ---- Database --------------------------------------------------------------

enum class Cf { kDefault, kTokens, kGrants };
constexpr const char* kCfNames[] = {"default", "tokens", "grants"};

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TempDir> dir = TempDir::Create("storage");
    ASSERT_THAT(dir, IsOk());
    dir_ = std::make_unique<TempDir>(*std::move(dir));
  }

  absl::StatusOr<std::unique_ptr<Database>> Open(absl::Span<const char* const> names = kCfNames) {
    Database::Options options;
    options.path = dir_->Join("db");
    options.column_families = names;
    options.what = "the test store";
    return Database::Open(options);
  }

  std::vector<std::string> FamiliesOnDisk() {
    std::vector<std::string> names;
    EXPECT_THAT(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir_->Join("db"), &names),
                IsOk());
    return names;
  }

  std::unique_ptr<TempDir> dir_;
};

TEST_F(DatabaseTest, CreatesTheDatabaseAndEveryFamilyAndKeepsTheirData) {
  {
    absl::StatusOr<std::unique_ptr<Database>> db = Open();
    ASSERT_THAT(db, IsOk());
    ASSERT_THAT((*db)->db()->Put(rocksdb::WriteOptions(), (*db)->handle(Cf::kGrants), "k", "v"),
                IsOk());
  }
  EXPECT_THAT(FamiliesOnDisk(), UnorderedElementsAre("default", "tokens", "grants"));
  absl::StatusOr<std::unique_ptr<Database>> db = Open();
  ASSERT_THAT(db, IsOk());
  std::string value;
  ASSERT_THAT((*db)->db()->Get(rocksdb::ReadOptions(), (*db)->handle(Cf::kGrants), "k", &value),
              IsOk());
  EXPECT_EQ(value, "v");
  EXPECT_TRUE((*db)
                  ->db()
                  ->Get(rocksdb::ReadOptions(), (*db)->handle(Cf::kTokens), "k", &value)
                  .IsNotFound());
}

TEST_F(DatabaseTest, TheDefaultFamilyNeedNotBeNamed) {
  constexpr const char* kWithoutDefault[] = {"tokens"};
  absl::StatusOr<std::unique_ptr<Database>> db = Open(kWithoutDefault);
  ASSERT_THAT(db, IsOk());
  ASSERT_THAT((*db)->db()->Put(rocksdb::WriteOptions(), (*db)->handle(0), "k", "v"), IsOk());
  db->reset();
  EXPECT_THAT(FamiliesOnDisk(), UnorderedElementsAre("default", "tokens"));
}

TEST_F(DatabaseTest, ToleratesFamiliesWrittenByANewerVersionAndLeavesThemAlone) {
  {
    // A newer version knows one more family and wrote to it.
    constexpr const char* kNewer[] = {"default", "tokens", "grants", "sessions"};
    absl::StatusOr<std::unique_ptr<Database>> newer = Open(kNewer);
    ASSERT_THAT(newer, IsOk());
    ASSERT_THAT((*newer)->db()->Put(rocksdb::WriteOptions(), (*newer)->handle(3), "s", "newer"),
                IsOk());
    ASSERT_THAT((*newer)->db()->Put(rocksdb::WriteOptions(), (*newer)->handle(1), "t", "token"),
                IsOk());
  }
  {
    // This version opens it, knowing only its own.
    absl::StatusOr<std::unique_ptr<Database>> db = Open();
    ASSERT_THAT(db, IsOk());
    std::string value;
    ASSERT_THAT((*db)->db()->Get(rocksdb::ReadOptions(), (*db)->handle(Cf::kTokens), "t", &value),
                IsOk());
    EXPECT_EQ(value, "token");
  }
  EXPECT_THAT(FamiliesOnDisk(), UnorderedElementsAre("default", "tokens", "grants", "sessions"));
  constexpr const char* kNewer[] = {"default", "tokens", "grants", "sessions"};
  absl::StatusOr<std::unique_ptr<Database>> newer = Open(kNewer);
  ASSERT_THAT(newer, IsOk());
  std::string value;
  ASSERT_THAT((*newer)->db()->Get(rocksdb::ReadOptions(), (*newer)->handle(3), "s", &value),
              IsOk());
  EXPECT_EQ(value, "newer");
}

TEST_F(DatabaseTest, GetRecordParsesWhatIsThereAndIsEmptyOtherwise) {
  absl::StatusOr<std::unique_ptr<Database>> db = Open();
  ASSERT_THAT(db, IsOk());
  google::protobuf::StringValue value;
  value.set_value("kept");
  ASSERT_THAT((*db)->db()->Put(rocksdb::WriteOptions(), (*db)->handle(Cf::kTokens), "id",
                               value.SerializeAsString()),
              IsOk());
  ASSERT_THAT((*db)->db()->Put(rocksdb::WriteOptions(), (*db)->handle(Cf::kTokens), "bad", "\xff"),
              IsOk());
  EXPECT_EQ((*db)->name(Cf::kTokens), "tokens");

  absl::StatusOr<std::optional<google::protobuf::StringValue>> found =
      (*db)->GetRecord<google::protobuf::StringValue>(Cf::kTokens, "id", "reading");
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->value(), "kept");

  absl::StatusOr<std::optional<google::protobuf::StringValue>> missing =
      (*db)->GetRecord<google::protobuf::StringValue>(Cf::kGrants, "id", "reading");
  ASSERT_THAT(missing, IsOk());
  EXPECT_FALSE(missing->has_value());

  absl::StatusOr<std::optional<google::protobuf::StringValue>> bad =
      (*db)->GetRecord<google::protobuf::StringValue>(Cf::kTokens, "bad", "reading");
  EXPECT_THAT(bad.status(), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(bad.status().message(), HasSubstr("column family tokens at key \"bad\""));
}

TEST_F(DatabaseTest, ADatabaseInUseIsInternalNamingTheFolder) {
  absl::StatusOr<std::unique_ptr<Database>> first = Open();
  ASSERT_THAT(first, IsOk());
  absl::StatusOr<std::unique_ptr<Database>> second = Open();
  EXPECT_THAT(second.status(), StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(second.status().message(),
              HasSubstr("cannot open the test store in " + dir_->Join("db")));
}

TEST_F(DatabaseTest, CheckpointWritesAnOpenableCopyAsOfTheCall) {
  absl::StatusOr<std::unique_ptr<Database>> db = Open();
  ASSERT_THAT(db, IsOk());
  rocksdb::DB* raw = (*db)->db();
  ASSERT_THAT(raw->Put(rocksdb::WriteOptions(), (*db)->handle(Cf::kTokens), "k", "v1"), IsOk());
  ASSERT_THAT(raw->Put(rocksdb::WriteOptions(), (*db)->handle(Cf::kGrants), "g", "x"), IsOk());

  absl::StatusOr<uint64_t> sequence = (*db)->Checkpoint(dir_->Join("copy"));
  ASSERT_THAT(sequence, IsOk());
  EXPECT_EQ(*sequence, raw->GetLatestSequenceNumber());
  EXPECT_EQ(*sequence, 2u);
  ASSERT_THAT(raw->Put(rocksdb::WriteOptions(), (*db)->handle(Cf::kTokens), "k", "v2"), IsOk());

  Database::Options copy_options;
  copy_options.path = dir_->Join("copy");
  copy_options.column_families = kCfNames;
  absl::StatusOr<std::unique_ptr<Database>> copy = Database::Open(copy_options);
  ASSERT_THAT(copy, IsOk());
  std::string value;
  ASSERT_THAT((*copy)->db()->Get(rocksdb::ReadOptions(), (*copy)->handle(Cf::kTokens), "k", &value),
              IsOk());
  EXPECT_EQ(value, "v1");
  ASSERT_THAT((*copy)->db()->Get(rocksdb::ReadOptions(), (*copy)->handle(Cf::kGrants), "g", &value),
              IsOk());
  EXPECT_EQ(value, "x");

  // RocksDB refuses a folder that exists.
  EXPECT_THAT((*db)->Checkpoint(dir_->Join("copy")).status(),
              StatusIs(absl::StatusCode::kInternal));
}

}  // namespace
}  // namespace storage
}  // namespace budgetperf
