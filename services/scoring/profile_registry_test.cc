#include "services/scoring/profile_registry.h"

#include <functional>
#include <ostream>
#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "google/protobuf/text_format.h"
#include "services/scoring/scorer.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace budgetperf {
namespace {

using ::testing::HasSubstr;

constexpr char kTextProto[] = R"pb(
  # A stricter profile for a city that grades cost overruns linearly.
  profiles {
    name: "city-linear"
    description: "linear lower-is-better"
    execution_rate_weight_centipoints: 1000
    output_weight_centipoints: 5000
    benefit_weight_centipoints: 3000
    satisfaction_weight_centipoints: 1000
    lower_is_better: LOWER_IS_BETTER_LINEAR
    over_achievement_review_bp: 15000
    grade_bands { grade: GRADE_POOR min_centipoints: 0 }
    grade_bands { grade: GRADE_EXCELLENT min_centipoints: 9500 }
    grade_bands { grade: GRADE_GOOD min_centipoints: 8500 }
    grade_bands { grade: GRADE_FAIR min_centipoints: 7000 }
  }
)pb";

constexpr char kJson[] = R"json({
  "profiles": [{
    "name": "unscaled",
    "executionRateWeightCentipoints": 2000,
    "outputWeightCentipoints": 4000,
    "benefitWeightCentipoints": 3000,
    "satisfactionWeightCentipoints": 1000,
    "weightPolicy": "KEEP_FILED_UNSCALED",
    "gradeBands": [
      {"grade": "GRADE_EXCELLENT", "minCentipoints": 9000},
      {"grade": "GRADE_POOR", "minCentipoints": 0}
    ]
  }]
})json";

// A valid profile named "p", changed by `edit`, as a textproto file.
std::string ProfileText(
    const std::function<void(v1::ScoringProfile*)>& edit = nullptr) {
  v1::ScoringProfiles file;
  v1::ScoringProfile* profile = file.add_profiles();
  *profile = NationalProfile2020();
  profile->set_name("p");
  if (edit) edit(profile);
  std::string text;
  google::protobuf::TextFormat::PrintToString(file, &text);
  return text;
}

v1::GradeBand Band(v1::Grade grade, int32_t min) {
  v1::GradeBand band;
  band.set_grade(grade);
  band.set_min_centipoints(min);
  return band;
}

absl::Status LoadError(const std::string& text) {
  return ProfileRegistry::FromText(text, ProfileFormat::kTextProto, "test.textproto")
      .status();
}

TEST(NationalProfileTest, IsValidAndAsPublished) {
  absl::StatusOr<v1::ScoringProfile> profile = ValidateProfile(NationalProfile2020());
  ASSERT_THAT(profile, IsOk());
  EXPECT_EQ(profile->name(), "national-2020");
  EXPECT_EQ(profile->execution_rate_weight_centipoints(), 1000);
  EXPECT_EQ(profile->output_weight_centipoints(), 5000);
  EXPECT_EQ(profile->benefit_weight_centipoints(), 3000);
  EXPECT_EQ(profile->satisfaction_weight_centipoints(), 1000);
  EXPECT_EQ(profile->lower_is_better(), v1::LOWER_IS_BETTER_RATIO);
  EXPECT_EQ(profile->over_achievement_review_bp(), 13000);
  EXPECT_EQ(profile->weight_policy(), v1::KEEP_FILED_SCALE_TO_100);
  ASSERT_EQ(profile->grade_bands_size(), 4);
  EXPECT_EQ(profile->grade_bands(0).grade(), v1::GRADE_EXCELLENT);
  EXPECT_EQ(profile->grade_bands(0).min_centipoints(), 9000);
  EXPECT_EQ(profile->grade_bands(3).grade(), v1::GRADE_POOR);
}

TEST(ProfileRegistryTest, DefaultHoldsNational) {
  const ProfileRegistry registry;
  ASSERT_EQ(registry.profiles().size(), 1u);
  EXPECT_EQ(registry.default_profile(), "national-2020");
  absl::StatusOr<const v1::ScoringProfile*> found = registry.Find("");
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ((*found)->name(), "national-2020");
  ASSERT_THAT(registry.Find("national-2020"), IsOk());
}

TEST(ProfileRegistryTest, UnknownProfileIsInvalidArgumentListingKnownOnes) {
  const ProfileRegistry registry;
  absl::StatusOr<const v1::ScoringProfile*> found = registry.Find("provincial-2024");
  EXPECT_THAT(found, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(found.status().message()),
              HasSubstr("unknown scoring profile \"provincial-2024\"; known: national-2020"));
}

TEST(ProfileRegistryTest, LoadsATextprotoFile) {
  absl::StatusOr<testutil::TempDir> dir = testutil::TempDir::Create("profiles");
  ASSERT_THAT(dir, IsOk());
  absl::StatusOr<std::string> path = dir->WriteFile("profiles.textproto", kTextProto);
  ASSERT_THAT(path, IsOk());
  absl::StatusOr<ProfileRegistry> registry = ProfileRegistry::FromFile(*path);
  ASSERT_THAT(registry, IsOk());
  ASSERT_EQ(registry->profiles().size(), 2u);
  EXPECT_EQ(registry->profiles()[0].name(), "national-2020");
  absl::StatusOr<const v1::ScoringProfile*> city = registry->Find("city-linear");
  ASSERT_THAT(city, IsOk());
  EXPECT_EQ((*city)->lower_is_better(), v1::LOWER_IS_BETTER_LINEAR);
  EXPECT_EQ((*city)->over_achievement_review_bp(), 15000);
  EXPECT_EQ((*city)->weight_policy(), v1::KEEP_FILED_SCALE_TO_100);  // default filled
  // Bands are stored best first, whatever the file's order.
  EXPECT_EQ((*city)->grade_bands(0).grade(), v1::GRADE_EXCELLENT);
  EXPECT_EQ((*city)->grade_bands(3).grade(), v1::GRADE_POOR);
  EXPECT_EQ(GradeFor(**city, 9400), v1::GRADE_GOOD);
  EXPECT_EQ(GradeFor(**city, 6999), v1::GRADE_POOR);
}

TEST(ProfileRegistryTest, LinearVariantScoresTheSeedCostLine) {
  absl::StatusOr<ProfileRegistry> registry = ProfileRegistry::FromText(kTextProto);
  ASSERT_THAT(registry, IsOk());
  absl::StatusOr<const v1::ScoringProfile*> city = registry->Find("city-linear");
  ASSERT_THAT(city, IsOk());
  v1::EvaluationPackage package;
  v1::Level3Indicator* cost = package.mutable_overall()
                                  ->add_indicators()
                                  ->add_level2()
                                  ->add_indicators();
  package.mutable_overall()->mutable_indicators(0)->mutable_level2(0)->set_category(
      v1::LEVEL2_COST);
  cost->mutable_target()->set_text("765万元");
  cost->mutable_actual()->set_text("916.60万元");
  cost->set_weight_centipoints(1500);
  absl::StatusOr<v1::ScoreCard> card = ScorePackage(package, **city);
  ASSERT_THAT(card, IsOk());
  EXPECT_EQ(card->overall().lines(0).rule(), v1::RULE_LOWER_IS_BETTER_LINEAR);
  EXPECT_EQ(card->overall().lines(0).computed_centipoints(), 1203);
}

TEST(ProfileRegistryTest, LoadsAJsonFile) {
  absl::StatusOr<testutil::TempDir> dir = testutil::TempDir::Create("profiles");
  ASSERT_THAT(dir, IsOk());
  absl::StatusOr<std::string> path = dir->WriteFile("profiles.json", kJson);
  ASSERT_THAT(path, IsOk());
  absl::StatusOr<ProfileRegistry> registry = ProfileRegistry::FromFile(*path);
  ASSERT_THAT(registry, IsOk());
  absl::StatusOr<const v1::ScoringProfile*> unscaled = registry->Find("unscaled");
  ASSERT_THAT(unscaled, IsOk());
  EXPECT_EQ((*unscaled)->weight_policy(), v1::KEEP_FILED_UNSCALED);
  EXPECT_EQ((*unscaled)->execution_rate_weight_centipoints(), 2000);
  EXPECT_EQ((*unscaled)->lower_is_better(), v1::LOWER_IS_BETTER_RATIO);
  EXPECT_EQ((*unscaled)->over_achievement_review_bp(), 13000);
}

TEST(ProfileRegistryTest, FormatIsGuessedWithoutAKnownExtension) {
  absl::StatusOr<testutil::TempDir> dir = testutil::TempDir::Create("profiles");
  ASSERT_THAT(dir, IsOk());
  absl::StatusOr<std::string> json = dir->WriteFile("a.conf", kJson);
  absl::StatusOr<std::string> text = dir->WriteFile("b.conf", kTextProto);
  ASSERT_THAT(json, IsOk());
  ASSERT_THAT(text, IsOk());
  EXPECT_THAT(ProfileRegistry::FromFile(*json), IsOk());
  EXPECT_THAT(ProfileRegistry::FromFile(*text), IsOk());
}

TEST(ProfileRegistryTest, MissingFileIsNotFound) {
  EXPECT_THAT(ProfileRegistry::FromFile("/nonexistent/profiles.json"), StatusIs(absl::StatusCode::kNotFound));
}

TEST(ProfileRegistryTest, SyntaxErrorsNameTheFileAndPlace) {
  absl::Status status = LoadError("profiles { name: \"x\" bogus_field: 3 }");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(status.message()), HasSubstr("test.textproto"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("line 1:"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("bogus_field"));

  status = ProfileRegistry::FromText(R"({"profiles": [{"nme": "x"}]})",
                                     ProfileFormat::kJson, "p.json")
               .status();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(status.message()), HasSubstr("p.json"));
}

struct BadProfile {
  std::string name;  // the test's name
  std::function<void(v1::ScoringProfile*)> edit;
  std::string message;
};

// gtest shows a case by its name instead of dumping its bytes.
void PrintTo(const BadProfile& c, std::ostream* os) { *os << c.name; }

class BadProfileTest : public ::testing::TestWithParam<BadProfile> {};

TEST_P(BadProfileTest, IsRejectedWithAClearMessage) {
  const absl::Status status = LoadError(ProfileText(GetParam().edit));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(status.message()), HasSubstr(GetParam().message));
  EXPECT_THAT(std::string(status.message()), HasSubstr("test.textproto"));
}

INSTANTIATE_TEST_SUITE_P(
    All, BadProfileTest,
    ::testing::Values(
        BadProfile{"NoName", [](v1::ScoringProfile* p) { p->clear_name(); },
                   "scoring profile without a name"},
        BadProfile{"NameWithSpace", [](v1::ScoringProfile* p) { p->set_name("has space"); },
                   "name may only use ASCII letters"},
        BadProfile{"NameTooLong", [](v1::ScoringProfile* p) { p->set_name(std::string(65, 'a')); },
                   "name longer than 64 characters"},
        BadProfile{"WeightsNot100", [](v1::ScoringProfile* p) { p->set_output_weight_centipoints(4500); },
                   "weights add up to 95 (execution rate 10 + output 45 + "
                   "benefit 30 + satisfaction 10), must be 100"},
        BadProfile{"NegativeWeight", [](v1::ScoringProfile* p) {
                     p->set_output_weight_centipoints(-5000);
                     p->set_benefit_weight_centipoints(13000);
                   },
                   "output weight -50 is negative"},
        BadProfile{"ReviewBelow100Percent", [](v1::ScoringProfile* p) { p->set_over_achievement_review_bp(9000); },
                   "over_achievement_review_bp 9000 is below 10000"},
        BadProfile{"NoGradeBands", [](v1::ScoringProfile* p) { p->clear_grade_bands(); },
                   "no grade bands"},
        BadProfile{"BandWithoutGrade", [](v1::ScoringProfile* p) {
                     *p->add_grade_bands() = Band(v1::GRADE_UNSPECIFIED, 5000);
                   },
                   "names no grade"},
        BadProfile{"TwoBandsOfOneGrade", [](v1::ScoringProfile* p) {
                     *p->add_grade_bands() = Band(v1::GRADE_EXCELLENT, 9500);
                   },
                   "grade GRADE_EXCELLENT has two bands"},
        BadProfile{"BandAbove100", [](v1::ScoringProfile* p) {
                     p->mutable_grade_bands(0)->set_min_centipoints(12000);
                   },
                   "grade GRADE_EXCELLENT starts at 120, outside 0-100"},
        BadProfile{"BandsOutOfOrder", [](v1::ScoringProfile* p) {
                     p->mutable_grade_bands(1)->set_min_centipoints(9500);
                   },
                   "grade GRADE_GOOD starts at 95, not below the better grade "
                   "GRADE_EXCELLENT at 90"},
        BadProfile{"LowestBandAboveZero", [](v1::ScoringProfile* p) {
                     p->mutable_grade_bands(3)->set_min_centipoints(100);
                   },
                   "the lowest grade band (GRADE_POOR) starts at 1: totals "
                   "below it would have no grade"}),
    [](const ::testing::TestParamInfo<BadProfile>& info) { return info.param.name; });

TEST(ProfileRegistryTest, NationalCannotBeRedefinedNorNamesRepeated) {
  absl::Status status = LoadError(R"pb(profiles { name: "national-2020" })pb");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(status.message()), HasSubstr("built in"));
  status = LoadError(ProfileText() + ProfileText());
  EXPECT_THAT(std::string(status.message()), HasSubstr("\"p\" is defined twice"));
}

TEST(ProfileRegistryTest, EmptyFileHoldsJustNational) {
  absl::StatusOr<ProfileRegistry> registry = ProfileRegistry::FromText("");
  ASSERT_THAT(registry, IsOk());
  EXPECT_EQ(registry->profiles().size(), 1u);
}

}  // namespace
}  // namespace budgetperf
