#include "services/consistency/finding_counts.h"

#include <vector>

#include "budgetperf/v1/consistency.pb.h"
#include "gtest/gtest.h"

namespace budgetperf {
namespace {

v1::Finding WithSeverity(v1::Severity severity) {
  v1::Finding f;
  f.set_severity(severity);
  return f;
}

TEST(CountFindingsTest, CountsBySeverity) {
  const std::vector<v1::Finding> findings = {
      WithSeverity(v1::SEVERITY_ERROR), WithSeverity(v1::SEVERITY_ERROR),
      WithSeverity(v1::SEVERITY_WARNING), WithSeverity(v1::SEVERITY_NEEDS_EXPLANATION),
      WithSeverity(v1::SEVERITY_UNSPECIFIED)};
  const v1::FindingCounts counts = CountFindings(findings);
  EXPECT_EQ(counts.total(), 5);  // the unspecified one counts in the total only
  EXPECT_EQ(counts.error(), 2);
  EXPECT_EQ(counts.warning(), 1);
  EXPECT_EQ(counts.needs_explanation(), 1);

  google::protobuf::RepeatedPtrField<v1::Finding> repeated(findings.begin(), findings.end());
  const v1::FindingCounts same = CountFindings(repeated);
  EXPECT_EQ(same.SerializeAsString(), counts.SerializeAsString());
}

TEST(CountFindingsTest, NoFindingsCountNothing) {
  const v1::FindingCounts counts = CountFindings(std::vector<v1::Finding>());
  EXPECT_EQ(counts.total(), 0);
  EXPECT_EQ(counts.ByteSizeLong(), 0u);
}

TEST(CountFindingTest, Accumulates) {
  v1::FindingCounts counts;
  counts.set_total(7);
  counts.set_warning(7);
  CountFinding(WithSeverity(v1::SEVERITY_WARNING), &counts);
  EXPECT_EQ(counts.total(), 8);
  EXPECT_EQ(counts.warning(), 8);
}

}  // namespace
}  // namespace budgetperf
