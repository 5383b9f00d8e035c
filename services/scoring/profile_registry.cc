#include "services/scoring/profile_registry.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/config/config_file.h"
#include "common/money/points.h"

namespace budgetperf {
namespace {

constexpr int32_t kHundredPoints = 10000;  // centipoints
constexpr size_t kMaxProfileNameLength = 64;

// Points for messages: 1000 → "10", 1250 → "12.50".
std::string Points(int64_t centipoints) { return FormatWeight(centipoints); }

v1::GradeBand Band(v1::Grade grade, int32_t min_centipoints) {
  v1::GradeBand band;
  band.set_grade(grade);
  band.set_min_centipoints(min_centipoints);
  return band;
}

}  // namespace

v1::ScoringProfile NationalProfile2020() {
  v1::ScoringProfile profile;
  profile.set_name(std::string(kNationalProfileName));
  profile.set_description(
      "财预〔2020〕10号: execution rate 10, output 50, benefit 30, "
      "satisfaction 10; lower-is-better by target ÷ actual; review at 130% "
      "of target; 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below");
  profile.set_execution_rate_weight_centipoints(1000);
  profile.set_output_weight_centipoints(5000);
  profile.set_benefit_weight_centipoints(3000);
  profile.set_satisfaction_weight_centipoints(1000);
  profile.set_lower_is_better(v1::LOWER_IS_BETTER_RATIO);
  profile.set_over_achievement_review_bp(kDefaultOverAchievementReviewBp);
  *profile.add_grade_bands() = Band(v1::GRADE_EXCELLENT, 9000);
  *profile.add_grade_bands() = Band(v1::GRADE_GOOD, 8000);
  *profile.add_grade_bands() = Band(v1::GRADE_FAIR, 6000);
  *profile.add_grade_bands() = Band(v1::GRADE_POOR, 0);
  profile.set_weight_policy(v1::KEEP_FILED_SCALE_TO_100);
  return profile;
}

absl::StatusOr<v1::ScoringProfile> ValidateProfile(v1::ScoringProfile profile) {
  const std::string& name = profile.name();
  auto invalid = [&name](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("scoring profile \"", name, "\": ", why));
  };
  if (name.empty()) {
    return absl::InvalidArgumentError("scoring profile without a name");
  }
  if (name.size() > kMaxProfileNameLength) {
    return invalid(absl::StrCat("name longer than ", kMaxProfileNameLength,
                                " characters"));
  }
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
        c != '_' && c != '-') {
      return invalid(
          "name may only use ASCII letters, digits, '.', '_' and '-'");
    }
  }

  const std::pair<const char*, int32_t> weights[] = {
      {"execution rate", profile.execution_rate_weight_centipoints()},
      {"output", profile.output_weight_centipoints()},
      {"benefit", profile.benefit_weight_centipoints()},
      {"satisfaction", profile.satisfaction_weight_centipoints()},
  };
  int64_t weight_sum = 0;
  for (const auto& [what, weight] : weights) {
    if (weight < 0) {
      return invalid(absl::StrCat(what, " weight ", Points(weight),
                                  " is negative"));
    }
    weight_sum += weight;
  }
  if (weight_sum != kHundredPoints) {
    return invalid(absl::StrCat(
        "weights add up to ", Points(weight_sum), " (execution rate ",
        Points(profile.execution_rate_weight_centipoints()), " + output ",
        Points(profile.output_weight_centipoints()), " + benefit ",
        Points(profile.benefit_weight_centipoints()), " + satisfaction ",
        Points(profile.satisfaction_weight_centipoints()),
        "), must be 100"));
  }

  if (profile.lower_is_better() == v1::LOWER_IS_BETTER_FORMULA_UNSPECIFIED) {
    profile.set_lower_is_better(v1::LOWER_IS_BETTER_RATIO);
  }
  if (!v1::LowerIsBetterFormula_IsValid(profile.lower_is_better())) {
    return invalid(absl::StrCat("unknown lower_is_better formula ",
                                profile.lower_is_better()));
  }
  if (profile.weight_policy() == v1::WEIGHT_POLICY_UNSPECIFIED) {
    profile.set_weight_policy(v1::KEEP_FILED_SCALE_TO_100);
  }
  if (!v1::WeightPolicy_IsValid(profile.weight_policy())) {
    return invalid(
        absl::StrCat("unknown weight_policy ", profile.weight_policy()));
  }
  if (profile.over_achievement_review_bp() == 0) {
    profile.set_over_achievement_review_bp(kDefaultOverAchievementReviewBp);
  }
  if (profile.over_achievement_review_bp() < 10000) {
    return invalid(absl::StrCat(
        "over_achievement_review_bp ", profile.over_achievement_review_bp(),
        " is below 10000 (100% of target): meeting a target is not "
        "over-achieving it"));
  }

  if (profile.grade_bands().empty()) return invalid("no grade bands");
  std::vector<v1::GradeBand> bands(profile.grade_bands().begin(),
                                   profile.grade_bands().end());
  std::set<int> grades_seen;
  for (const v1::GradeBand& band : bands) {
    if (band.grade() == v1::GRADE_UNSPECIFIED ||
        !v1::Grade_IsValid(band.grade())) {
      return invalid(absl::StrCat("grade band with min ",
                                  Points(band.min_centipoints()),
                                  " names no grade"));
    }
    if (!grades_seen.insert(band.grade()).second) {
      return invalid(absl::StrCat("grade ", v1::Grade_Name(band.grade()),
                                  " has two bands"));
    }
    if (band.min_centipoints() < 0 || band.min_centipoints() > kHundredPoints) {
      return invalid(absl::StrCat("grade ", v1::Grade_Name(band.grade()),
                                  " starts at ", Points(band.min_centipoints()),
                                  ", outside 0-100"));
    }
  }
  // Bands are read from the highest minimum down; a better grade (lower
  // enum number) must need strictly more points than every worse one.
  std::sort(bands.begin(), bands.end(),
            [](const v1::GradeBand& a, const v1::GradeBand& b) {
              return a.grade() < b.grade();
            });
  for (size_t i = 1; i < bands.size(); ++i) {
    if (bands[i].min_centipoints() >= bands[i - 1].min_centipoints()) {
      return invalid(absl::StrCat(
          "grade ", v1::Grade_Name(bands[i].grade()), " starts at ",
          Points(bands[i].min_centipoints()), ", not below the better grade ",
          v1::Grade_Name(bands[i - 1].grade()), " at ",
          Points(bands[i - 1].min_centipoints())));
    }
  }
  if (bands.back().min_centipoints() != 0) {
    return invalid(absl::StrCat(
        "the lowest grade band (", v1::Grade_Name(bands.back().grade()),
        ") starts at ", Points(bands.back().min_centipoints()),
        ": totals below it would have no grade; start it at 0"));
  }
  // Keep the bands best first, as they are read.
  profile.mutable_grade_bands()->Clear();
  for (const v1::GradeBand& band : bands) *profile.add_grade_bands() = band;
  return profile;
}

ProfileRegistry::ProfileRegistry()
    : profiles_{NationalProfile2020()},
      default_profile_(kNationalProfileName) {}

absl::StatusOr<ProfileRegistry> ProfileRegistry::FromText(
    absl::string_view content, ProfileFormat format, absl::string_view source) {
  v1::ScoringProfiles file;
  absl::Status parsed = ParseConfig(content, format, source, &file);
  if (!parsed.ok()) return parsed;

  ProfileRegistry registry;
  std::set<std::string> names = {std::string(kNationalProfileName)};
  for (const v1::ScoringProfile& raw : file.profiles()) {
    if (raw.name() == kNationalProfileName) {
      return absl::InvalidArgumentError(absl::StrCat(
          source, ": profile \"", kNationalProfileName,
          "\" is built in and cannot be redefined; give yours another name"));
    }
    absl::StatusOr<v1::ScoringProfile> profile = ValidateProfile(raw);
    if (!profile.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": ", profile.status().message()));
    }
    if (!names.insert(profile->name()).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          source, ": profile \"", profile->name(), "\" is defined twice"));
    }
    registry.profiles_.push_back(*std::move(profile));
  }
  return registry;
}

absl::StatusOr<ProfileRegistry> ProfileRegistry::FromFile(
    const std::string& path) {
  absl::StatusOr<ConfigFile> file = ReadConfigFile(path);
  if (!file.ok()) {
    return absl::NotFoundError(
        absl::StrCat("cannot read scoring profiles file ", path));
  }
  return FromText(file->content, file->format, path);
}

absl::StatusOr<const v1::ScoringProfile*> ProfileRegistry::Find(
    absl::string_view name) const {
  if (name.empty()) name = default_profile_;
  for (const v1::ScoringProfile& profile : profiles_) {
    if (profile.name() == name) return &profile;
  }
  std::vector<std::string> known;
  for (const v1::ScoringProfile& profile : profiles_) {
    known.push_back(profile.name());
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown scoring profile \"", name,
                   "\"; known: ", absl::StrJoin(known, ", ")));
}

}  // namespace budgetperf
