#include "services/consistency/consistency_config.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/config/config_file.h"

namespace budgetperf {
namespace {

absl::Status ValidateOverrides(
    const google::protobuf::RepeatedPtrField<v1::RuleOverride>& overrides,
    const RuleCatalogue& catalogue, absl::string_view where) {
  absl::flat_hash_set<std::string> seen;
  for (const v1::RuleOverride& o : overrides) {
    auto invalid = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": rule \"", o.rule_id(), "\": ", why));
    };
    const v1::RuleDescriptor* rule = catalogue.Find(o.rule_id());
    if (rule == nullptr) return invalid("no such rule in the catalogue");
    if (!seen.insert(o.rule_id()).second) return invalid("overridden twice");
    if (o.has_severity() && o.severity() == v1::SEVERITY_UNSPECIFIED) {
      return invalid("severity SEVERITY_UNSPECIFIED");
    }
    if (o.has_tolerance_fen()) {
      if (!rule->has_tolerance_fen()) {
        return invalid("compares no amounts: tolerance_fen has no effect");
      }
      if (o.tolerance_fen() < 0) return invalid("negative tolerance_fen");
    }
    if (o.has_tolerance_bp()) {
      if (!rule->has_tolerance_bp()) {
        return invalid("has no rate tolerance: tolerance_bp has no effect");
      }
      if (o.tolerance_bp() < 0) return invalid("negative tolerance_bp");
    }
  }
  return absl::OkStatus();
}

bool IsDigits(absl::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// Applies the fields `o` sets on top of `settings`.
void Apply(const v1::RuleOverride& o, RuleSettings* settings) {
  if (o.has_severity()) settings->severity = o.severity();
  if (o.has_tolerance_fen()) settings->tolerance_fen = o.tolerance_fen();
  if (o.has_tolerance_bp()) settings->tolerance_bp = o.tolerance_bp();
  if (o.has_enabled()) settings->enabled = o.enabled();
  if (o.has_blocking()) settings->blocking = o.blocking();
}

void ApplyMatching(
    const google::protobuf::RepeatedPtrField<v1::RuleOverride>& overrides,
    absl::string_view rule_id, RuleSettings* settings) {
  for (const v1::RuleOverride& o : overrides) {
    if (o.rule_id() == rule_id) Apply(o, settings);
  }
}

}  // namespace

ConsistencyConfig::ConsistencyConfig()
    : catalogue_(&RuleCatalogue::Default()) {}

ConsistencyConfig::ConsistencyConfig(const RuleCatalogue* catalogue,
                                     v1::ConsistencyConfig proto)
    : catalogue_(catalogue), proto_(std::move(proto)) {}

absl::StatusOr<ConsistencyConfig> ConsistencyConfig::FromProto(
    v1::ConsistencyConfig proto, const RuleCatalogue* catalogue) {
  if (catalogue == nullptr) {
    return absl::InvalidArgumentError("consistency config without a catalogue");
  }
  absl::Status status =
      ValidateOverrides(proto.overrides(), *catalogue, "overrides");
  if (!status.ok()) return status;
  absl::flat_hash_set<std::string> prefixes;
  for (const v1::RegionConfig& region : proto.regions()) {
    const std::string& prefix = region.division_prefix();
    const std::string where = absl::StrCat("region \"", prefix, "\"");
    if (prefix.empty() || prefix.size() > 6 || !IsDigits(prefix)) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": division_prefix must be 1 to 6 digits of a division code"));
    }
    if (!prefixes.insert(prefix).second) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": given twice"));
    }
    status = ValidateOverrides(region.overrides(), *catalogue, where);
    if (!status.ok()) return status;
  }
  // Shortest prefix first, so that applying regions in order lets the most
  // specific one win. Stable: equal lengths cannot both match a code.
  std::stable_sort(
      proto.mutable_regions()->begin(), proto.mutable_regions()->end(),
      [](const v1::RegionConfig& a, const v1::RegionConfig& b) {
        return a.division_prefix().size() < b.division_prefix().size();
      });
  return ConsistencyConfig(catalogue, std::move(proto));
}

absl::StatusOr<ConsistencyConfig> ConsistencyConfig::FromText(
    absl::string_view content, ConfigFormat format, absl::string_view source) {
  v1::ConsistencyConfig proto;
  absl::Status parsed = ParseConfig(content, format, source, &proto);
  if (!parsed.ok()) return parsed;
  auto config = FromProto(std::move(proto));
  if (!config.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": ", config.status().message()));
  }
  return config;
}

absl::StatusOr<ConsistencyConfig> ConsistencyConfig::FromFile(
    const std::string& path) {
  absl::StatusOr<ConfigFile> file = ReadConfigFile(path);
  if (!file.ok()) return file.status();
  return FromText(file->content, file->format, path);
}

absl::StatusOr<RuleSettings> ConsistencyConfig::EffectiveRule(
    absl::string_view rule_id, absl::string_view division_code) const {
  const v1::RuleDescriptor* rule = catalogue_->Find(rule_id);
  if (rule == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("no consistency rule \"", rule_id, "\""));
  }
  RuleSettings settings;
  settings.descriptor = rule;
  settings.severity = rule->default_severity();
  settings.tolerance_fen = rule->tolerance_fen();
  settings.tolerance_bp = rule->tolerance_bp();
  settings.blocking = rule->blocking();
  ApplyMatching(proto_.overrides(), rule_id, &settings);
  for (const v1::RegionConfig& region : proto_.regions()) {
    if (!division_code.empty() &&
        absl::StartsWith(division_code, region.division_prefix())) {
      ApplyMatching(region.overrides(), rule_id, &settings);
    }
  }
  return settings;
}

}  // namespace budgetperf
