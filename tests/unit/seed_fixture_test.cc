// Checks tests/data/seed-2023.json against the seed package
// /work/shared/seed/000_1fca6c6e25a453d6.txt: the fixture must load strictly,
// carry the seed's figures and texts, and keep the seed's mistakes as filed.

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "budgetperf/v1/evaluation_package.pb.h"
#include "common/package/package_json.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/testing/seed.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace {

using v1::CostControlRow;
using v1::EvaluationPackage;
using v1::FiledRate;
using v1::FundsColumns;
using v1::Level1Indicator;
using v1::Level3Indicator;

constexpr int64_t kFenPerWan = 1000000;  // 1 万元 = 1,000,000 fen

std::string FixturePath() { return SeedPath(); }

std::string ReadFixtureText() {
  std::ifstream in(FixturePath(), std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class SeedFixtureTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = LoadPackageJsonFile(FixturePath());
    ASSERT_THAT(loaded, IsOk());
    package_ = new EvaluationPackage(*std::move(loaded));
  }
  static void TearDownTestSuite() {
    delete package_;
    package_ = nullptr;
  }
  const EvaluationPackage& pkg() const { return *package_; }

  static EvaluationPackage* package_;
};

EvaluationPackage* SeedFixtureTest::package_ = nullptr;

// Expects a cost-control row's three columns (fen).
void ExpectRow(const CostControlRow& row, const std::string& label, int64_t prior,
               int64_t budget, int64_t final_fen) {
  SCOPED_TRACE(label);
  EXPECT_EQ(row.label(), label);
  ASSERT_TRUE(row.has_prior_year_final_fen());
  ASSERT_TRUE(row.has_budget_fen());
  ASSERT_TRUE(row.has_final_fen());
  EXPECT_EQ(row.prior_year_final_fen(), prior);
  EXPECT_EQ(row.budget_fen(), budget);
  EXPECT_EQ(row.final_fen(), final_fen);
}

void ExpectColumns(const FundsColumns& c, int64_t initial, int64_t full_year, int64_t executed) {
  ASSERT_TRUE(c.has_initial_budget_fen());
  ASSERT_TRUE(c.has_full_year_budget_fen());
  ASSERT_TRUE(c.has_executed_fen());
  EXPECT_EQ(c.initial_budget_fen(), initial);
  EXPECT_EQ(c.full_year_budget_fen(), full_year);
  EXPECT_EQ(c.executed_fen(), executed);
}

void ExpectRate(const FiledRate& r, const std::string& text, int bp, int decimals) {
  EXPECT_EQ(r.text(), text);
  EXPECT_EQ(r.basis_points(), bp);
  EXPECT_EQ(r.decimals(), decimals);
}

// One expected level-3 row; weight/score < 0 means "blank on the form".
struct L3 {
  const char* name;
  const char* target;
  const char* actual;
  int weight;
  int score;
};

void ExpectLevel3(const Level3Indicator& got, const L3& want) {
  SCOPED_TRACE(want.name);
  EXPECT_EQ(got.name(), want.name);
  EXPECT_EQ(got.target().text(), want.target);
  EXPECT_EQ(got.actual().text(), want.actual);
  EXPECT_FALSE(got.target().has_parsed()) << "the server fills `parsed`";
  EXPECT_FALSE(got.actual().has_parsed()) << "the server fills `parsed`";
  if (want.weight < 0) {
    EXPECT_FALSE(got.has_weight_centipoints());
  } else {
    ASSERT_TRUE(got.has_weight_centipoints());
    EXPECT_EQ(got.weight_centipoints(), want.weight);
  }
  if (want.score < 0) {
    EXPECT_FALSE(got.has_self_score_centipoints());
  } else {
    ASSERT_TRUE(got.has_self_score_centipoints());
    EXPECT_EQ(got.self_score_centipoints(), want.score);
  }
}

// Walks an indicator tree in order: level-1 {declared weight, level-2 {category,
// name, one level-3}} and compares it with the expected rows.
struct L2 {
  v1::Level2Category category;
  const char* name;
  L3 indicator;
};

void ExpectTree(const google::protobuf::RepeatedPtrField<Level1Indicator>& tree,
                const std::vector<std::pair<int, std::vector<L2>>>& want) {
  static const v1::Level1Category kCats[] = {v1::LEVEL1_OUTPUT, v1::LEVEL1_BENEFIT,
                                              v1::LEVEL1_SATISFACTION};
  static const char* const kNames[] = {"产出指标", "效益指标", "满意度指标"};
  ASSERT_EQ(tree.size(), 3);
  for (int i = 0; i < 3; ++i) {
    const Level1Indicator& l1 = tree.Get(i);
    SCOPED_TRACE(kNames[i]);
    EXPECT_EQ(l1.category(), kCats[i]);
    EXPECT_EQ(l1.name(), kNames[i]);
    ASSERT_TRUE(l1.has_declared_weight_centipoints());
    EXPECT_EQ(l1.declared_weight_centipoints(), want[i].first);
    ASSERT_EQ(l1.level2_size(), static_cast<int>(want[i].second.size()));
    for (int j = 0; j < l1.level2_size(); ++j) {
      const auto& l2 = l1.level2(j);
      EXPECT_EQ(l2.category(), want[i].second[j].category);
      EXPECT_EQ(l2.name(), want[i].second[j].name);
      ASSERT_EQ(l2.indicators_size(), 1) << want[i].second[j].name;
      ExpectLevel3(l2.indicators(0), want[i].second[j].indicator);
    }
  }
}

// Sum of the level-3 weights and scores of a tree (blank counts as 0).
std::pair<int, int> SumLevel3(const google::protobuf::RepeatedPtrField<Level1Indicator>& tree) {
  int weight = 0, score = 0;
  for (const auto& l1 : tree)
    for (const auto& l2 : l1.level2())
      for (const auto& l3 : l2.indicators()) {
        weight += l3.weight_centipoints();
        score += l3.self_score_centipoints();
      }
  return {weight, score};
}

TEST_F(SeedFixtureTest, Identity) {
  EXPECT_EQ(pkg().unit().name(), "岳阳市住房保障服务中心岳阳楼区分中心");
  EXPECT_EQ(pkg().unit().supervising_department(), "岳阳市住房保障服务中心岳阳楼区分中心");
  EXPECT_EQ(pkg().unit().division_code(), "430602");
  EXPECT_EQ(pkg().unit().uscc(), "12430602MB1C04587D");
  EXPECT_EQ(pkg().year(), 2023);
}

// GB 32100-2015: check = 31 − (Σ value(c_i)·w_i mod 31), mod 31.
TEST_F(SeedFixtureTest, SyntheticUsccHasValidCheckCharacter) {
  const std::string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  const int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
  const std::string& uscc = pkg().unit().uscc();
  ASSERT_EQ(uscc.size(), 18u);
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    auto pos = alphabet.find(uscc[i]);
    ASSERT_NE(pos, std::string::npos) << uscc[i];
    sum += static_cast<int>(pos) * weights[i];
  }
  EXPECT_EQ(uscc[17], alphabet[(31 - sum % 31) % 31]);
  EXPECT_EQ(uscc.substr(2, 6), pkg().unit().division_code());
}

TEST_F(SeedFixtureTest, Attachment1Staffing) {
  const auto& s = pkg().basic_data().staffing();
  ASSERT_TRUE(s.has_authorized_posts());
  ASSERT_TRUE(s.has_actual_staff());
  EXPECT_EQ(s.authorized_posts(), 14);
  EXPECT_EQ(s.actual_staff(), 13);
  ExpectRate(s.control_rate(), "92.86%", 9286, 2);
}

TEST_F(SeedFixtureTest, Attachment1CostRows) {
  const auto& b = pkg().basic_data();
  const auto& t = b.three_public_expenses();
  ExpectRow(t.total(), "三公经费", 0, 0, 0);
  ExpectRow(t.official_vehicles(), "公务用车购置和维护经费", 0, 0, 0);
  ExpectRow(t.vehicle_purchase(), "公车购置", 0, 0, 0);
  ExpectRow(t.vehicle_operation(), "公车运行维护", 0, 0, 0);
  ExpectRow(t.overseas_travel(), "出国经费", 0, 0, 0);
  ExpectRow(t.official_reception(), "公务接待", 0, 0, 0);

  const auto& p = b.project_spending();
  ExpectRow(p.total(), "项目支出", 0, 40 * kFenPerWan, 136520000);
  ExpectRow(p.operating_work_funds(), "业务工作经费", 0, 40 * kFenPerWan, 40 * kFenPerWan);
  ExpectRow(p.operations_maintenance(), "运行维护经费", 0, 0, 0);
  EXPECT_EQ(p.other_lines_size(), 0) << "the '......' placeholder row is skipped";
  ExpectRow(p.district_special_funds_total(), "区级专项资金", 0, 0, 0);
  EXPECT_EQ(p.district_special_funds_size(), 0);
  ExpectRow(p.higher_transfers_total(), "上级转移支付", 0, 0, 0);
  EXPECT_EQ(p.higher_transfers_size(), 0);

  const auto& f = b.public_funds();
  ExpectRow(f.total(), "公用经费", 42910000, 23400000, 23400000);
  ExpectRow(f.office(), "办公经费", 1180000, 3000000, 3000000);
  ExpectRow(f.utilities_travel(), "水费、电费、差旅费", 1340000, 500000, 500000);
  ExpectRow(f.meetings_training(), "会议费、培训费", 0, 60000, 60000);  // "0.00" is present as 0

  ExpectRow(b.government_procurement(), "政府采购金额", 4620000, 9140000, 9140000);

  EXPECT_EQ(b.basic_budget_adjustments().prior_year_final(), "无");
  EXPECT_EQ(b.basic_budget_adjustments().budget(), "无");
  EXPECT_EQ(b.basic_budget_adjustments().final(), "无");
  EXPECT_EQ(b.building_projects_size(), 0);
  EXPECT_EQ(b.building_projects_note(), "无");
  EXPECT_EQ(b.frugality_measures(),
            "加强办公设备使用和耗材管理，多人共用一台打印机，减少经费支出。减少水电浪费，"
            "对不符合厉行节约的经费一律不批不报，禁止以外出培训等名义组织公款吃喝，精简会议。");
}

TEST_F(SeedFixtureTest, Attachment2Funds) {
  const auto& o = pkg().overall();
  ExpectColumns(o.funds().amounts(), 292470000, 385370000, 385270000);
  ASSERT_TRUE(o.funds().has_weight_centipoints());
  EXPECT_EQ(o.funds().weight_centipoints(), 1000);
  ExpectRate(o.funds().execution_rate(), "99.97%", 9997, 2);
  ASSERT_TRUE(o.funds().has_self_score_centipoints());
  EXPECT_EQ(o.funds().self_score_centipoints(), 1000);

  ASSERT_TRUE(o.by_source().has_general_public_budget_fen());
  ASSERT_TRUE(o.by_source().has_government_funds_fen());
  ASSERT_TRUE(o.by_source().has_non_tax_special_account_fen());
  ASSERT_TRUE(o.by_source().has_other_funds_fen());
  EXPECT_EQ(o.by_source().general_public_budget_fen(), 372810000);
  EXPECT_EQ(o.by_source().government_funds_fen(), 0);
  EXPECT_EQ(o.by_source().non_tax_special_account_fen(), 0);
  EXPECT_EQ(o.by_source().other_funds_fen(), 12560000);
  EXPECT_EQ(o.by_nature().basic_fen(), 248750000);
  EXPECT_EQ(o.by_nature().project_fen(), 136520000);

  ASSERT_EQ(o.goals_size(), 1);
  EXPECT_EQ(o.goals(0).expected(),
            "公租房租赁补贴：对辖区内低保户、低收入无房户或住房困难户发放租赁补贴，2023年度预期目标："
            "参与审核并发放公租房租赁补贴2600户，补贴金额765万元");
  EXPECT_EQ(o.goals(0).achieved(),
            "公租房租赁补贴：对辖区内低保户、低收入无房户或住房困难户发放租赁补贴，2023年度实际完成："
            "参与审核并发放公租房租赁补贴3079户，补贴金额916.60万元");

  ASSERT_TRUE(o.totals().has_weight_centipoints());
  ASSERT_TRUE(o.totals().has_self_score_centipoints());
  EXPECT_EQ(o.totals().weight_centipoints(), 10000);
  EXPECT_EQ(o.totals().self_score_centipoints(), 9800);
}

TEST_F(SeedFixtureTest, Attachment2IndicatorTree) {
  ExpectTree(
      pkg().overall().indicators(),
      {{5000,
        {{v1::LEVEL2_QUANTITY, "数量指标", {"补贴发放户数", "2600户", "3079户", 1500, 1500}},
         {v1::LEVEL2_QUALITY, "质量指标", {"补贴发放完成率", "100%", "118.42%", 1000, 1000}},
         {v1::LEVEL2_TIMELINESS, "时效指标", {"工作完成及时率", "2023年度", "2023年度", 1000, 1000}},
         {v1::LEVEL2_COST, "成本指标",
          {"住房租赁补贴年度预算成本动态合理控制", "765万元", "916.60万元", 1500, 1500}}}},
       {4000,
        {{v1::LEVEL2_ECONOMIC, "经济效益指标", {"补贴率（应补尽补）", "100%", "100%", 1000, 1000}},
         {v1::LEVEL2_SOCIAL, "社会效益指标", {"有效改善民生", "2600户", "3079户", 1000, 1000}},
         {v1::LEVEL2_ECOLOGICAL, "生态效益指标", {"住房租赁补贴", "765万元", "916.60万元", 1000, 1000}},
         {v1::LEVEL2_SUSTAINABILITY, "可持续影响指标",
          {"城区补贴群众住房条件改善", "2600户", "3079户", 1000, 1000}}}},
       {1000,
        {{v1::LEVEL2_BENEFICIARY_SATISFACTION, "服务对象满意度指标",
          {"社会公众满意度", "95%", "95%", 1000, 800}}}}});
}

TEST_F(SeedFixtureTest, Attachment3Project) {
  ASSERT_EQ(pkg().projects_size(), 1);
  const auto& p = pkg().projects(0);
  EXPECT_EQ(p.name(), "业务工作经费40万元");
  EXPECT_EQ(p.supervising_department(), "岳阳市住房保障服务中心岳阳楼区分中心");
  EXPECT_EQ(p.implementing_unit(), "岳阳市住房保障服务中心岳阳楼区分中心");
  ExpectColumns(p.funds().amounts(), 40 * kFenPerWan, 40 * kFenPerWan, 40 * kFenPerWan);
  EXPECT_EQ(p.funds().weight_centipoints(), 10000);
  ExpectRate(p.funds().execution_rate(), "100%", 10000, 0);
  EXPECT_EQ(p.funds().self_score_centipoints(), 9800);
  ExpectColumns(p.current_year_appropriation(), 40 * kFenPerWan, 40 * kFenPerWan, 40 * kFenPerWan);
  ExpectColumns(p.carry_over(), 0, 0, 0);
  ExpectColumns(p.other_funds(), 0, 0, 0);
  ASSERT_EQ(p.goals_size(), 1);
  EXPECT_EQ(p.goals(0).expected(), "单位日常运转、工作业务开展全年经费开支预期40万元");
  EXPECT_EQ(p.goals(0).achieved(), "单位日常运转、工作业务开展全年经费开支完成40万元");
  EXPECT_EQ(p.totals().weight_centipoints(), 10000);
  EXPECT_EQ(p.totals().self_score_centipoints(), 9800);

  ExpectTree(
      p.indicators(),
      {{5000,
        {{v1::LEVEL2_QUANTITY, "数量指标",
          {"业务工作经费（单位日常运转、工作业务开展各项开支）", "40", "40", 2000, 2000}},
         {v1::LEVEL2_QUALITY, "质量指标", {"工作完成率", "100%", "100%", 2000, 2000}},
         // The filer wrote "2023年度" in the name column too: kept.
         {v1::LEVEL2_TIMELINESS, "时效指标", {"2023年度", "2023年度", "2023年度", 500, 500}},
         {v1::LEVEL2_COST, "成本指标",
          {"业务工作经费（单位日常运转、工作业务开展各项开支合理控制成本不超支）", "40", "40", 500,
           500}}}},
       {4000,
        {{v1::LEVEL2_ECONOMIC, "经济效益指标",
          {"有效改善单位办公条件和办公效率", "40", "40", 2000, 2000}},
         {v1::LEVEL2_SOCIAL, "社会效益指标", {"有效促进单位住房保障职能强化", "40", "40", 2000, 2000}},
         {v1::LEVEL2_ECOLOGICAL, "生态效益指标", {"/", "/", "/", -1, -1}},
         {v1::LEVEL2_SUSTAINABILITY, "可持续影响指标", {"/", "/", "/", -1, -1}}}},
       {1000,
        {{v1::LEVEL2_BENEFICIARY_SATISFACTION, "服务对象满意度指标",
          {"社会公众满意度", "95%", "95%", 1000, 800}}}}});
}

TEST_F(SeedFixtureTest, Attachments4To6Statements) {
  EXPECT_EQ(pkg().government_funds().statement(), "2023年度本单位无政府性基金安排的支出。");
  EXPECT_EQ(pkg().state_capital_operations().statement(), "2023年度本单位无国有资本经营安排的支出。");
  EXPECT_EQ(pkg().social_insurance_funds().statement(), "2023年度本单位无社会保险基金安排的支出。");
  EXPECT_EQ(pkg().government_funds().lines_size(), 0);
  EXPECT_EQ(pkg().state_capital_operations().lines_size(), 0);
  EXPECT_EQ(pkg().social_insurance_funds().lines_size(), 0);
}

TEST_F(SeedFixtureTest, ReportBasicAndProjectSpending) {
  const auto& b = pkg().report().basic_spending();
  EXPECT_EQ(b.total_fen(), 252470000);
  EXPECT_EQ(b.personnel_fen(), 229070000);
  EXPECT_EQ(b.goods_services_fen(), 23400000);

  const std::pair<const char*, int64_t> personnel[] = {
      {"基本工资", 64320000},       {"津贴补贴", 40000},
      {"奖金", 37200000},           {"绩效工资", 34040000},
      {"机关事业单位基本养老保险缴费", 20150000},
      {"职业年金缴费", 10070000},   {"职工基本医疗保险缴费", 7380000},
      {"其他社会保障缴费", 1610000}, {"住房公积金", 15110000},
      {"退休费", 31880000}};
  ASSERT_EQ(b.personnel_items_size(), 11);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(b.personnel_items(i).name(), personnel[i].first);
    ASSERT_TRUE(b.personnel_items(i).has_amount_fen()) << personnel[i].first;
    EXPECT_EQ(b.personnel_items(i).amount_fen(), personnel[i].second) << personnel[i].first;
  }
  EXPECT_EQ(b.personnel_items(10).name(), "其他对个人和家庭的补助");
  EXPECT_FALSE(b.personnel_items(10).has_amount_fen()) << "named without a figure";

  const std::pair<const char*, int64_t> goods[] = {
      {"办公费", 3000000},       {"印刷费", 600000},   {"邮电费", 1560000},
      {"物业管理费", 5570000},   {"维修（护)费", 1000000}, {"工会经费", 2730000},
      {"其他交通费用", 8940000}};
  ASSERT_EQ(b.goods_services_items_size(), 7);
  int64_t goods_sum = 0;
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(b.goods_services_items(i).name(), goods[i].first);
    EXPECT_EQ(b.goods_services_items(i).amount_fen(), goods[i].second) << goods[i].first;
    goods_sum += b.goods_services_items(i).amount_fen();
  }
  EXPECT_EQ(goods_sum, b.goods_services_fen());

  const auto& p = pkg().report().project_spending();
  EXPECT_EQ(p.total_fen(), 40 * kFenPerWan);
  ASSERT_EQ(p.items_size(), 1);
  EXPECT_EQ(p.items(0).name(), "业务工作经费支出");
  EXPECT_EQ(p.items(0).amount_fen(), 40 * kFenPerWan);
}

TEST_F(SeedFixtureTest, ReportIncome) {
  const auto& in = pkg().report().income();
  EXPECT_EQ(in.total_fen(), 292470000);
  EXPECT_EQ(in.general_public_budget_fen(), 292470000);
  ASSERT_TRUE(in.has_higher_subsidy_fen());
  ASSERT_TRUE(in.has_business_income_fen());
  ASSERT_TRUE(in.has_carry_over_fen());
  EXPECT_EQ(in.higher_subsidy_fen(), 0);
  EXPECT_EQ(in.business_income_fen(), 0);
  EXPECT_EQ(in.carry_over_fen(), 0);
  EXPECT_EQ(in.change_from_prior_year_fen(), 48660000);
  EXPECT_EQ(in.change_reason(),
            "主要是因为取消非税收入返还后，财政增加的业务工作经费及食堂伙食费支出48.66万元。");
}

TEST_F(SeedFixtureTest, ReportExpenditureByFunction) {
  const auto& e = pkg().report().expenditure();
  EXPECT_EQ(e.total_fen(), 292470000);
  EXPECT_EQ(e.change_from_prior_year_fen(), 48660000);
  EXPECT_EQ(e.basic_change_from_prior_year_fen(), 48660000);
  EXPECT_FALSE(e.has_project_change_from_prior_year_fen()) << "not stated in the report";
  EXPECT_EQ(e.change_reason().rfind("增加的主要原因是社会保障和就业支出缴费比率提高", 0), 0u);
  struct Row {
    const char* code;
    const char* name;
    int64_t amount;  // -1: no amount stated
    int64_t change;
  };
  const Row rows[] = {{"208", "社会保障和就业支出", 63710000, 7080000},
                      {"210", "卫生健康支出", 7380000, 7380000},
                      {"212", "城乡社区支出", 206270000, 42420000},
                      {"221", "住房保障支出", 15110000, -670000},
                      {"201", "一般公共服务支出", -1, -7550000}};
  ASSERT_EQ(e.by_function_size(), 5);
  int64_t amounts = 0, changes = 0;
  for (int i = 0; i < 5; ++i) {
    const auto& f = e.by_function(i);
    SCOPED_TRACE(rows[i].code);
    EXPECT_EQ(f.code(), rows[i].code);
    EXPECT_EQ(f.name(), rows[i].name);
    if (rows[i].amount < 0) {
      EXPECT_FALSE(f.has_amount_fen());
    } else {
      EXPECT_EQ(f.amount_fen(), rows[i].amount);
    }
    EXPECT_EQ(f.change_from_prior_year_fen(), rows[i].change);
    amounts += f.amount_fen();
    changes += f.change_from_prior_year_fen();
  }
  // These two do agree in the seed.
  EXPECT_EQ(amounts, e.total_fen());
  EXPECT_EQ(changes, e.change_from_prior_year_fen());
}

TEST_F(SeedFixtureTest, ReportGeneralPublicBudgetShares) {
  const auto& g = pkg().report().general_public_budget_expenditure();
  EXPECT_EQ(g.total_fen(), 292470000);
  ASSERT_EQ(g.by_function_size(), 4);
  EXPECT_EQ(g.by_function(0).code(), "208");
  EXPECT_EQ(g.by_function(0).amount_fen(), 63710000);
  ExpectRate(g.by_function(0).share(), "25.23%", 2523, 2);
  EXPECT_EQ(g.by_function(1).code(), "212");
  EXPECT_EQ(g.by_function(1).amount_fen(), 206270000);
  ExpectRate(g.by_function(1).share(), "81.7%", 8170, 1);
  EXPECT_EQ(g.by_function(2).code(), "221");
  EXPECT_EQ(g.by_function(2).amount_fen(), 15110000);
  ExpectRate(g.by_function(2).share(), "5.9%", 590, 1);
  EXPECT_EQ(g.by_function(3).code(), "210");
  EXPECT_EQ(g.by_function(3).amount_fen(), 7380000);
  ExpectRate(g.by_function(3).share(), "2.9%", 290, 1);
}

TEST_F(SeedFixtureTest, ReportSections) {
  const auto& s = pkg().report().sections();
  ASSERT_EQ(s.size(), 10);
  const char* const headings[] = {"一、单位基本情况",
                                  "二、一般公共预算支出情况",
                                  "三、政府性基金预算支出情况",
                                  "四、国有资本经营预算支出情况",
                                  "五、社会保险基金预算支出情况",
                                  "六、单位整体支出绩效情况",
                                  "七、存在的问题及原因分析",
                                  "八、下一步改进措施",
                                  "九、单位整体支出绩效自评结果拟应用和公开情况",
                                  "十、其他需要说明的情况"};
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(s.Get(i).heading(), headings[i]);
    EXPECT_FALSE(s.Get(i).text().empty()) << headings[i];
    EXPECT_EQ(s.Get(i).text().find("[bookmark:"), std::string::npos) << headings[i];
  }
  EXPECT_EQ(s.Get(0).text().rfind("（一）职能职责\n1.负责宣传贯彻执行国家", 0), 0u);
  EXPECT_NE(s.Get(0).text().find("区委编委核定全额事业编14个，目前在职在编13人"), std::string::npos);
  EXPECT_EQ(s.Get(2).text(), pkg().government_funds().statement());
  EXPECT_EQ(s.Get(3).text(), pkg().state_capital_operations().statement());
  EXPECT_EQ(s.Get(4).text(), pkg().social_insurance_funds().statement());
  // A bookmark marker stood at the start of this paragraph; the text follows on.
  EXPECT_NE(s.Get(5).text().find("\n2023年一般公共预算拨款支出292.47万元，其中"), std::string::npos);
  EXPECT_NE(s.Get(6).text().find("\n2.执行上级组织决定方面。"), std::string::npos);
  EXPECT_NE(s.Get(6).text().find("\n4.加强党员教育管理监督方面。"), std::string::npos);
  EXPECT_EQ(s.Get(8).text(),
            "根据区财政局规定，我单位将在楼区政府门户网站公示2023年度绩效自评结果，接受社会各界的监督。");
  EXPECT_EQ(s.Get(9).text(), "无。");
}

// The seed's own inconsistencies must survive the fixture: the checkers are
// tested against them.
TEST_F(SeedFixtureTest, SeedMistakesAreKeptAsFiled) {
  const auto& b = pkg().basic_data();
  // Attachment 1: project-spending total final 136.52 while its lines add up to 40.
  const auto& ps = b.project_spending();
  int64_t lines = ps.operating_work_funds().final_fen() + ps.operations_maintenance().final_fen() +
                  ps.district_special_funds_total().final_fen() +
                  ps.higher_transfers_total().final_fen();
  EXPECT_EQ(lines, 40 * kFenPerWan);
  EXPECT_EQ(ps.total().final_fen(), 136520000);
  EXPECT_NE(ps.total().final_fen(), lines);

  // Attachment 2: funds weight 10 + level-3 weights 100 = 110, total declared 100;
  // scores 10 + 98 = 108, total declared 98.
  const auto& o = pkg().overall();
  auto [w2, s2] = SumLevel3(o.indicators());
  EXPECT_EQ(w2, 10000);
  EXPECT_EQ(s2, 9800);
  EXPECT_EQ(o.funds().weight_centipoints() + w2, 11000);
  EXPECT_EQ(o.totals().weight_centipoints(), 10000);
  EXPECT_EQ(o.funds().self_score_centipoints() + s2, 10800);
  EXPECT_EQ(o.totals().self_score_centipoints(), 9800);
  // Attachment 2 project spending 136.52 vs the one attachment-3 project of 40
  // and the report's project spending of 40.
  EXPECT_EQ(o.by_nature().project_fen(), 136520000);
  EXPECT_EQ(pkg().projects(0).funds().amounts().executed_fen(), 40 * kFenPerWan);
  EXPECT_EQ(pkg().report().project_spending().total_fen(), 40 * kFenPerWan);
  // Basic spending: 248.75 in attachment 2, 252.47 in the report.
  EXPECT_EQ(o.by_nature().basic_fen(), 248750000);
  EXPECT_EQ(pkg().report().basic_spending().total_fen(), 252470000);
  // Attachment 2 full-year budget 385.37 vs report income/expenditure 292.47
  // (which equals attachment 2's initial budget).
  EXPECT_EQ(o.funds().amounts().full_year_budget_fen(), 385370000);
  EXPECT_EQ(pkg().report().expenditure().total_fen(), o.funds().amounts().initial_budget_fen());

  // Attachment 3: funds weight 100 on top of level-3 weights 100; score 98 with
  // 100% execution.
  const auto& p = pkg().projects(0);
  auto [w3, s3] = SumLevel3(p.indicators());
  EXPECT_EQ(w3, 10000);
  EXPECT_EQ(s3, 9800);
  EXPECT_EQ(p.funds().weight_centipoints(), 10000);
  EXPECT_EQ(p.funds().self_score_centipoints(), 9800);

  // Report: the personnel items with a figure add to 221.80 against 229.07;
  // 7.27 is left to 其他对个人和家庭的补助, which has no figure.
  int64_t personnel = 0;
  for (const auto& item : pkg().report().basic_spending().personnel_items())
    personnel += item.amount_fen();
  EXPECT_EQ(personnel, 221800000);
  EXPECT_NE(personnel, pkg().report().basic_spending().personnel_fen());

  // Report shares do not match amount ÷ total (63.71 ÷ 292.47 = 21.78%, ...),
  // and they add to 115.73%.
  const auto& g = pkg().report().general_public_budget_expenditure();
  int share_sum = 0;
  for (const auto& f : g.by_function()) {
    int64_t computed_bp = (f.amount_fen() * 10000 + g.total_fen() / 2) / g.total_fen();
    EXPECT_NE(computed_bp, f.share().basis_points()) << f.code();
    share_sum += f.share().basis_points();
  }
  EXPECT_EQ(share_sum, 11573);
}

TEST(SeedFixtureStrictnessTest, UnknownFieldIsRejected) {
  std::string text = ReadFixtureText();
  ASSERT_FALSE(text.empty()) << FixturePath();
  auto brace = text.find('{');
  ASSERT_NE(brace, std::string::npos);
  text.insert(brace + 1, "\"bogus\": 1,");
  auto parsed = ParsePackageJson(text);
  ASSERT_THAT(parsed, ::testing::Not(IsOk()));
  EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument)) << parsed.status();
}

TEST(SeedFixtureStrictnessTest, MissingFileIsNotFound) {
  auto loaded = LoadPackageJsonFile(FixturePath() + ".does-not-exist");
  EXPECT_THAT(loaded, StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(SeedFixtureTest, RoundTripIsLossless) {
  const std::string json = PackageToJson(pkg());
  auto again = ParsePackageJson(json);
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(pkg(), *again));
  // Compact output parses back to the same message too.
  auto compact = ParsePackageJson(PackageToJson(pkg(), /*pretty=*/false));
  ASSERT_THAT(compact, IsOk());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(pkg(), *compact));
}

}  // namespace
}  // namespace budgetperf
