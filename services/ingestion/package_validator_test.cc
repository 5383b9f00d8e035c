#include "services/ingestion/package_validator.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/ingestion/test_packages.h"

namespace budgetperf {
namespace ingestion {
namespace {

using test_packages::MalformedCases;
using test_packages::SeedPackage;
using ::testing::IsEmpty;
using ::testing::SizeIs;

std::string Describe(const std::vector<v1::Violation>& violations) {
  std::string out;
  for (const v1::Violation& v : violations) {
    absl::StrAppend(&out, "\n  ", v.field_path(), " [", v.rule(), "] ", v.message());
  }
  return out;
}

TEST(PackageValidatorTest, SeedIsValid) {
  PackageValidator validator;
  std::vector<v1::Violation> violations = validator.Validate(SeedPackage());
  EXPECT_THAT(violations, IsEmpty()) << Describe(violations);
}

TEST(PackageValidatorTest, StatedChangesMayBeNegative) {
  v1::EvaluationPackage package = SeedPackage();
  package.mutable_report()->mutable_income()->set_change_from_prior_year_fen(-48'660'000);
  package.mutable_report()->mutable_expenditure()->set_project_change_from_prior_year_fen(-1);
  PackageValidator validator;
  EXPECT_THAT(validator.Validate(package), IsEmpty());
}

TEST(PackageValidatorTest, EachMalformedPackageGetsItsViolation) {
  const std::vector<test_packages::MalformedCase> cases = MalformedCases();
  ASSERT_GE(cases.size(), 20u);
  PackageValidator validator;
  for (const test_packages::MalformedCase& c : cases) {
    SCOPED_TRACE(c.name);
    v1::EvaluationPackage package = SeedPackage();
    c.break_it(&package);
    std::vector<v1::Violation> violations = validator.Validate(package);
    ASSERT_THAT(violations, SizeIs(1)) << Describe(violations);
    EXPECT_EQ(violations[0].field_path(), c.field_path);
    EXPECT_EQ(violations[0].rule(), c.rule);
    EXPECT_FALSE(violations[0].message().empty());
  }
}

TEST(PackageValidatorTest, ReportsEveryViolationAtOnce) {
  // Every case of the table applied to one package: all of them come back.
  const std::vector<test_packages::MalformedCase> cases = MalformedCases();
  v1::EvaluationPackage package = SeedPackage();
  for (const test_packages::MalformedCase& c : cases) {
    // Cases on the same field overwrite each other; apply the distinct ones.
    if (c.name == "USCC too short" || c.name == "USCC forbidden letter" ||
        c.name == "missing USCC" || c.name == "missing division code" ||
        c.name == "division code not digits" || c.name == "missing year" ||
        c.name == "year too early") {
      continue;
    }
    c.break_it(&package);
  }
  PackageValidator validator;
  std::vector<v1::Violation> violations = validator.Validate(package);
  std::vector<std::string> paths;
  for (const v1::Violation& v : violations) paths.push_back(v.field_path());
  EXPECT_THAT(paths, ::testing::IsSupersetOf(std::vector<std::string>{
                         "unit.name",
                         "unit.uscc",
                         "unit.supervising_department_uscc",
                         "unit.division_code",
                         "year",
                         "basic_data.public_funds.total.final_fen",
                         "overall.funds.amounts.executed_fen",
                         "overall.indicators[0].level2[1].indicators[0].weight_centipoints",
                         "overall.indicators[0].category",
                         "projects",
                         "overall.indicators",
                         "report.sections[0].text",
                         "",
                     }))
      << Describe(violations);
  // The 200 copied projects each repeat the seed project's own fields, and
  // the self-score above its weight is found in each copy of the indicator:
  // every one is reported, none is dropped after the first.
  EXPECT_GT(violations.size(), 20u);
}

TEST(PackageValidatorTest, ViolationEchoesTheValueFound) {
  v1::EvaluationPackage package = SeedPackage();
  package.mutable_unit()->set_uscc("12430602MB1C04587A");
  package.set_year(1999);
  PackageValidator validator;
  std::vector<v1::Violation> violations = validator.Validate(package);
  ASSERT_THAT(violations, SizeIs(2));
  EXPECT_EQ(violations[0].value(), "12430602MB1C04587A");
  EXPECT_THAT(violations[0].message(), ::testing::HasSubstr("expected 'D'"));
  EXPECT_EQ(violations[1].value(), "1999");
}

TEST(PackageValidatorTest, LongValuesAreShortenedOnACharacterBoundary) {
  v1::EvaluationPackage package = SeedPackage();
  std::string text;
  while (text.size() < 40'000) text += "预算绩效";
  package.mutable_basic_data()->set_frugality_measures(text);
  PackageValidator validator;
  std::vector<v1::Violation> violations = validator.Validate(package);
  ASSERT_THAT(violations, SizeIs(1));
  EXPECT_LT(violations[0].value().size(), 100u);
  // Still valid UTF-8: protobuf refuses to serialize a string field that is not.
  v1::Violation copy;
  EXPECT_TRUE(copy.ParseFromString(violations[0].SerializeAsString()));
}

TEST(PackageValidatorTest, NonAsciiUsccGivesAValidUtf8Violation) {
  // Full-width digits: ValidateUscc's message quotes a single byte of one.
  v1::EvaluationPackage package = SeedPackage();
  package.mutable_unit()->set_uscc("１２430602MB1C04587D");
  PackageValidator validator;
  std::vector<v1::Violation> violations = validator.Validate(package);
  ASSERT_THAT(violations, SizeIs(1));
  EXPECT_EQ(violations[0].rule(), "uscc_format");
  v1::ValidationErrors errors;
  *errors.add_violations() = violations[0];
  v1::ValidationErrors parsed;
  EXPECT_TRUE(parsed.ParseFromString(errors.SerializeAsString()));
}

TEST(PackageValidatorTest, NormalizeFillsParsedValuesAndRates) {
  v1::EvaluationPackage package = SeedPackage();
  package.mutable_basic_data()->mutable_staffing()->mutable_control_rate()->clear_basis_points();
  package.mutable_basic_data()->mutable_staffing()->mutable_control_rate()->clear_decimals();
  PackageValidator validator;
  std::vector<v1::Warning> warnings = validator.Normalize(&package);
  EXPECT_THAT(warnings, IsEmpty());
  const v1::Level3Indicator& first = package.overall().indicators(0).level2(0).indicators(0);
  EXPECT_EQ(first.target().parsed().kind(), v1::ParsedIndicatorValue::QUANTITY);
  EXPECT_EQ(first.target().parsed().unit(), "户");
  EXPECT_EQ(first.actual().parsed().number().units(), 3079);
  const v1::Level3Indicator& timeliness = package.overall().indicators(0).level2(2).indicators(0);
  EXPECT_EQ(timeliness.target().parsed().kind(), v1::ParsedIndicatorValue::PERIOD);
  EXPECT_EQ(package.basic_data().staffing().control_rate().basis_points(), 9286);
  EXPECT_EQ(package.basic_data().staffing().control_rate().decimals(), 2);
}

TEST(PackageValidatorTest, NormalizeWarnsWithoutBlocking) {
  v1::EvaluationPackage package = SeedPackage();
  auto* indicator =
      package.mutable_overall()->mutable_indicators(0)->mutable_level2(0)->mutable_indicators(0);
  indicator->mutable_actual()->set_text("≥≤95%");  // two comparators
  auto* second =
      package.mutable_overall()->mutable_indicators(1)->mutable_level2(1)->mutable_indicators(0);
  second->mutable_actual()->set_text("3079人");  // target is in 户
  package.mutable_report()
      ->mutable_general_public_budget_expenditure()
      ->mutable_by_function(0)
      ->mutable_share()
      ->set_text("25.2x%");
  // Someone else's parsed reading is replaced by the server's.
  indicator->mutable_target()->mutable_parsed()->set_kind(v1::ParsedIndicatorValue::PERIOD);

  PackageValidator validator;
  ASSERT_THAT(validator.Validate(package), IsEmpty());
  std::vector<v1::Warning> warnings = validator.Normalize(&package);
  std::vector<std::string> paths;
  for (const v1::Warning& w : warnings) paths.push_back(w.field_path());
  EXPECT_THAT(paths, ::testing::UnorderedElementsAre(
                         "overall.indicators[0].level2[0].indicators[0].actual",
                         "overall.indicators[1].level2[1].indicators[0].actual",
                         "report.general_public_budget_expenditure.by_function[0].share.text"));
  EXPECT_EQ(indicator->target().parsed().kind(), v1::ParsedIndicatorValue::QUANTITY);
  EXPECT_EQ(indicator->actual().parsed().kind(), v1::ParsedIndicatorValue::UNPARSEABLE);
}

TEST(PackageValidatorTest, NormalizeFlagsRateTextAgainstBasisPoints) {
  v1::EvaluationPackage package = SeedPackage();
  package.mutable_basic_data()->mutable_staffing()->mutable_control_rate()->set_basis_points(9300);
  PackageValidator validator;
  std::vector<v1::Warning> warnings = validator.Normalize(&package);
  ASSERT_THAT(warnings, SizeIs(1));
  EXPECT_EQ(warnings[0].field_path(), "basic_data.staffing.control_rate.basis_points");
  // As filed: nothing is corrected.
  EXPECT_EQ(package.basic_data().staffing().control_rate().basis_points(), 9300);
}

}  // namespace
}  // namespace ingestion
}  // namespace budgetperf
