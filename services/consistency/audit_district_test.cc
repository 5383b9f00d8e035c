// The audit rules over a generated district: SampleGenerator's 岳阳楼区 with
// 8 departments and 120 units, filed for 2022 and 2023 and scored by the
// national-2020 profile. Clean, the district has no cross-unit or cross-year
// finding at all; with cross-unit and cross-year anomalies planted here, the
// audit finds exactly those, each by its rule, and nothing else.

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/codes/uscc.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/consistency/audit_rules.h"
#include "services/scoring/profile_registry.h"
#include "services/scoring/scorer.h"
#include "tools/generator/sample_generator.h"

namespace budgetperf {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr uint64_t kSeed = 6;
constexpr int kDepartments = 8;
constexpr int kUnits = 120;

v1::NodeKind KindOf(const std::string& kind) {
  if (kind == "district") return v1::NODE_KIND_DISTRICT;
  if (kind == "department") return v1::NODE_KIND_DEPARTMENT;
  return v1::NODE_KIND_UNIT;
}

std::string Describe(const std::vector<v1::Finding>& findings) {
  std::string out;
  for (const v1::Finding& f : findings) {
    absl::StrAppend(&out, f.rule_id(), " ", f.unit_uscc(), " ", f.unit_name(),
                    " ", f.field_path(), ": ", f.message(), "\n");
  }
  return out;
}

// (rule, unit, field) of each finding, to compare with what was planted.
using Key = std::tuple<std::string, std::string, std::string>;
std::vector<Key> Keys(const std::vector<v1::Finding>& findings) {
  std::vector<Key> keys;
  for (const v1::Finding& f : findings) {
    keys.emplace_back(f.rule_id(), f.unit_uscc(), f.field_path());
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

class AuditDistrictTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    generator_ = new SampleGenerator(kSeed);
    district_ = new SampleDistrict(
        generator_->District("430602", "岳阳楼区", kDepartments, kUnits));
  }
  static void TearDownTestSuite() {
    delete district_;
    delete generator_;
  }

  // A package as ingestion would list it: with its scorecard's summary.
  static AuditPackage Filed(v1::EvaluationPackage package) {
    AuditPackage filed;
    absl::StatusOr<v1::ScoreCard> card =
        ScorePackage(package, NationalProfile2020());
    if (card.ok()) filed.score = card->summary();
    filed.package = std::move(package);
    return filed;
  }

  // The clean district: every unit's 2023 and 2022 package and the tree.
  static AuditInput CleanInput() {
    AuditInput input;
    input.year = 2023;
    for (const OrgRow& row : district_->org) {
      v1::OrgNode node;
      node.set_code(row.code);
      node.set_name(row.name);
      node.set_kind(KindOf(row.kind));
      node.set_parent_code(row.parent_code);
      node.set_division_code(row.division_code);
      if (node.kind() == v1::NODE_KIND_UNIT) node.set_uscc(row.code);
      input.nodes.push_back(std::move(node));
    }
    for (const SampleUnit& unit : district_->units) {
      input.current.push_back(Filed(generator_->Package(unit, 2023)));
      input.prior.push_back(Filed(generator_->Package(unit, 2022)));
    }
    return input;
  }

  // The 2023 package of `units[index]` in `input`.
  static v1::EvaluationPackage* Current(AuditInput& input, int index) {
    return &input.current[static_cast<size_t>(index)].package;
  }

  static const SampleUnit& Unit(int index) {
    return district_->units[static_cast<size_t>(index)];
  }

  static SampleGenerator* generator_;
  static SampleDistrict* district_;
};

SampleGenerator* AuditDistrictTest::generator_ = nullptr;
SampleDistrict* AuditDistrictTest::district_ = nullptr;

TEST_F(AuditDistrictTest, CleanDistrictHasNoFindings) {
  ASSERT_GE(district_->units.size(), 100u);
  const AuditInput input = CleanInput();
  const std::vector<v1::Finding> findings =
      RunAuditRules(input, ConsistencyConfig());
  EXPECT_THAT(findings, IsEmpty()) << Describe(findings);
}

// Other seeds and a larger district: the generator's spread of figures
// (public funds per head from 0.2 to 1.3 万元, execution rates from 94% to
// 100%) is what real districts show, and none of it is a finding.
TEST_F(AuditDistrictTest, CleanDistrictsOfOtherSeedsHaveNoFindings) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    SampleGenerator generator(seed);
    const SampleDistrict district =
        generator.District("430602", "岳阳楼区", kDepartments, 300);
    AuditInput input;
    input.year = 2023;
    for (const OrgRow& row : district.org) {
      v1::OrgNode node;
      node.set_code(row.code);
      node.set_name(row.name);
      node.set_kind(KindOf(row.kind));
      node.set_parent_code(row.parent_code);
      node.set_division_code(row.division_code);
      input.nodes.push_back(std::move(node));
    }
    for (const SampleUnit& unit : district.units) {
      input.current.push_back(Filed(generator.Package(unit, 2023)));
      input.prior.push_back(Filed(generator.Package(unit, 2022)));
    }
    const std::vector<v1::Finding> findings =
        RunAuditRules(input, ConsistencyConfig());
    EXPECT_THAT(findings, IsEmpty()) << "seed " << seed << "\n"
                                     << Describe(findings);
  }
}

// A valid USCC of the district that the generator never makes ("99").
std::string NewUscc() {
  const std::string first17 = "99430602MB0000001";
  return first17 + UsccCheckCharacter(first17).value();
}

TEST_F(AuditDistrictTest, PlantedAnomaliesAreFoundAndNothingElse) {
  AuditInput input = CleanInput();
  std::vector<Key> planted;

  // A duplicate USCC under another name: unit 21 files (also) under unit
  // 20's code, which replaces unit 20's own 2023 filing.
  {
    v1::EvaluationPackage wrong = generator_->Package(Unit(21), 2023);
    wrong.mutable_unit()->set_uscc(Unit(20).uscc);
    *Current(input, 20) = wrong;
    planted.emplace_back("U-01", Unit(20).uscc, "unit.name");
  }
  // The same name under a different code: unit 30's package filed again
  // under a code the tree does not know.
  {
    AuditPackage twin = input.current[30];
    twin.package.mutable_unit()->set_uscc(NewUscc());
    input.current.push_back(std::move(twin));
    planted.emplace_back("U-06", NewUscc(), "unit.uscc");
  }
  // Public funds per staff member ten times its peers'.
  {
    v1::CostControlRow* total = Current(input, 40)
                                    ->mutable_basic_data()
                                    ->mutable_public_funds()
                                    ->mutable_total();
    total->set_final_fen(total->final_fen() * 10);
    planted.emplace_back("U-03", Unit(40).uscc,
                         "basic_data.public_funds.total.final_fen");
  }
  // A prior-year column that is not last year's filing: 办公经费 +1.00万元.
  {
    v1::CostControlRow* office = Current(input, 50)
                                     ->mutable_basic_data()
                                     ->mutable_public_funds()
                                     ->mutable_office();
    office->set_prior_year_final_fen(office->prior_year_final_fen() +
                                     1'000'000);
    planted.emplace_back("Y-01", Unit(50).uscc,
                         "basic_data.public_funds.office.prior_year_final_fen");
  }
  // Stated changes that do not match the two years: income +2.00万元, and
  // the first function's expenditure change +1.00万元.
  {
    v1::IncomeReport* income =
        Current(input, 60)->mutable_report()->mutable_income();
    income->set_change_from_prior_year_fen(
        income->change_from_prior_year_fen() + 2'000'000);
    planted.emplace_back("Y-02", Unit(60).uscc,
                         "report.income.change_from_prior_year_fen");
    v1::FunctionalSpending* function = Current(input, 70)
                                           ->mutable_report()
                                           ->mutable_expenditure()
                                           ->mutable_by_function(0);
    function->set_change_from_prior_year_fen(
        function->change_from_prior_year_fen() + 1'000'000);
    planted.emplace_back(
        "Y-03", Unit(70).uscc,
        "report.expenditure.by_function[0].change_from_prior_year_fen");
  }
  // A project the department (unit 1) carries out through one of its units,
  // filed by both with different amounts executed.
  {
    const int implementing = 9;  // units 8, 16, ... belong to department 0
    ASSERT_EQ(Unit(implementing).department_uscc, Unit(1).uscc);
    v1::ProjectSelfEvaluation* own = Current(input, 1)->mutable_projects(0);
    own->set_name("校舍维修改造工程");
    own->set_implementing_unit(Unit(implementing).name);
    v1::ProjectSelfEvaluation* part =
        Current(input, implementing)->add_projects();
    *part = *own;
    part->mutable_funds()->mutable_amounts()->set_executed_fen(
        own->funds().amounts().executed_fen() - 1'000'000);
    planted.emplace_back("U-05", Unit(1).uscc,
                         "projects[0].funds.amounts.executed_fen");
  }

  const std::vector<v1::Finding> findings =
      RunAuditRules(input, ConsistencyConfig());
  std::sort(planted.begin(), planted.end());
  EXPECT_THAT(Keys(findings), ElementsAreArray(planted)) << Describe(findings);

  // The messages name the figures.
  for (const v1::Finding& f : findings) {
    EXPECT_EQ(f.year(), 2023);
    EXPECT_EQ(f.division_code(), "430602");
    if (f.rule_id() == "Y-01") {
      EXPECT_EQ(f.difference(), "1.00万元");
      EXPECT_THAT(f.message(), HasSubstr("附件1 办公经费 2022年决算数"));
    }
    if (f.rule_id() == "Y-02") {
      EXPECT_EQ(f.difference(), "2.00万元");
    }
    if (f.rule_id() == "U-05") {
      EXPECT_EQ(f.difference(), "1.00万元");
      EXPECT_THAT(f.message(), HasSubstr("主管部门与实施单位"));
    }
    if (f.rule_id() == "U-01") {
      EXPECT_THAT(f.message(), HasSubstr(Unit(21).name));
      EXPECT_THAT(f.message(), HasSubstr(Unit(20).name));
    }
    if (f.rule_id() == "U-03") {
      EXPECT_EQ(f.severity(), v1::SEVERITY_WARNING);
      EXPECT_THAT(f.message(), HasSubstr("人均公用经费"));
    }
  }
}

}  // namespace
}  // namespace budgetperf
