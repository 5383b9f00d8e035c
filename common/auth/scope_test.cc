#include "common/auth/scope.h"

#include <map>
#include <string>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace auth {
namespace {

v1::Principal Bureau(const std::string& node, const std::string& division) {
  v1::Principal p;
  p.set_kind(v1::PRINCIPAL_BUREAU);
  p.set_node_code(node);
  p.set_division_code(division);
  return p;
}

TEST(ScopeTest, TreePlacesByPath) {
  TreeScopeResolver tree(
      [](absl::string_view code, int32_t year) -> absl::StatusOr<std::vector<std::string>> {
        if (code == "u1") return std::vector<std::string>{"u1", "d1", "430602", "430600"};
        if (code == "430602") return std::vector<std::string>{"430602", "430600"};
        if (code == "down") return absl::UnavailableError("down");
        // "u2" moved under 430603 from 2024.
        if (code == "u2") {
          return year >= 2024 || year == 0 ? std::vector<std::string>{"u2", "430603"}
                                           : std::vector<std::string>{"u2", "430602"};
        }
        return absl::NotFoundError("unknown");
      });
  const v1::Principal b = Bureau("430602", "430602");
  EXPECT_EQ(*tree.Locate(b, "u1", 2023), Placement::kBelow);
  EXPECT_EQ(*tree.Locate(b, "430602", 2023), Placement::kSelf);
  EXPECT_EQ(*tree.Locate(Bureau("d1", ""), "430602", 2023), Placement::kOutside);
  EXPECT_EQ(*tree.Locate(b, "nope", 2023), Placement::kUnknown);
  EXPECT_EQ(*tree.Locate(b, "u2", 2023), Placement::kBelow);
  EXPECT_EQ(*tree.Locate(b, "u2", 2024), Placement::kOutside);
  EXPECT_THAT(tree.Locate(b, "down", 2023).status(), StatusIs(absl::StatusCode::kUnavailable));
}

TEST(ScopeTest, DivisionPlacesUnitsByContainment) {
  DivisionScopeResolver divisions(
      [](absl::string_view uscc, int32_t) -> absl::StatusOr<std::optional<std::string>> {
        if (uscc == "u1") return std::optional<std::string>("430602");
        return std::optional<std::string>();
      });
  EXPECT_EQ(*divisions.Locate(Bureau("430602", "430602"), "u1", 2023), Placement::kBelow);
  EXPECT_EQ(*divisions.Locate(Bureau("430600", "430600"), "u1", 2023), Placement::kBelow);
  EXPECT_EQ(*divisions.Locate(Bureau("430603", "430603"), "u1", 2023), Placement::kOutside);
  EXPECT_EQ(*divisions.Locate(Bureau("x", ""), "u1", 2023), Placement::kOutside);
  EXPECT_EQ(*divisions.Locate(Bureau("430602", "430602"), "u9", 2023), Placement::kUnknown);
}

TEST(ScopeTest, AnyTakesTheFirstInsideAnswer) {
  auto fixed = [](absl::StatusOr<Placement> answer) {
    class Fixed final : public ScopeResolver {
     public:
      explicit Fixed(absl::StatusOr<Placement> a) : a_(std::move(a)) {}
      absl::StatusOr<Placement> Locate(const v1::Principal&, absl::string_view, int32_t) override {
        return a_;
      }

     private:
      absl::StatusOr<Placement> a_;
    };
    return std::make_shared<Fixed>(std::move(answer));
  };
  const v1::Principal b = Bureau("n", "430602");
  EXPECT_EQ(*AnyScopeResolver({fixed(absl::UnavailableError("x")), fixed(Placement::kBelow)})
                 .Locate(b, "c", 0),
            Placement::kBelow);
  EXPECT_EQ(
      *AnyScopeResolver({fixed(Placement::kOutside), fixed(Placement::kUnknown)}).Locate(b, "c", 0),
      Placement::kOutside);
  EXPECT_THAT(AnyScopeResolver({fixed(absl::UnavailableError("x")), fixed(Placement::kUnknown)})
                  .Locate(b, "c", 0)
                  .status(),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(*AnyScopeResolver({fixed(absl::UnavailableError("x")), fixed(Placement::kOutside)})
                 .Locate(b, "c", 0),
            Placement::kOutside);
}

}  // namespace
}  // namespace auth
}  // namespace budgetperf
