#ifndef BUDGETPERF_TOOLS_GENERATOR_SAMPLE_GENERATOR_H_
#define BUDGETPERF_TOOLS_GENERATOR_SAMPLE_GENERATOR_H_

// Realistic generated packages and organisation trees, deterministic from a
// seed number: the same seed gives the same district, the same packages and
// the same anomalies on every machine (no std:: distributions, whose output
// differs between standard libraries).
//
// A generated package is internally consistent, table against table and
// report against table, exactly as a careful filer would make it: its
// attachment 1 totals add up, attachment 2's funds match attachment 1 and the
// attachment 3 tables, the report's figures agree, and its prior-year column
// is the previous year's final column of the same unit. Planted anomalies
// (Anomaly) break exactly one thing each, so checkers can be tested for
// finding them and nothing else.
//
//   SampleGenerator generator(/*seed=*/1);
//   SampleDistrict district = generator.District("430602", "岳阳楼区", 6, 50);
//   for (const SampleUnit& unit : district.units) {
//     v1::EvaluationPackage package = generator.Package(unit, 2023);
//   }

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "budgetperf/v1/evaluation_package.pb.h"

namespace budgetperf {

// One row of the organisation tree, in the CSV that `budgetctl org import`
// reads: code,name,kind,parent_code,division_code.
struct OrgRow {
  std::string code;  // a USCC for departments and units, the division code for the district
  std::string name;
  std::string kind;  // "district", "department" or "unit"
  std::string parent_code;
  std::string division_code;
};

// A generated budget unit and where it sits.
struct SampleUnit {
  std::string uscc;
  std::string name;
  std::string division_code;
  std::string department_name;
  std::string department_uscc;
  int index = 0;  // position in the district, 0-based
};

// A generated district: its tree (district, departments, units; departments
// are budget units too and file their own packages) and its units.
struct SampleDistrict {
  std::string division_code;
  std::string name;
  std::vector<OrgRow> org;
  std::vector<SampleUnit> units;  // departments first, then their units
};

// One planted mistake. Each breaks exactly one figure or one rule.
enum class Anomaly {
  kNone,
  // 附件1 项目支出 final total larger than its lines by 50.00万元.
  kProjectLinesDontAddUp,
  // A cost indicator overrun (actual > target) self-scored in full.
  kOverrunScoredFull,
  // 附件2 执行率 filed one percentage point higher than computed.
  kExecutionRateMisstated,
  // The report's 基本支出 differs from 附件2 by-nature basic by 3.72万元.
  kReportBasicSpendingMismatch,
  // Every self-score full although a quantity indicator was missed.
  kSelfScoreInflated,
};

// Every planted anomaly, for tests that loop over them.
std::vector<Anomaly> AllAnomalies();

// A short English name: "project-lines-dont-add-up".
std::string AnomalyName(Anomaly anomaly);

// Makes districts and packages from a seed number.
class SampleGenerator {
 public:
  explicit SampleGenerator(uint64_t seed) : seed_(seed) {}

  // A district with `departments` departments and `units` units spread over
  // them (departments not counted in `units`). Codes are valid USCCs whose
  // characters 3–8 are the division code.
  SampleDistrict District(absl::string_view division_code, absl::string_view name,
                          int departments, int units) const;

  // The package `unit` files for `year`, consistent in itself and with the
  // unit's package of `year - 1` (its prior-year column and stated changes).
  v1::EvaluationPackage Package(const SampleUnit& unit, int year,
                                Anomaly anomaly = Anomaly::kNone) const;

  // The anomaly the sample plants in `unit` for `year`: about one unit in
  // `one_in` gets one, chosen deterministically; kNone for the rest.
  Anomaly PlantedAnomaly(const SampleUnit& unit, int year, int one_in) const;

 private:
  uint64_t seed_;
};

// The tree as CSV with a header line: code,name,kind,parent_code,division_code.
std::string OrgCsv(const std::vector<OrgRow>& rows);

}  // namespace budgetperf

#endif  // BUDGETPERF_TOOLS_GENERATOR_SAMPLE_GENERATOR_H_
