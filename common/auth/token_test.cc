#include "common/auth/token.h"

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace auth {
namespace {

TEST(TokenTest, NewTokensHaveTheDocumentedShapeAndParseBack) {
  absl::StatusOr<TokenParts> parts = NewTokenParts();
  ASSERT_THAT(parts, IsOk());
  EXPECT_EQ(parts->token_id.size(), 16u);
  EXPECT_EQ(parts->secret.size(), 43u);
  const std::string token = FormatToken(*parts);
  EXPECT_TRUE(absl::StartsWith(token, "bp1."));
  absl::StatusOr<TokenParts> parsed = ParseToken(token);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->token_id, parts->token_id);
  EXPECT_EQ(parsed->secret, parts->secret);
  std::string secret_bytes;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts->secret, &secret_bytes));
  EXPECT_EQ(secret_bytes.size(), kSecretBytes);
}

TEST(TokenTest, TokensAreNotRepeated) {
  absl::StatusOr<TokenParts> a = NewTokenParts();
  absl::StatusOr<TokenParts> b = NewTokenParts();
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_NE(a->token_id, b->token_id);
  EXPECT_NE(a->secret, b->secret);
}

TEST(TokenTest, MalformedTokensAreUnauthenticatedWithoutEchoingThem) {
  const std::string good_secret(43, 'A');
  for (const std::string& bad : {
           std::string(""),
           std::string("bp1"),
           "bp2.0123456789abcdef." + good_secret,
           "bp1.0123456789ABCDEF." + good_secret,  // upper-case id
           "bp1.0123456789abcde." + good_secret,   // short id
           "bp1.0123456789abcdef." + good_secret.substr(1),
           "bp1.0123456789abcdef." + good_secret + ".x",
           "bp1.0123456789abcdef." + std::string(42, 'A') + "=",
           "bp1.0123456789abcdef." + std::string(42, 'A') + "+",
       }) {
    absl::StatusOr<TokenParts> parsed = ParseToken(bad);
    EXPECT_THAT(parsed.status(), StatusIs(absl::StatusCode::kUnauthenticated)) << bad;
    if (bad.size() > 10) {
      EXPECT_FALSE(absl::StrContains(parsed.status().message(), bad));
    }
  }
  EXPECT_THAT(ParseToken("bp1.0123456789abcdef." + good_secret), IsOk());
  EXPECT_THAT(ParseToken("bp1.0123456789abcdef." + std::string(41, 'a') + "-_"), IsOk());
}

TEST(TokenTest, BearerMetadata) {
  absl::StatusOr<absl::string_view> token = TokenFromAuthorization("Bearer bp1.x");
  ASSERT_THAT(token, IsOk());
  EXPECT_EQ(*token, "bp1.x");
  token = TokenFromAuthorization("bearer  bp1.y ");
  ASSERT_THAT(token, IsOk());
  EXPECT_EQ(*token, "bp1.y");
  EXPECT_THAT(TokenFromAuthorization("Basic dXNlcg==").status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(TokenFromAuthorization("Bearer ").status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(TokenFromAuthorization("bp1.x").status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST(TokenTest, Sha256MatchesTheStandardVector) {
  EXPECT_EQ(absl::BytesToHexString(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256("").size(), 32u);
}

TEST(TokenTest, ConstantTimeEqualsComparesWholeContents) {
  const std::string a = Sha256("secret one");
  std::string b = a;
  EXPECT_TRUE(ConstantTimeEquals(a, b));
  b.back() ^= 1;  // differs in the last byte only
  EXPECT_FALSE(ConstantTimeEquals(a, b));
  b = a;
  b.front() ^= 0x80;  // differs in the first byte only
  EXPECT_FALSE(ConstantTimeEquals(a, b));
  EXPECT_FALSE(ConstantTimeEquals(a, a.substr(0, 31)));
  EXPECT_FALSE(ConstantTimeEquals(a, ""));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

}  // namespace
}  // namespace auth
}  // namespace budgetperf
