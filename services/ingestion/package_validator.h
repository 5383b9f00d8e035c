#ifndef BUDGETPERF_SERVICES_INGESTION_PACKAGE_VALIDATOR_H_
#define BUDGETPERF_SERVICES_INGESTION_PACKAGE_VALIDATOR_H_

// What ingestion refuses (violations) and what it fills in (normalisation)
// before a package is stored.
//
// Validation is about what can be checked without judging the figures: the
// unit's identity, the year, signs and ranges that cannot be otherwise, sizes,
// enum values. Sums that do not add up and rates that contradict their
// figures are NOT violations: packages are stored as filed so that the
// consistency checks can report them (see tests/data/README.md).
//
//   PackageValidator validator;
//   std::vector<v1::Violation> violations = validator.Validate(package);
//   if (violations.empty()) {
//     std::vector<v1::Warning> warnings = validator.Normalize(&package);
//   }

#include <cstdint>
#include <vector>

#include "budgetperf/v1/evaluation_package.pb.h"
#include "budgetperf/v1/ingestion.pb.h"

namespace budgetperf {
namespace ingestion {

// The years a package may be filed for. The forms exist since 2000-ish and
// nobody files a century ahead; anything else is a typo.
inline constexpr int32_t kMinYear = 2000;
inline constexpr int32_t kMaxYear = 2100;

// A whole package, serialized. The seed is ~40 KB; 4 MiB leaves room for
// hundreds of projects while keeping one Submit far below the server's
// message limit.
inline constexpr int64_t kMaxPackageBytes = 4 * 1024 * 1024;

// Any one text field, in bytes of UTF-8: 32 KiB is about 10,000 Chinese
// characters, several pages of the narrative report.
inline constexpr int64_t kMaxTextBytes = 32 * 1024;

// 附件3 tables per package (one per first-level project).
inline constexpr int kMaxProjects = 200;

// Level-3 indicators in one self-evaluation table (attachment 2 or one
// attachment 3); real tables have 10-30.
inline constexpr int kMaxLevel3PerTable = 500;

// Items of any other list (goals, report lines, sections, ...).
inline constexpr int kMaxListItems = 1000;

// Weights and self-scores: 0-100 points, in hundredths.
inline constexpr int32_t kMaxCentipoints = 10000;

// Filed rates: 0% to 10,000% (a 118.42% completion rate is real; beyond
// 10,000% it is a typo), in basis points.
inline constexpr int32_t kMaxBasisPoints = 1'000'000;

// Decimals a filed rate may record (FiledRate.decimals).
inline constexpr int32_t kMaxRateDecimals = 6;

// Headcounts (编制数, 实际在职人数).
inline constexpr int32_t kMaxHeadcount = 1'000'000;

// Idempotency keys, in bytes (SubmitRequest.idempotency_key).
inline constexpr int64_t kMaxIdempotencyKeyBytes = 128;

// Checks packages and fills in their derived fields. Stateless and
// thread-compatible; cheap to construct.
class PackageValidator {
 public:
  // Returns every violation in `package`, in field order, never stopping at
  // the first; empty when the package may be stored. Field paths use the
  // proto field names: "overall.indicators[0].level2[1].indicators[2].
  // weight_centipoints". Rules checked:
  //   - identity: unit.name, unit.uscc and unit.division_code are required;
  //     the USCCs (unit and supervising department) are well formed with the
  //     right check character; the division code is GB/T 2260-shaped;
  //   - year: required, kMinYear..kMaxYear;
  //   - money (`*_fen`) and areas (`*_centi_m2`) are ≥ 0, except the stated
  //     changes on last year (`*change_from_prior_year_fen`);
  //   - weights (`*weight_centipoints`) 0..100 points; self-scores 0..the
  //     weight beside them (or 100 points when there is none);
  //   - FiledRate basis points 0..kMaxBasisPoints, decimals 0..6; headcounts
  //     0..kMaxHeadcount;
  //   - enum fields hold a value the schema defines (proto3 keeps unknown
  //     numbers);
  //   - sizes: the whole package, each text, projects, level-3 indicators per
  //     table, every other list.
  // IndicatorValue.parsed is not checked: the server replaces it (Normalize).
  std::vector<v1::Violation> Validate(const v1::EvaluationPackage& package) const;

  // Fills what the server derives, replacing what the client sent, and
  // returns warnings (never blocking):
  //   - IndicatorValue.parsed from its text (FillParsed); a value that cannot
  //     be read is a warning;
  //   - a level-3 indicator whose target and actual quantities carry different
  //     units is a warning;
  //   - FiledRate basis_points/decimals from its text when both are 0; a text
  //     that cannot be read, or that disagrees with the basis points filed, is
  //     a warning.
  // Call it on a package that passed Validate.
  std::vector<v1::Warning> Normalize(v1::EvaluationPackage* package) const;
};

}  // namespace ingestion
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_INGESTION_PACKAGE_VALIDATOR_H_
