#include "common/auth/token_manager.h"

#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "common/auth/token.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace budgetperf {
namespace auth {
namespace {

using ::budgetperf::testutil::TempDir;

constexpr char kUscc[] = "12430602MB1C04587D";

v1::Principal Unit() {
  v1::Principal p;
  p.set_kind(v1::PRINCIPAL_UNIT);
  p.set_uscc(kUscc);
  p.set_name("岳阳楼区某单位");
  return p;
}

class TokenManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TempDir> dir = TempDir::Create("token-manager");
    ASSERT_THAT(dir, IsOk());
    dir_ = std::make_unique<TempDir>(*std::move(dir));
    absl::StatusOr<std::unique_ptr<AuthStore>> store = AuthStore::Open(dir_->Join("auth"));
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
    TokenManager::Options options;
    options.clock = [this] { return now_.load(); };
    manager_ = std::make_unique<TokenManager>(store_.get(), options);
  }

  std::atomic<int64_t> now_{1'700'000'000'000};
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<AuthStore> store_;
  std::unique_ptr<TokenManager> manager_;
};

TEST_F(TokenManagerTest, IssuedTokenVerifiesAsItsPrincipal) {
  absl::StatusOr<TokenManager::Issued> issued = manager_->Issue(Unit(), 0, "filing", "admin ops");
  ASSERT_THAT(issued, IsOk());
  EXPECT_TRUE(issued->record.secret_sha256().empty()) << "the hash never leaves the manager";
  EXPECT_EQ(issued->record.expires_unix_ms(), now_ + kDefaultTokenTtlSeconds * 1000);
  EXPECT_EQ(issued->record.issued_by(), "admin ops");
  absl::StatusOr<VerifiedToken> verified = manager_->Verify(issued->token);
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->principal.uscc(), kUscc);
  EXPECT_EQ(verified->token_id, issued->record.token_id());

  absl::StatusOr<std::vector<v1::TokenRecord>> listed = manager_->List(false);
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE((*listed)[0].secret_sha256().empty());
}

TEST_F(TokenManagerTest, WrongSecretAndUnknownIdGetTheSameAnswer) {
  absl::StatusOr<TokenManager::Issued> issued = manager_->Issue(Unit(), 0, "", "");
  ASSERT_THAT(issued, IsOk());
  absl::StatusOr<TokenParts> parts = ParseToken(issued->token);
  ASSERT_THAT(parts, IsOk());
  TokenParts forged = *parts;
  forged.secret[0] = forged.secret[0] == 'A' ? 'B' : 'A';
  absl::StatusOr<VerifiedToken> wrong_secret = manager_->Verify(FormatToken(forged));
  TokenParts unknown = *parts;
  unknown.token_id =
      unknown.token_id == "0000000000000000" ? "1111111111111111" : "0000000000000000";
  absl::StatusOr<VerifiedToken> unknown_id = manager_->Verify(FormatToken(unknown));
  EXPECT_THAT(wrong_secret.status(), StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(unknown_id.status(), StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(wrong_secret.status().message(), unknown_id.status().message());
  EXPECT_THAT(manager_->Verify("not a token").status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(TokenManagerTest, ExpiredTokensStopWorking) {
  absl::StatusOr<TokenManager::Issued> issued = manager_->Issue(Unit(), 60, "", "");
  ASSERT_THAT(issued, IsOk());
  now_ += 59'999;
  EXPECT_THAT(manager_->Verify(issued->token), IsOk());
  now_ += 1;
  absl::StatusOr<VerifiedToken> verified = manager_->Verify(issued->token);
  EXPECT_THAT(verified.status(), StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_TRUE(absl::StrContains(verified.status().message(), "expired"));
  absl::StatusOr<std::vector<v1::TokenRecord>> active = manager_->List(false);
  absl::StatusOr<std::vector<v1::TokenRecord>> all = manager_->List(true);
  ASSERT_THAT(active, IsOk());
  ASSERT_THAT(all, IsOk());
  EXPECT_TRUE(active->empty());
  EXPECT_EQ(all->size(), 1u);
}

TEST_F(TokenManagerTest, RevokedTokensStopWorking) {
  absl::StatusOr<TokenManager::Issued> issued = manager_->Issue(Unit(), 0, "", "");
  ASSERT_THAT(issued, IsOk());
  absl::StatusOr<v1::TokenRecord> revoked = manager_->Revoke(issued->record.token_id());
  ASSERT_THAT(revoked, IsOk());
  EXPECT_EQ(revoked->revoked_unix_ms(), now_);
  EXPECT_TRUE(revoked->secret_sha256().empty());
  absl::StatusOr<VerifiedToken> verified = manager_->Verify(issued->token);
  EXPECT_THAT(verified.status(), StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_TRUE(absl::StrContains(verified.status().message(), "revoked"));

  // Revoking again is no error and keeps the first time.
  now_ += 1000;
  absl::StatusOr<v1::TokenRecord> again = manager_->Revoke(issued->record.token_id());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->revoked_unix_ms(), revoked->revoked_unix_ms());
  EXPECT_THAT(manager_->Revoke("0123456789abcdef").status(), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(TokenManagerTest, IssueChecksItsInput) {
  v1::Principal bad_unit = Unit();
  bad_unit.set_uscc("12430602MB1C04587X");
  EXPECT_THAT(manager_->Issue(bad_unit, 0, "", "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  v1::Principal bureau;
  bureau.set_kind(v1::PRINCIPAL_BUREAU);
  EXPECT_THAT(manager_->Issue(bureau, 0, "", "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  bureau.set_node_code("430602");
  bureau.set_division_code("430602");
  EXPECT_THAT(manager_->Issue(bureau, 0, "", ""), IsOk());
  v1::Principal service;
  service.set_kind(v1::PRINCIPAL_SERVICE);
  EXPECT_THAT(manager_->Issue(service, 0, "", "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  service.set_name("budget-aggregation");
  EXPECT_THAT(manager_->Issue(service, 0, "", ""), IsOk());
  EXPECT_THAT(manager_->Issue(Unit(), -1, "", "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(manager_->Issue(Unit(), kMaxTokenTtlSeconds + 1, "", "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(manager_->Issue(Unit(), 0, std::string(501, 'x'), "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(manager_->Issue(v1::Principal(), 0, "", "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(TokenManagerTest, BootstrapWritesOneAdminTokenToAPrivateFile) {
  const std::string path = dir_->Join("admin.token");
  absl::StatusOr<std::optional<std::string>> first = manager_->BootstrapAdmin(path);
  ASSERT_THAT(first, IsOk());
  ASSERT_TRUE(first->has_value());
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  std::ifstream in(path);
  std::string token;
  std::getline(in, token);
  absl::StatusOr<VerifiedToken> verified = manager_->Verify(token);
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->principal.kind(), v1::PRINCIPAL_ADMIN);

  // An active admin token exists: nothing is issued, the file is kept.
  absl::StatusOr<std::optional<std::string>> second = manager_->BootstrapAdmin(path);
  ASSERT_THAT(second, IsOk());
  EXPECT_FALSE(second->has_value());
  std::ifstream again(path);
  std::string same;
  std::getline(again, same);
  EXPECT_EQ(same, token);

  // Once it is revoked, a restart bootstraps a new one.
  ASSERT_THAT(manager_->Revoke(verified->token_id), IsOk());
  absl::StatusOr<std::optional<std::string>> third = manager_->BootstrapAdmin(path);
  ASSERT_THAT(third, IsOk());
  EXPECT_TRUE(third->has_value());
}

TEST_F(TokenManagerTest, BootstrapIntoAnUnwritablePlaceLeavesNoUsableToken) {
  absl::StatusOr<std::optional<std::string>> result =
      manager_->BootstrapAdmin(dir_->Join("no/such/folder/admin.token"));
  EXPECT_THAT(result.status(), StatusIs(absl::StatusCode::kInternal));
  absl::StatusOr<bool> has_admin = manager_->HasActiveAdmin();
  ASSERT_THAT(has_admin, IsOk());
  EXPECT_FALSE(*has_admin);
}

}  // namespace
}  // namespace auth
}  // namespace budgetperf
