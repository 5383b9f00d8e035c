#ifndef BUDGETPERF_SERVICES_SCORING_PROFILE_REGISTRY_H_
#define BUDGETPERF_SERVICES_SCORING_PROFILE_REGISTRY_H_

// Scoring rule profiles (v1::ScoringProfile) are data: the weights the rules
// expect, the lower-is-better formula, the over-achievement threshold, the
// grade bands and the weight policy. This file holds the built-in
// national-2020 profile, the validation every profile passes before it is
// used, and the registry a server looks profiles up in.
//
//   ASSIGN_OR_RETURN(ProfileRegistry registry,
//                    ProfileRegistry::FromFile("/etc/budgetperf/profiles.json"));
//   ASSIGN_OR_RETURN(const v1::ScoringProfile* profile, registry.Find(""));
//   ASSIGN_OR_RETURN(v1::ScoreCard card, ScorePackage(package, *profile));

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "budgetperf/v1/scoring.pb.h"
#include "common/config/config_file.h"  // ConfigFormat

namespace budgetperf {

// The name of the built-in profile, also the default of every registry.
inline constexpr absl::string_view kNationalProfileName = "national-2020";

// Over-achievement review threshold used when a profile leaves it at 0:
// actual ≥ 130% of target.
inline constexpr int32_t kDefaultOverAchievementReviewBp = 13000;

// The built-in profile, by 财预〔2020〕10号: execution rate 10, output 50,
// benefit 30, satisfaction 10 points; lower-is-better by the ratio formula;
// over-achievement review at 130%; 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below;
// weights kept as filed and the total scaled to 100 for the grade.
v1::ScoringProfile NationalProfile2020();

// Checks a profile and fills in the defaults of its unset fields
// (lower_is_better → RATIO, weight_policy → KEEP_FILED_SCALE_TO_100,
// over_achievement_review_bp → 13000), so the scorer never sees an
// unspecified value. Rejects, with INVALID_ARGUMENT naming the profile and
// the figure at fault:
//   - a name that is empty, longer than 64 characters, or not made of
//     ASCII letters, digits, '.', '_' and '-' (names travel in requests and
//     command lines);
//   - a negative weight, or weights (execution rate + output + benefit +
//     satisfaction) that do not add up to 100 points;
//   - an over-achievement threshold below 100% (10000 bp);
//   - grade bands that are missing, name GRADE_UNSPECIFIED or a grade twice,
//     have a minimum outside 0–100 points, put a worse grade at or above a
//     better one, or leave totals without a grade (no band starting at 0).
absl::StatusOr<v1::ScoringProfile> ValidateProfile(v1::ScoringProfile profile);

// How a profiles file is written: kAuto (guess from the content: '{' first
// means JSON, else textproto), kTextProto or kJson, of v1::ScoringProfiles.
using ProfileFormat = ConfigFormat;

// An immutable set of validated profiles that always contains national-2020,
// the default. Lookups are const, so one registry may be shared by any number
// of threads without locking.
class ProfileRegistry {
 public:
  // A registry holding only the built-in national-2020 profile.
  ProfileRegistry();

  // Parses `content` as a v1::ScoringProfiles message in `format`, validates
  // every profile (see ValidateProfile) and returns a registry holding them
  // besides national-2020. INVALID_ARGUMENT for a parse error, an invalid
  // profile, two profiles of the same name, or a profile named
  // national-2020 (the built-in reference cannot be redefined, so that every
  // deployment grades national-2020 the same way). `source` names the input
  // in messages, e.g. the file path.
  static absl::StatusOr<ProfileRegistry> FromText(
      absl::string_view content, ProfileFormat format = ProfileFormat::kAuto,
      absl::string_view source = "profiles");

  // Reads `path` and loads it as FromText does; the format follows the
  // extension (.json → JSON; .textproto, .txtpb, .pbtxt, .txt → textproto),
  // otherwise it is guessed from the content. NOT_FOUND if the file cannot be
  // read.
  static absl::StatusOr<ProfileRegistry> FromFile(const std::string& path);

  // The profile called `name`; the default (national-2020) for an empty
  // name. INVALID_ARGUMENT for an unknown name, listing the known ones:
  // the caller asked for something this server does not have.
  absl::StatusOr<const v1::ScoringProfile*> Find(absl::string_view name) const;

  // Every profile, national-2020 first, then in file order.
  const std::vector<v1::ScoringProfile>& profiles() const { return profiles_; }

  // The name used for an empty profile name in a request.
  const std::string& default_profile() const { return default_profile_; }

 private:
  std::vector<v1::ScoringProfile> profiles_;
  std::string default_profile_;
};

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_SCORING_PROFILE_REGISTRY_H_
