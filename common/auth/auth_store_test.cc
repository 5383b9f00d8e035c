#include "common/auth/auth_store.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "common/auth/token.h"
#include "common/auth/token_manager.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace budgetperf {
namespace auth {
namespace {

using ::budgetperf::testutil::TempDir;
using ::testing::Not;

v1::TokenRecord Record(const std::string& id) {
  v1::TokenRecord record;
  record.set_token_id(id);
  record.mutable_principal()->set_kind(v1::PRINCIPAL_SERVICE);
  record.mutable_principal()->set_name("svc-" + id);
  record.set_secret_sha256(Sha256(id));
  record.set_expires_unix_ms(1000);
  return record;
}

// Every byte of every file under `dir`.
std::string AllBytesUnder(const std::string& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

TEST(AuthStoreTest, PutGetScanAndReopen) {
  absl::StatusOr<TempDir> dir = TempDir::Create("auth-store");
  ASSERT_THAT(dir, IsOk());
  {
    absl::StatusOr<std::unique_ptr<AuthStore>> store = AuthStore::Open(dir->Join("auth"));
    ASSERT_THAT(store, IsOk());
    ASSERT_THAT((*store)->Put(Record("bbbbbbbbbbbbbbbb")), IsOk());
    ASSERT_THAT((*store)->Put(Record("aaaaaaaaaaaaaaaa")), IsOk());
    absl::StatusOr<std::optional<v1::TokenRecord>> missing = (*store)->Get("cccccccccccccccc");
    ASSERT_THAT(missing, IsOk());
    EXPECT_FALSE(missing->has_value());
  }
  absl::StatusOr<std::unique_ptr<AuthStore>> store = AuthStore::Open(dir->Join("auth"));
  ASSERT_THAT(store, IsOk());
  absl::StatusOr<std::optional<v1::TokenRecord>> got = (*store)->Get("bbbbbbbbbbbbbbbb");
  ASSERT_THAT(got, IsOk());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->principal().name(), "svc-bbbbbbbbbbbbbbbb");
  std::vector<std::string> ids;
  const absl::Status scanned = (*store)->Scan([&](const v1::TokenRecord& r) {
    ids.push_back(r.token_id());
    return true;
  });
  ASSERT_THAT(scanned, IsOk());
  EXPECT_EQ(ids, (std::vector<std::string>{"aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"}));
  EXPECT_THAT((*store)->Put(v1::TokenRecord()), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(AuthStoreTest, SecondOpenOfTheSameFolderFails) {
  absl::StatusOr<TempDir> dir = TempDir::Create("auth-store");
  ASSERT_THAT(dir, IsOk());
  absl::StatusOr<std::unique_ptr<AuthStore>> first = AuthStore::Open(dir->Join("auth"));
  ASSERT_THAT(first, IsOk());
  absl::StatusOr<std::unique_ptr<AuthStore>> second = AuthStore::Open(dir->Join("auth"));
  EXPECT_THAT(second, Not(IsOk()));
}

// The issue's requirement: tokens are stored only as hashes. Whatever is on
// disk (WAL, SST, manifest), no secret appears in it, in any encoding.
TEST(AuthStoreTest, SecretsNeverReachTheDisk) {
  absl::StatusOr<TempDir> dir = TempDir::Create("auth-store");
  ASSERT_THAT(dir, IsOk());
  std::vector<std::string> tokens;
  std::vector<std::string> ids;
  {
    absl::StatusOr<std::unique_ptr<AuthStore>> store = AuthStore::Open(dir->Join("auth"));
    ASSERT_THAT(store, IsOk());
    TokenManager manager(store->get(), {});
    for (int i = 0; i < 5; ++i) {
      v1::Principal admin;
      admin.set_kind(v1::PRINCIPAL_ADMIN);
      admin.set_name("ops");
      absl::StatusOr<TokenManager::Issued> issued = manager.Issue(admin, 0, "test", "test");
      ASSERT_THAT(issued, IsOk());
      tokens.push_back(issued->token);
      ids.push_back(issued->record.token_id());
    }
    ASSERT_THAT(manager.Revoke(ids[0]), IsOk());
  }
  const std::string bytes = AllBytesUnder(dir->path());
  ASSERT_FALSE(bytes.empty());
  for (size_t i = 0; i < tokens.size(); ++i) {
    absl::StatusOr<TokenParts> parts = ParseToken(tokens[i]);
    ASSERT_THAT(parts, IsOk());
    std::string raw_secret;
    ASSERT_TRUE(absl::WebSafeBase64Unescape(parts->secret, &raw_secret));
    EXPECT_EQ(bytes.find(parts->secret), std::string::npos) << "secret text on disk";
    EXPECT_EQ(bytes.find(raw_secret), std::string::npos) << "secret bytes on disk";
    EXPECT_EQ(bytes.find(absl::BytesToHexString(raw_secret)), std::string::npos);
    // The files were read: the id, which is no secret, is there.
    EXPECT_NE(bytes.find(ids[i]), std::string::npos);
  }
}

}  // namespace
}  // namespace auth
}  // namespace budgetperf
