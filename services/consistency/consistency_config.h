#ifndef BUDGETPERF_SERVICES_CONSISTENCY_CONSISTENCY_CONFIG_H_
#define BUDGETPERF_SERVICES_CONSISTENCY_CONSISTENCY_CONFIG_H_

// A bureau's adjustments to the rule catalogue: severities, tolerances,
// enabling and blocking, for every region or per region by division-code
// prefix. Loaded from a v1::ConsistencyConfig in textproto or JSON:
//
//   # consistency.textproto
//   overrides { rule_id: "R-05" severity: SEVERITY_NEEDS_EXPLANATION }
//   regions {
//     division_prefix: "4306"           # 岳阳市
//     overrides { rule_id: "T1-04" blocking: true }
//   }
//   regions {
//     division_prefix: "430602"         # 岳阳楼区: the most specific wins
//     overrides { rule_id: "T1-04" blocking: false tolerance_fen: 100 }
//   }
//
//   ASSIGN_OR_RETURN(ConsistencyConfig config,
//                    ConsistencyConfig::FromFile("/etc/budgetperf/consistency.textproto"));
//   ASSIGN_OR_RETURN(RuleSettings rule, config.EffectiveRule("T1-04",
//   "430602"));
//
// Precedence is field by field: the catalogue's default, then the global
// overrides, then each matching region from the shortest prefix to the
// longest. A region that sets only `blocking` keeps the severity a shorter
// prefix (or the global overrides) gave.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "budgetperf/v1/consistency.pb.h"
#include "common/config/config_file.h"  // ConfigFormat
#include "services/consistency/rule_catalogue.h"

namespace budgetperf {

// One rule as it applies to one region.
struct RuleSettings {
  // The rule in the catalogue (never null in a value returned by
  // ConsistencyConfig::EffectiveRule).
  const v1::RuleDescriptor* descriptor = nullptr;
  v1::Severity severity = v1::SEVERITY_UNSPECIFIED;
  // Differences up to this many fen (amount rules) are not findings.
  int64_t tolerance_fen = 0;
  // Rate rules: basis points allowed beyond the filer's own rounding. I-07:
  // the over-achievement threshold (13000 = 130% of target).
  int32_t tolerance_bp = 0;
  bool enabled = true;
  // A finding of a blocking rule refuses the package instead of storing it
  // with status "has errors".
  bool blocking = false;
};

// A validated consistency configuration over a rule catalogue. Immutable
// after construction, so one config may be shared by any number of threads.
class ConsistencyConfig {
 public:
  // No overrides: every rule as the built-in catalogue defines it.
  ConsistencyConfig();

  // Validates `proto` against `catalogue` (the built-in one by default, which
  // must outlive the config). INVALID_ARGUMENT, naming the place, for:
  //   - an override of a rule the catalogue does not have, or of the same
  //     rule twice in one scope (global, or one region);
  //   - severity SEVERITY_UNSPECIFIED, or a negative tolerance;
  //   - tolerance_fen on a rule that compares no amounts, tolerance_bp on a
  //     rule without a rate tolerance (a bureau that writes one expects it
  //     to do something; silently ignoring it would mislead);
  //   - a division prefix that is not 1 to 6 ASCII digits, or a prefix
  //     given twice.
  static absl::StatusOr<ConsistencyConfig> FromProto(
      v1::ConsistencyConfig proto,
      const RuleCatalogue* catalogue = &RuleCatalogue::Default());

  // Parses `content` in `format` and validates it as FromProto does;
  // INVALID_ARGUMENT for a parse error (with line and column for textproto).
  // `source` names the input in messages, e.g. the file path.
  static absl::StatusOr<ConsistencyConfig> FromText(
      absl::string_view content, ConfigFormat format = ConfigFormat::kAuto,
      absl::string_view source = "consistency config");

  // Reads `path` and loads it as FromText does: .json is JSON; .textproto,
  // .txtpb, .pbtxt and .txt are textproto; anything else is guessed from the
  // content. NOT_FOUND if the file cannot be read.
  static absl::StatusOr<ConsistencyConfig> FromFile(const std::string& path);

  // The rule `rule_id` as it applies to a unit of `division_code` (e.g.
  // "430602"; empty for none, which only the global overrides reach).
  // NOT_FOUND for an id the catalogue does not have.
  //
  //   EffectiveRule("T1-04", "430602")  // global < "4306" < "430602"
  absl::StatusOr<RuleSettings> EffectiveRule(
      absl::string_view rule_id, absl::string_view division_code) const;

  // The catalogue the config was validated against.
  const RuleCatalogue& catalogue() const { return *catalogue_; }

  // The config as loaded, regions sorted by increasing prefix length.
  const v1::ConsistencyConfig& proto() const { return proto_; }

 private:
  ConsistencyConfig(const RuleCatalogue* catalogue,
                    v1::ConsistencyConfig proto);

  const RuleCatalogue* catalogue_;
  v1::ConsistencyConfig proto_;
};

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_CONSISTENCY_CONSISTENCY_CONFIG_H_
