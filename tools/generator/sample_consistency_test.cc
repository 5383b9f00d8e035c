// The generated sample against the consistency catalogue: a clean package has
// no finding at all (the generator makes what a careful filer makes), and each
// planted anomaly is found by the rule meant for it and by nothing else.
#include <map>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "services/consistency/package_checker.h"
#include "tools/generator/sample_generator.h"

namespace budgetperf {
namespace {

std::string Describe(const std::vector<v1::Finding>& findings) {
  std::string out;
  for (const auto& f : findings) out += f.rule_id() + " " + f.field_path() + ": " + f.message() + "\n";
  return out;
}

TEST(SampleConsistencyTest, CleanPackagesHaveNoFindings) {
  SampleGenerator generator(11);
  SampleDistrict district = generator.District("430602", "岳阳楼区", 8, 200);
  PackageChecker checker;
  for (int year : {2022, 2023}) {
    for (const SampleUnit& unit : district.units) {
      const auto findings = checker.Check(generator.Package(unit, year));
      EXPECT_TRUE(findings.empty()) << unit.name << " " << year << "\n" << Describe(findings);
    }
  }
}

TEST(SampleConsistencyTest, EachAnomalyIsFoundByItsRule) {
  const std::map<Anomaly, std::set<std::string>> expected = {
      {Anomaly::kProjectLinesDontAddUp, {"T1-04"}},
      {Anomaly::kOverrunScoredFull, {"I-04"}},
      {Anomaly::kExecutionRateMisstated, {"T2-01"}},
      {Anomaly::kReportBasicSpendingMismatch, {"R-01"}},
      {Anomaly::kSelfScoreInflated, {"I-08"}},
  };
  SampleGenerator generator(11);
  SampleDistrict district = generator.District("430602", "岳阳楼区", 4, 20);
  PackageChecker checker;
  for (const auto& [anomaly, rules] : expected) {
    for (const SampleUnit& unit : district.units) {
      const auto findings = checker.Check(generator.Package(unit, 2023, anomaly));
      std::set<std::string> found;
      for (const auto& f : findings) found.insert(f.rule_id());
      EXPECT_EQ(found, rules) << AnomalyName(anomaly) << " in " << unit.name << "\n"
                              << Describe(findings);
    }
  }
}

}  // namespace
}  // namespace budgetperf
