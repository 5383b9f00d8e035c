#include "tests/testing/seed.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace budgetperf {
namespace {

TEST(SeedPackageTest, LoadsTheFixtureOnce) {
  EXPECT_TRUE(absl::EndsWith(SeedPath(), "/tests/data/seed-2023.json"));
  const v1::EvaluationPackage& seed = SeedPackage();
  EXPECT_EQ(seed.year(), 2023);
  EXPECT_FALSE(seed.unit().uscc().empty());
  EXPECT_EQ(&SeedPackage(), &seed);
}

}  // namespace
}  // namespace budgetperf
