#include "common/auth/token_manager.h"

#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "common/auth/token.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace budgetperf {
namespace auth {
namespace {

using ::budgetperf::testing::TempDir;

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
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = std::make_unique<TempDir>(*std::move(dir));
    absl::StatusOr<std::unique_ptr<AuthStore>> store = AuthStore::Open(dir_->Join("auth"));
    ASSERT_TRUE(store.ok()) << store.status();
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
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_TRUE(issued->record.secret_sha256().empty()) << "the hash never leaves the manager";
  EXPECT_EQ(issued->record.expires_unix_ms(), now_ + kDefaultTokenTtlSeconds * 1000);
  EXPECT_EQ(issued->record.issued_by(), "admin ops");
  absl::StatusOr<VerifiedToken> verified = manager_->Verify(issued->token);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->principal.uscc(), kUscc);
  EXPECT_EQ(verified->token_id, issued->record.token_id());

  absl::StatusOr<std::vector<v1::TokenRecord>> listed = manager_->List(false);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE((*listed)[0].secret_sha256().empty());
}

TEST_F(TokenManagerTest, WrongSecretAndUnknownIdGetTheSameAnswer) {
  absl::StatusOr<TokenManager::Issued> issued = manager_->Issue(Unit(), 0, "", "");
  ASSERT_TRUE(issued.ok());
  absl::StatusOr<TokenParts> parts = ParseToken(issued->token);
  ASSERT_TRUE(parts.ok());
  TokenParts forged = *parts;
  forged.secret[0] = forged.secret[0] == 'A' ? 'B' : 'A';
  absl::StatusOr<VerifiedToken> wrong_secret = manager_->Verify(FormatToken(forged));
  TokenParts unknown = *parts;
  unknown.token_id =
      unknown.token_id == "0000000000000000" ? "1111111111111111" : "0000000000000000";
  absl::StatusOr<VerifiedToken> unknown_id = manager_->Verify(FormatToken(unknown));
  EXPECT_TRUE(absl::IsUnauthenticated(wrong_secret.status()));
  EXPECT_TRUE(absl::IsUnauthenticated(unknown_id.status()));
  EXPECT_EQ(wrong_secret.status().message(), unknown_id.status().message());
  EXPECT_TRUE(absl::IsUnauthenticated(manager_->Verify("not a token").status()));
}

TEST_F(TokenManagerTest, ExpiredTokensStopWorking) {
  absl::StatusOr<TokenManager::Issued> issued = manager_->Issue(Unit(), 60, "", "");
  ASSERT_TRUE(issued.ok());
  now_ += 59'999;
  EXPECT_TRUE(manager_->Verify(issued->token).ok());
  now_ += 1;
  absl::StatusOr<VerifiedToken> verified = manager_->Verify(issued->token);
  EXPECT_TRUE(absl::IsUnauthenticated(verified.status()));
  EXPECT_TRUE(absl::StrContains(verified.status().message(), "expired"));
  absl::StatusOr<std::vector<v1::TokenRecord>> active = manager_->List(false);
  absl::StatusOr<std::vector<v1::TokenRecord>> all = manager_->List(true);
  ASSERT_TRUE(active.ok() && all.ok());
  EXPECT_TRUE(active->empty());
  EXPECT_EQ(all->size(), 1u);
}

TEST_F(TokenManagerTest, RevokedTokensStopWorking) {
  absl::StatusOr<TokenManager::Issued> issued = manager_->Issue(Unit(), 0, "", "");
  ASSERT_TRUE(issued.ok());
  absl::StatusOr<v1::TokenRecord> revoked = manager_->Revoke(issued->record.token_id());
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(revoked->revoked_unix_ms(), now_);
  EXPECT_TRUE(revoked->secret_sha256().empty());
  absl::StatusOr<VerifiedToken> verified = manager_->Verify(issued->token);
  EXPECT_TRUE(absl::IsUnauthenticated(verified.status()));
  EXPECT_TRUE(absl::StrContains(verified.status().message(), "revoked"));

  // Revoking again is no error and keeps the first time.
  now_ += 1000;
  absl::StatusOr<v1::TokenRecord> again = manager_->Revoke(issued->record.token_id());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->revoked_unix_ms(), revoked->revoked_unix_ms());
  EXPECT_TRUE(absl::IsNotFound(manager_->Revoke("0123456789abcdef").status()));
}

TEST_F(TokenManagerTest, IssueChecksItsInput) {
  v1::Principal bad_unit = Unit();
  bad_unit.set_uscc("12430602MB1C04587X");
  EXPECT_TRUE(absl::IsInvalidArgument(manager_->Issue(bad_unit, 0, "", "").status()));
  v1::Principal bureau;
  bureau.set_kind(v1::PRINCIPAL_BUREAU);
  EXPECT_TRUE(absl::IsInvalidArgument(manager_->Issue(bureau, 0, "", "").status()));
  bureau.set_node_code("430602");
  bureau.set_division_code("430602");
  EXPECT_TRUE(manager_->Issue(bureau, 0, "", "").ok());
  v1::Principal service;
  service.set_kind(v1::PRINCIPAL_SERVICE);
  EXPECT_TRUE(absl::IsInvalidArgument(manager_->Issue(service, 0, "", "").status()));
  service.set_name("budget-aggregation");
  EXPECT_TRUE(manager_->Issue(service, 0, "", "").ok());
  EXPECT_TRUE(absl::IsInvalidArgument(manager_->Issue(Unit(), -1, "", "").status()));
  EXPECT_TRUE(
      absl::IsInvalidArgument(manager_->Issue(Unit(), kMaxTokenTtlSeconds + 1, "", "").status()));
  EXPECT_TRUE(
      absl::IsInvalidArgument(manager_->Issue(Unit(), 0, std::string(501, 'x'), "").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(manager_->Issue(v1::Principal(), 0, "", "").status()));
}

TEST_F(TokenManagerTest, BootstrapWritesOneAdminTokenToAPrivateFile) {
  const std::string path = dir_->Join("admin.token");
  absl::StatusOr<std::optional<std::string>> first = manager_->BootstrapAdmin(path);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(first->has_value());
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  std::ifstream in(path);
  std::string token;
  std::getline(in, token);
  absl::StatusOr<VerifiedToken> verified = manager_->Verify(token);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->principal.kind(), v1::PRINCIPAL_ADMIN);

  // An active admin token exists: nothing is issued, the file is kept.
  absl::StatusOr<std::optional<std::string>> second = manager_->BootstrapAdmin(path);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->has_value());
  std::ifstream again(path);
  std::string same;
  std::getline(again, same);
  EXPECT_EQ(same, token);

  // Once it is revoked, a restart bootstraps a new one.
  ASSERT_TRUE(manager_->Revoke(verified->token_id).ok());
  absl::StatusOr<std::optional<std::string>> third = manager_->BootstrapAdmin(path);
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(third->has_value());
}

TEST_F(TokenManagerTest, BootstrapIntoAnUnwritablePlaceLeavesNoUsableToken) {
  absl::StatusOr<std::optional<std::string>> result =
      manager_->BootstrapAdmin(dir_->Join("no/such/folder/admin.token"));
  EXPECT_TRUE(absl::IsInternal(result.status()));
  absl::StatusOr<bool> has_admin = manager_->HasActiveAdmin();
  ASSERT_TRUE(has_admin.ok());
  EXPECT_FALSE(*has_admin);
}

}  // namespace
}  // namespace auth
}  // namespace budgetperf
