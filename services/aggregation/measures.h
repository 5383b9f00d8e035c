#ifndef BUDGETPERF_SERVICES_AGGREGATION_MEASURES_H_
#define BUDGETPERF_SERVICES_AGGREGATION_MEASURES_H_

// The measures of a rollup and their arithmetic.
//
// A measure is an int64 leaf of v1::RollupMeasures, named by the path of its
// field names ("funds.executed_fen"). The catalog is read from the message's
// descriptor once, so a field added to the proto is a new measure everywhere
// (sort, filter, TopN, CompareYears, Recompute) with no list to keep in step.
// Plain int64 fields are sums; `optional` ones are extremes (min_/max_) or
// derived on read (everything else). See aggregation.proto.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "budgetperf/v1/aggregation.pb.h"
#include "budgetperf/v1/consistency.pb.h"
#include "budgetperf/v1/evaluation_package.pb.h"
#include "budgetperf/v1/scoring.pb.h"
#include "google/protobuf/descriptor.h"
#include "services/consistency/finding_counts.h"  // CountFindings

namespace budgetperf {

// One measure: its name, kind and the fields leading to it.
struct MeasureDef {
  std::string name;  // "funds.executed_fen"
  v1::MeasureKind kind = v1::MEASURE_KIND_UNSPECIFIED;
  std::vector<const google::protobuf::FieldDescriptor*> path;
};

// Every measure of RollupMeasures, in field order (a stable order: proto
// field numbers never change). Immutable and shared.
class MeasureCatalog {
 public:
  // The catalog of v1::RollupMeasures.
  static const MeasureCatalog& Get();

  const std::vector<MeasureDef>& measures() const { return measures_; }

  // The measure called `name`, or nullptr.
  const MeasureDef* Find(absl::string_view name) const;

  // Like Find, but INVALID_ARGUMENT naming the unknown measure.
  absl::StatusOr<const MeasureDef*> Require(absl::string_view name) const;

  // The measure's value; nullopt for an optional field that is absent
  // (an undefined rate, no scores).
  static std::optional<int64_t> Value(const v1::RollupMeasures& measures,
                                      const MeasureDef& def);

  // Sets a measure's value (creating the messages on its path).
  static void SetValue(v1::RollupMeasures* measures, const MeasureDef& def, int64_t value);

 private:
  MeasureCatalog();

  std::vector<MeasureDef> measures_;
};

// dst += sign × src over the SUM measures (sign is +1 or −1); extremes and
// derived fields are left alone. OUT_OF_RANGE instead of overflowing (dst is
// then partly changed: callers discard it).
absl::Status AddSums(v1::RollupMeasures* dst, const v1::RollupMeasures& src, int sign);

// True when every SUM measure is zero.
bool SumsAreZero(const v1::RollupMeasures& measures);

// Clears the derived fields, leaving what is stored: sums and extremes.
void ClearDerived(v1::RollupMeasures* measures);

// Computes the derived fields from the sums: rates (basis points, half-up),
// means (half-up), and units.expected / filed_share_bp when `expected_units`
// is given. Each is left absent when undefined (zero denominator).
void FillDerived(v1::RollupMeasures* measures, std::optional<int64_t> expected_units);

// The additive figures one package contributes: units.filed = 1, the
// package's staffing, funds, cost-control rows and procurement (blank cells
// count 0), and, when `score` is given, units.scored = 1 with the computed
// and self scores' sums and grade histograms (count 1 each). Extremes are
// not set here: they come from the score index.
v1::RollupMeasures FiguresOfPackage(const v1::EvaluationPackage& package,
                                    const v1::ScoreCardSummary* score);

// CountFindings (findings by severity): services/consistency/finding_counts.h.

// The figures of a set of findings counts (only `findings.*` set).
v1::RollupMeasures FiguresOfFindings(const v1::FindingCounts& counts);

// a / b rounded half-up (half away from zero); b must not be 0.
int64_t DivideRoundHalfUp(int64_t a, int64_t b);

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_AGGREGATION_MEASURES_H_
