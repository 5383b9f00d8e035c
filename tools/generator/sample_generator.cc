#include "tools/generator/sample_generator.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/codes/uscc.h"
#include "common/money/money.h"
#include "common/money/rate.h"
#include "common/numeric/checked_math.h"

namespace budgetperf {
namespace {

constexpr int64_t kCent = 10'000;  // 0.01 万元 in fen: the forms' resolution

// splitmix64: a small, well-mixed, portable generator.
class Random {
 public:
  explicit Random(uint64_t state) : state_(state) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  // An amount in whole 0.01 万元 between lo and hi 万元 hundredths.
  int64_t Amount(int64_t lo_cents, int64_t hi_cents) { return Between(lo_cents, hi_cents) * kCent; }
  bool OneIn(int n) { return n > 0 && Between(0, n - 1) == 0; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<size_t>(Between(0, static_cast<int64_t>(items.size()) - 1))];
  }

 private:
  uint64_t state_;
};

uint64_t HashText(absl::string_view text) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// Rounds `fen * percent / 100` down to whole 0.01 万元.
int64_t PercentOf(int64_t fen, int64_t percent) {
  return fen * percent / 100 / kCent * kCent;
}

std::string Wan(int64_t fen) { return FormatWanYuan(fen); }

// numerator × scale ÷ denominator rounded half up; 0 over a zero denominator.
int32_t RoundHalfUpRatio(int64_t numerator, int64_t denominator, int64_t scale) {
  return static_cast<int32_t>(MulDivRoundHalfUp(numerator, scale, denominator).value_or(0));
}

void SetRate(int64_t numerator, int64_t denominator, v1::FiledRate* rate) {
  const int64_t bp = RateBasisPoints(numerator, denominator).value_or(0);
  rate->set_basis_points(static_cast<int32_t>(bp));
  rate->set_decimals(2);
  rate->set_text(FormatBasisPoints(bp));
}

// The USCC check character never fails for a body built from the charset.
std::string MakeUscc(absl::string_view prefix2, absl::string_view division,
                     uint64_t hash) {
  std::string body = absl::StrCat(prefix2, division, "MB");
  for (int i = 0; i < 7; ++i) {
    body.push_back(kUsccCharset[hash % kUsccCharset.size()]);
    hash /= kUsccCharset.size();
  }
  return body + *UsccCheckCharacter(body);
}

struct DepartmentKind {
  const char* name;           // e.g. "教育局"
  const char* function_code;  // main functional classification
  const char* function_name;
  std::vector<const char*> unit_templates;  // {d} district, {p} place, {n} number
  const char* main_project;   // typical operating project
  const char* output_name;    // typical quantity indicator
  const char* output_unit;
};

const std::vector<DepartmentKind>& DepartmentKinds() {
  static const auto* kinds = new std::vector<DepartmentKind>{
      {"教育局", "205", "教育支出", {"{d}第{n}中学", "{d}第{n}小学", "{d}{p}幼儿园"},
       "学校运转经费", "在校学生人数", "人"},
      {"卫生健康局", "210", "卫生健康支出", {"{d}{p}社区卫生服务中心", "{d}妇幼保健计划生育服务中心{n}站"},
       "基本公共卫生服务经费", "建立居民健康档案数", "份"},
      {"住房和城乡建设局", "212", "城乡社区支出", {"{d}{p}住房保障服务站", "{d}城市建设服务中心{n}所"},
       "城市维护项目经费", "维修改造房屋套数", "套"},
      {"民政局", "208", "社会保障和就业支出", {"{d}{p}街道社会救助站", "{d}{p}养老服务中心"},
       "社会救助工作经费", "救助困难群众人次", "人次"},
      {"人力资源和社会保障局", "208", "社会保障和就业支出", {"{d}{p}就业服务站", "{d}劳动保障监察{n}中队"},
       "就业服务工作经费", "开展职业培训人次", "人次"},
      {"城市管理局", "212", "城乡社区支出", {"{d}{p}环境卫生管理站", "{d}市政设施维护{n}所"},
       "环境卫生作业经费", "清扫保洁面积", "万平方米"},
      {"农业农村局", "213", "农林水支出", {"{d}{p}农业技术推广站", "{d}农村经营服务{n}站"},
       "农业技术推广经费", "推广技术培训人次", "人次"},
      {"财政局", "201", "一般公共服务支出", {"{d}{p}财政所", "{d}国库集中支付{n}分中心"},
       "财政业务工作经费", "办理资金支付笔数", "笔"},
  };
  return *kinds;
}

const std::vector<const char*>& Places() {
  static const auto* places = new std::vector<const char*>{
      "洞庭", "岳阳楼", "东茅岭", "城东", "望岳路", "五里牌", "金鹗山", "奇家岭", "三眼桥",
      "吕仙亭", "枫桥湖", "站前路", "求索", "郭镇", "康王", "西塘", "麻塘", "云溪"};
  return *places;
}

const DepartmentKind& KindOfDepartment(absl::string_view department_name) {
  for (const DepartmentKind& kind : DepartmentKinds()) {
    if (absl::EndsWith(department_name, kind.name)) return kind;
  }
  return DepartmentKinds().front();
}

// The figures of one unit for one year, before they are laid out on forms.
struct YearFigures {
  int authorized = 0;
  int actual_staff = 0;
  int64_t personnel = 0;
  int64_t office = 0, utilities_travel = 0, meetings_training = 0, other_goods = 0;
  int64_t public_funds_budget = 0;
  int64_t vehicle_purchase = 0, vehicle_operation = 0, overseas = 0, reception = 0;
  int64_t procurement = 0, procurement_budget = 0;
  int64_t basic_budget_slack = 0;
  struct ProjectLine {
    std::string name;
    int kind = 0;  // 0 operating, 1 O&M, 2 district special fund, 3 higher transfer
    int64_t budget = 0;
    int64_t final = 0;
  };
  std::vector<ProjectLine> projects;
  int64_t other_funds = 0;  // 其他资金 within the full-year budget
  int64_t initial_cut = 0;  // full-year budget − initial budget

  int64_t goods() const { return office + utilities_travel + meetings_training + other_goods; }
  int64_t basic() const { return personnel + goods(); }
  int64_t project_final() const {
    int64_t sum = 0;
    for (const auto& p : projects) sum += p.final;
    return sum;
  }
  int64_t project_budget() const {
    int64_t sum = 0;
    for (const auto& p : projects) sum += p.budget;
    return sum;
  }
  int64_t executed() const { return basic() + project_final(); }
  int64_t full_year_budget() const {
    return basic() + basic_budget_slack + project_budget();
  }
  int64_t initial_budget() const { return full_year_budget() - initial_cut; }
};

YearFigures FiguresFor(uint64_t seed, const SampleUnit& unit, int year) {
  Random rng(seed ^ HashText(unit.uscc) ^ (static_cast<uint64_t>(year) * 0x100000001b3ULL));
  const DepartmentKind& kind = KindOfDepartment(unit.department_name);
  YearFigures f;
  f.authorized = static_cast<int>(rng.Between(6, 80));
  f.actual_staff = std::max(1, f.authorized - static_cast<int>(rng.Between(0, 3)));
  f.personnel = f.actual_staff * rng.Amount(900, 1'800);  // 9–18 万元 a head
  f.office = f.actual_staff * rng.Amount(5, 25);
  f.utilities_travel = f.actual_staff * rng.Amount(3, 20);
  f.meetings_training = rng.Amount(0, 80);
  f.other_goods = f.actual_staff * rng.Amount(10, 60);
  f.public_funds_budget = f.goods() + rng.Amount(0, 50);
  f.vehicle_purchase = rng.OneIn(12) ? rng.Amount(1'000, 2'500) : 0;
  f.vehicle_operation = rng.OneIn(3) ? 0 : rng.Amount(50, 600);
  f.overseas = 0;
  f.reception = rng.Amount(0, 300);
  f.procurement = rng.Amount(100, 5'000);
  f.procurement_budget = f.procurement + rng.Amount(0, 300);
  f.basic_budget_slack = rng.Amount(0, 200);
  auto add_line = [&](std::string name, int line_kind, int64_t lo, int64_t hi) {
    YearFigures::ProjectLine line;
    line.name = std::move(name);
    line.kind = line_kind;
    line.final = rng.Amount(lo, hi);
    line.budget = line.final + PercentOf(line.final, rng.Between(0, 4));
    f.projects.push_back(std::move(line));
  };
  add_line(kind.main_project, 0, 1'000, 30'000);
  if (rng.OneIn(2)) add_line("运行维护经费", 1, 500, 8'000);
  if (rng.OneIn(3)) add_line(absl::StrCat("区级", kind.output_name, "专项资金"), 2, 1'000, 20'000);
  if (rng.OneIn(4)) add_line(absl::StrCat("中央转移支付", kind.main_project), 3, 1'000, 40'000);
  const int64_t full_year = f.full_year_budget();
  f.other_funds = rng.OneIn(3) ? PercentOf(full_year, rng.Between(1, 5)) : 0;
  f.initial_cut = PercentOf(full_year, rng.Between(0, 25));
  return f;
}

void SetRow(absl::string_view label, int64_t prior, int64_t budget, int64_t final,
            v1::CostControlRow* row) {
  row->set_label(std::string(label));
  row->set_prior_year_final_fen(prior);
  row->set_budget_fen(budget);
  row->set_final_fen(final);
}

// Adds a level-3 indicator under `level2`, returning its self-score.
int32_t AddIndicator(v1::Level2Indicator* level2, absl::string_view name,
                     absl::string_view target, absl::string_view actual, int32_t weight,
                     int32_t self_score, absl::string_view deviation = "") {
  v1::Level3Indicator* indicator = level2->add_indicators();
  indicator->set_name(std::string(name));
  indicator->mutable_target()->set_text(std::string(target));
  indicator->mutable_actual()->set_text(std::string(actual));
  indicator->set_weight_centipoints(weight);
  indicator->set_self_score_centipoints(self_score);
  indicator->set_deviation_analysis(std::string(deviation));
  return self_score;
}

v1::Level2Indicator* AddLevel2(v1::Level1Indicator* level1, v1::Level2Category category,
                               absl::string_view name) {
  v1::Level2Indicator* level2 = level1->add_level2();
  level2->set_category(category);
  level2->set_name(std::string(name));
  return level2;
}

v1::Level1Indicator* AddLevel1(google::protobuf::RepeatedPtrField<v1::Level1Indicator>* tree,
                               v1::Level1Category category, absl::string_view name,
                               int32_t declared_weight) {
  v1::Level1Indicator* level1 = tree->Add();
  level1->set_category(category);
  level1->set_name(std::string(name));
  level1->set_declared_weight_centipoints(declared_weight);
  return level1;
}

struct TreeInputs {
  int year = 0;
  std::string output_name;
  std::string output_unit;
  int64_t output_target = 0;
  int64_t cost_target_fen = 0;
  int64_t cost_actual_fen = 0;
  bool miss_quantity = false;     // the quantity indicator reaches only 90%
  bool inflate_scores = false;    // score the missed quantity in full anyway
  bool overrun_cost = false;      // cost actual 10% above target, scored in full
  int satisfaction = 95;
};

// The national-2020 tree: output 50, benefit 30, satisfaction 10 (with the
// execution-rate line's 10: 100). Returns the sum of the self-scores.
int32_t BuildTree(const TreeInputs& in,
                  google::protobuf::RepeatedPtrField<v1::Level1Indicator>* tree) {
  int32_t total = 0;
  v1::Level1Indicator* output = AddLevel1(tree, v1::LEVEL1_OUTPUT, "产出指标", 5000);
  const int64_t target = in.output_target;
  if (in.miss_quantity) {
    const int64_t actual = target * 9 / 10;
    const int32_t earned = RoundHalfUpRatio(actual, target, 1500);
    total += AddIndicator(AddLevel2(output, v1::LEVEL2_QUANTITY, "数量指标"), in.output_name,
                          absl::StrCat(target, in.output_unit), absl::StrCat(actual, in.output_unit),
                          1500, in.inflate_scores ? 1500 : earned,
                          in.inflate_scores ? "" : "受政策调整影响，服务对象减少；下年度加强需求摸底。");
  } else {
    const int64_t actual = target + target * 5 / 100;
    total += AddIndicator(AddLevel2(output, v1::LEVEL2_QUANTITY, "数量指标"), in.output_name,
                          absl::StrCat(target, in.output_unit), absl::StrCat(actual, in.output_unit),
                          1500, 1500);
  }
  total += AddIndicator(AddLevel2(output, v1::LEVEL2_QUALITY, "质量指标"), "工作完成合格率",
                        "≥95%", "98%", 1000, 1000);
  total += AddIndicator(AddLevel2(output, v1::LEVEL2_TIMELINESS, "时效指标"), "按期完成率",
                        absl::StrCat(in.year, "年度"), absl::StrCat(in.year, "年度"), 1000, 1000);
  const int64_t cost_actual =
      in.overrun_cost ? in.cost_target_fen + PercentOf(in.cost_target_fen, 10) : in.cost_actual_fen;
  total += AddIndicator(AddLevel2(output, v1::LEVEL2_COST, "成本指标"), "项目成本控制",
                        absl::StrCat("≤", Wan(in.cost_target_fen), "万元"),
                        absl::StrCat(Wan(cost_actual), "万元"), 1500, 1500);

  v1::Level1Indicator* benefit = AddLevel1(tree, v1::LEVEL1_BENEFIT, "效益指标", 3000);
  total += AddIndicator(AddLevel2(benefit, v1::LEVEL2_ECONOMIC, "经济效益指标"), "资金使用合规率",
                        "100%", "100%", 1000, 1000);
  total += AddIndicator(AddLevel2(benefit, v1::LEVEL2_SOCIAL, "社会效益指标"), "服务群众能力提升",
                        "有效提升", "达成预期指标", 1000, 1000);
  total += AddIndicator(AddLevel2(benefit, v1::LEVEL2_SUSTAINABILITY, "可持续影响指标"),
                        "长效管理机制建立", "建立健全", "达成预期指标", 1000, 1000);

  v1::Level1Indicator* satisfaction =
      AddLevel1(tree, v1::LEVEL1_SATISFACTION, "满意度指标", 1000);
  total += AddIndicator(AddLevel2(satisfaction, v1::LEVEL2_BENEFICIARY_SATISFACTION, "服务对象满意度指标"),
                        "服务对象满意度", "≥90%", absl::StrCat(in.satisfaction, "%"), 1000, 1000);
  return total;
}

// Fills a funds row with the 10-point execution-rate line; returns its self-score.
int32_t FillFunds(int64_t initial, int64_t full_year, int64_t executed, v1::FundsTotal* funds) {
  funds->mutable_amounts()->set_initial_budget_fen(initial);
  funds->mutable_amounts()->set_full_year_budget_fen(full_year);
  funds->mutable_amounts()->set_executed_fen(executed);
  funds->set_weight_centipoints(1000);
  SetRate(executed, full_year, funds->mutable_execution_rate());
  const int32_t score = std::min<int32_t>(1000, RoundHalfUpRatio(executed, full_year, 1000));
  funds->set_self_score_centipoints(score);
  return score;
}

void FillColumns(int64_t initial, int64_t full_year, int64_t executed, v1::FundsColumns* columns) {
  columns->set_initial_budget_fen(initial);
  columns->set_full_year_budget_fen(full_year);
  columns->set_executed_fen(executed);
}

// Splits a total over the report's functional classes: the department's own
// class takes what the personnel-linked classes leave.
std::vector<std::pair<std::pair<std::string, std::string>, int64_t>> ByFunction(
    const DepartmentKind& kind, const YearFigures& f) {
  std::map<std::pair<std::string, std::string>, int64_t> amounts;
  const int64_t social = PercentOf(f.personnel, 14);
  const int64_t health = PercentOf(f.personnel, 5);
  const int64_t housing = PercentOf(f.personnel, 8);
  amounts[{"208", "社会保障和就业支出"}] += social;
  amounts[{"210", "卫生健康支出"}] += health;
  amounts[{"221", "住房保障支出"}] += housing;
  amounts[{kind.function_code, kind.function_name}] += f.executed() - social - health - housing;
  return {amounts.begin(), amounts.end()};
}

}  // namespace

std::vector<Anomaly> AllAnomalies() {
  return {Anomaly::kProjectLinesDontAddUp, Anomaly::kOverrunScoredFull,
          Anomaly::kExecutionRateMisstated, Anomaly::kReportBasicSpendingMismatch,
          Anomaly::kSelfScoreInflated};
}

std::string AnomalyName(Anomaly anomaly) {
  switch (anomaly) {
    case Anomaly::kNone: return "none";
    case Anomaly::kProjectLinesDontAddUp: return "project-lines-dont-add-up";
    case Anomaly::kOverrunScoredFull: return "overrun-scored-full";
    case Anomaly::kExecutionRateMisstated: return "execution-rate-misstated";
    case Anomaly::kReportBasicSpendingMismatch: return "report-basic-spending-mismatch";
    case Anomaly::kSelfScoreInflated: return "self-score-inflated";
  }
  return "unknown";
}

SampleDistrict SampleGenerator::District(absl::string_view division_code,
                                         absl::string_view name, int departments,
                                         int units) const {
  SampleDistrict district;
  district.division_code = std::string(division_code);
  district.name = std::string(name);
  district.org.push_back({district.division_code, district.name, "district", "",
                          district.division_code});
  Random rng(seed_ ^ HashText(division_code));
  const auto& kinds = DepartmentKinds();
  const int department_count = std::max(1, departments);
  std::vector<SampleUnit> department_units;
  for (int d = 0; d < department_count; ++d) {
    const DepartmentKind& kind = kinds[static_cast<size_t>(d) % kinds.size()];
    SampleUnit department;
    department.name = absl::StrCat(name, kind.name);
    if (d >= static_cast<int>(kinds.size())) absl::StrAppend(&department.name, d / kinds.size() + 1);
    department.uscc = MakeUscc("11", division_code, HashText(absl::StrCat(seed_, "/d/", d)));
    department.division_code = district.division_code;
    department.department_name = department.name;
    department.department_uscc = department.uscc;
    district.org.push_back({department.uscc, department.name, "department",
                            district.division_code, district.division_code});
    department_units.push_back(department);
  }
  district.units = department_units;
  std::map<std::string, int> names_seen;
  for (int u = 0; u < units; ++u) {
    const SampleUnit& department = department_units[static_cast<size_t>(u) % department_units.size()];
    const DepartmentKind& kind = KindOfDepartment(department.name);
    SampleUnit unit;
    std::string unit_name = absl::StrReplaceAll(
        rng.Pick(kind.unit_templates),
        {{"{d}", name}, {"{p}", rng.Pick(Places())}, {"{n}", absl::StrCat(rng.Between(1, 12))}});
    if (int seen = names_seen[unit_name]++; seen > 0) absl::StrAppend(&unit_name, "（", seen + 1, "）");
    unit.name = unit_name;
    unit.uscc = MakeUscc("12", division_code, HashText(absl::StrCat(seed_, "/u/", u)));
    unit.division_code = district.division_code;
    unit.department_name = department.name;
    unit.department_uscc = department.uscc;
    district.org.push_back({unit.uscc, unit.name, "unit", department.uscc, district.division_code});
    district.units.push_back(unit);
  }
  for (size_t i = 0; i < district.units.size(); ++i) district.units[i].index = static_cast<int>(i);
  return district;
}

Anomaly SampleGenerator::PlantedAnomaly(const SampleUnit& unit, int year, int one_in) const {
  Random rng(seed_ ^ HashText(unit.uscc) ^ static_cast<uint64_t>(year) ^ 0xa5a5a5a5ULL);
  if (!rng.OneIn(one_in)) return Anomaly::kNone;
  const std::vector<Anomaly> all = AllAnomalies();
  return rng.Pick(all);
}

v1::EvaluationPackage SampleGenerator::Package(const SampleUnit& unit, int year,
                                               Anomaly anomaly) const {
  const YearFigures f = FiguresFor(seed_, unit, year);
  const YearFigures prior = FiguresFor(seed_, unit, year - 1);
  const DepartmentKind& kind = KindOfDepartment(unit.department_name);
  Random rng(seed_ ^ HashText(unit.uscc) ^ static_cast<uint64_t>(year) ^ 0x5eedULL);

  v1::EvaluationPackage package;
  v1::UnitIdentity* identity = package.mutable_unit();
  identity->set_name(unit.name);
  identity->set_uscc(unit.uscc);
  identity->set_division_code(unit.division_code);
  identity->set_supervising_department(unit.department_name);
  identity->set_supervising_department_uscc(unit.department_uscc);
  package.set_year(year);

  // 附件1
  v1::BasicDataTable* basic = package.mutable_basic_data();
  basic->mutable_staffing()->set_authorized_posts(f.authorized);
  basic->mutable_staffing()->set_actual_staff(f.actual_staff);
  SetRate(f.actual_staff, f.authorized, basic->mutable_staffing()->mutable_control_rate());

  v1::ThreePublicExpenses* three = basic->mutable_three_public_expenses();
  auto vehicles = [](const YearFigures& y) { return y.vehicle_purchase + y.vehicle_operation; };
  auto three_total = [&](const YearFigures& y) { return vehicles(y) + y.overseas + y.reception; };
  SetRow("三公经费", three_total(prior), three_total(f), three_total(f), three->mutable_total());
  SetRow("公务用车购置和维护经费", vehicles(prior), vehicles(f), vehicles(f),
         three->mutable_official_vehicles());
  SetRow("公车购置", prior.vehicle_purchase, f.vehicle_purchase, f.vehicle_purchase,
         three->mutable_vehicle_purchase());
  SetRow("公车运行维护", prior.vehicle_operation, f.vehicle_operation, f.vehicle_operation,
         three->mutable_vehicle_operation());
  SetRow("出国经费", prior.overseas, f.overseas, f.overseas, three->mutable_overseas_travel());
  SetRow("公务接待", prior.reception, f.reception, f.reception, three->mutable_official_reception());

  // Project lines: the prior-year column is last year's line of the same kind.
  v1::ProjectSpendingTable* projects = basic->mutable_project_spending();
  auto prior_of_kind = [&](int line_kind) {
    int64_t sum = 0;
    for (const auto& p : prior.projects) {
      if (p.kind == line_kind) sum += p.final;
    }
    return sum;
  };
  auto of_kind = [&](int line_kind, bool budget) {
    int64_t sum = 0;
    for (const auto& p : f.projects) {
      if (p.kind == line_kind) sum += budget ? p.budget : p.final;
    }
    return sum;
  };
  SetRow("项目支出", prior.project_final(), f.project_budget(), f.project_final(),
         projects->mutable_total());
  SetRow("业务工作经费", prior_of_kind(0), of_kind(0, true), of_kind(0, false),
         projects->mutable_operating_work_funds());
  SetRow("运行维护经费", prior_of_kind(1), of_kind(1, true), of_kind(1, false),
         projects->mutable_operations_maintenance());
  SetRow("区级专项资金", prior_of_kind(2), of_kind(2, true), of_kind(2, false),
         projects->mutable_district_special_funds_total());
  SetRow("上级转移支付", prior_of_kind(3), of_kind(3, true), of_kind(3, false),
         projects->mutable_higher_transfers_total());
  for (const auto& p : f.projects) {
    // At most one line of each kind a year, so last year's line is the kind's total.
    if (p.kind == 2) {
      SetRow(p.name, prior_of_kind(2), p.budget, p.final, projects->add_district_special_funds());
    }
    if (p.kind == 3) {
      SetRow(p.name, prior_of_kind(3), p.budget, p.final, projects->add_higher_transfers());
    }
  }

  v1::PublicFunds* funds = basic->mutable_public_funds();
  SetRow("公用经费", prior.goods(), f.public_funds_budget, f.goods(), funds->mutable_total());
  SetRow("办公经费", prior.office, f.office, f.office, funds->mutable_office());
  SetRow("水费、电费、差旅费", prior.utilities_travel, f.utilities_travel, f.utilities_travel,
         funds->mutable_utilities_travel());
  SetRow("会议费、培训费", prior.meetings_training, f.meetings_training, f.meetings_training,
         funds->mutable_meetings_training());
  SetRow("政府采购金额", prior.procurement, f.procurement_budget, f.procurement,
         basic->mutable_government_procurement());
  basic->mutable_basic_budget_adjustments()->set_prior_year_final("无");
  basic->mutable_basic_budget_adjustments()->set_budget("无");
  basic->mutable_basic_budget_adjustments()->set_final("无");
  basic->set_building_projects_note("无");
  basic->set_frugality_measures(
      "严格执行中央八项规定精神，压减一般性支出；加强公务接待和会议培训管理，"
      "办公设备集中采购、共享使用，节约水电。");

  // 附件2
  v1::OverallSelfEvaluation* overall = package.mutable_overall();
  const int64_t full_year = f.full_year_budget();
  const int64_t executed = f.executed();
  int32_t overall_self = FillFunds(f.initial_budget(), full_year, executed, overall->mutable_funds());
  overall->mutable_by_source()->set_general_public_budget_fen(full_year - f.other_funds);
  overall->mutable_by_source()->set_government_funds_fen(0);
  overall->mutable_by_source()->set_non_tax_special_account_fen(0);
  overall->mutable_by_source()->set_other_funds_fen(f.other_funds);
  overall->mutable_by_nature()->set_basic_fen(f.basic());
  overall->mutable_by_nature()->set_project_fen(f.project_final());
  v1::AnnualGoal* goal = overall->add_goals();
  goal->set_expected(absl::StrCat("保障单位正常运转和", kind.main_project, "足额及时到位，", year,
                                  "年度预期", kind.output_name, "完成年度计划。"));
  goal->set_achieved(absl::StrCat(year, "年度单位运转正常，", kind.main_project,
                                  "按计划执行，", kind.output_name, "完成年度计划。"));
  TreeInputs in;
  in.year = year;
  in.output_name = kind.output_name;
  in.output_unit = kind.output_unit;
  in.output_target = rng.Between(200, 6000);
  in.cost_target_fen = f.project_budget();
  in.cost_actual_fen = f.project_final();
  in.miss_quantity = rng.OneIn(8) || anomaly == Anomaly::kSelfScoreInflated;
  in.inflate_scores = anomaly == Anomaly::kSelfScoreInflated;
  in.overrun_cost = anomaly == Anomaly::kOverrunScoredFull;
  in.satisfaction = static_cast<int>(rng.Between(92, 99));
  overall_self += BuildTree(in, overall->mutable_indicators());
  overall->mutable_totals()->set_weight_centipoints(10000);
  overall->mutable_totals()->set_self_score_centipoints(overall_self);

  // 附件3: one table per project line.
  for (const auto& p : f.projects) {
    v1::ProjectSelfEvaluation* table = package.add_projects();
    table->set_name(p.name);
    table->set_supervising_department(unit.department_name);
    table->set_implementing_unit(unit.name);
    const int64_t initial = p.budget - PercentOf(p.budget, rng.Between(0, 10));
    int32_t self = FillFunds(initial, p.budget, p.final, table->mutable_funds());
    FillColumns(initial, p.budget, p.final, table->mutable_current_year_appropriation());
    FillColumns(0, 0, 0, table->mutable_carry_over());
    FillColumns(0, 0, 0, table->mutable_other_funds());
    v1::AnnualGoal* project_goal = table->add_goals();
    project_goal->set_expected(absl::StrCat(p.name, "全年预期支出", Wan(p.budget), "万元。"));
    project_goal->set_achieved(absl::StrCat(p.name, "全年实际支出", Wan(p.final), "万元。"));
    TreeInputs project_in = in;
    project_in.output_target = rng.Between(50, 2000);
    project_in.cost_target_fen = p.budget;
    project_in.cost_actual_fen = p.final;
    project_in.miss_quantity = false;
    project_in.inflate_scores = false;
    project_in.overrun_cost = false;
    self += BuildTree(project_in, table->mutable_indicators());
    table->mutable_totals()->set_weight_centipoints(10000);
    table->mutable_totals()->set_self_score_centipoints(self);
  }

  // 附件4–6
  package.mutable_government_funds()->set_statement(
      absl::StrCat(year, "年度本单位无政府性基金安排的支出。"));
  package.mutable_state_capital_operations()->set_statement(
      absl::StrCat(year, "年度本单位无国有资本经营安排的支出。"));
  package.mutable_social_insurance_funds()->set_statement(
      absl::StrCat(year, "年度本单位无社会保险基金安排的支出。"));

  // The report.
  v1::SelfEvaluationReport* report = package.mutable_report();
  v1::BasicSpendingReport* basic_report = report->mutable_basic_spending();
  basic_report->set_total_fen(f.basic());
  basic_report->set_personnel_fen(f.personnel);
  const int64_t salaries = PercentOf(f.personnel, 40);
  const int64_t bonuses = PercentOf(f.personnel, 20);
  const int64_t pensions = PercentOf(f.personnel, 14);
  const int64_t housing_fund = PercentOf(f.personnel, 8);
  const std::vector<std::pair<const char*, int64_t>> personnel_items = {
      {"基本工资", salaries}, {"奖金", bonuses}, {"机关事业单位基本养老保险缴费", pensions},
      {"住房公积金", housing_fund},
      {"津贴补贴", f.personnel - salaries - bonuses - pensions - housing_fund}};
  for (const auto& [item, amount] : personnel_items) {
    v1::NamedAmount* named = basic_report->add_personnel_items();
    named->set_name(item);
    named->set_amount_fen(amount);
  }
  basic_report->set_goods_services_fen(f.goods());
  const std::vector<std::pair<const char*, int64_t>> goods_items = {
      {"办公费", f.office}, {"差旅费及水电费", f.utilities_travel},
      {"会议费及培训费", f.meetings_training}, {"其他商品和服务支出", f.other_goods}};
  for (const auto& [item, amount] : goods_items) {
    v1::NamedAmount* named = basic_report->add_goods_services_items();
    named->set_name(item);
    named->set_amount_fen(amount);
  }
  report->mutable_project_spending()->set_total_fen(f.project_final());
  for (const auto& p : f.projects) {
    v1::NamedAmount* named = report->mutable_project_spending()->add_items();
    named->set_name(absl::StrCat(p.name, "支出"));
    named->set_amount_fen(p.final);
  }
  v1::IncomeReport* income = report->mutable_income();
  income->set_total_fen(full_year);
  income->set_general_public_budget_fen(full_year - f.other_funds);
  income->set_higher_subsidy_fen(0);
  income->set_business_income_fen(0);
  income->set_carry_over_fen(f.other_funds);
  income->set_change_from_prior_year_fen(full_year - prior.full_year_budget());
  income->set_change_reason("主要是人员经费和项目经费调整。");

  const auto functions = ByFunction(kind, f);
  const auto prior_functions = ByFunction(kind, prior);
  std::map<std::string, int64_t> prior_by_code;
  for (const auto& [key, amount] : prior_functions) prior_by_code[key.first] += amount;
  v1::ExpenditureReport* spending = report->mutable_expenditure();
  v1::ExpenditureReport* general = report->mutable_general_public_budget_expenditure();
  spending->set_total_fen(executed);
  general->set_total_fen(executed);
  for (const auto& [key, amount] : functions) {
    v1::FunctionalSpending* line = spending->add_by_function();
    line->set_code(key.first);
    line->set_name(key.second);
    line->set_amount_fen(amount);
    line->set_change_from_prior_year_fen(amount - prior_by_code[key.first]);
    prior_by_code.erase(key.first);
    v1::FunctionalSpending* share = general->add_by_function();
    share->set_code(key.first);
    share->set_name(key.second);
    share->set_amount_fen(amount);
    SetRate(amount, executed, share->mutable_share());
  }
  for (const auto& [code, amount] : prior_by_code) {  // classes spent on last year only
    v1::FunctionalSpending* line = spending->add_by_function();
    line->set_code(code);
    line->set_change_from_prior_year_fen(-amount);
  }
  spending->set_change_from_prior_year_fen(executed - prior.executed());
  spending->set_basic_change_from_prior_year_fen(f.basic() - prior.basic());
  spending->set_project_change_from_prior_year_fen(f.project_final() - prior.project_final());
  spending->set_change_reason("主要是人员变动和项目安排调整。");

  auto add_section = [&](const char* heading, std::string text) {
    v1::NarrativeSection* section = report->add_sections();
    section->set_heading(heading);
    section->set_text(std::move(text));
  };
  add_section("一、单位基本情况",
              absl::StrCat(unit.name, "隶属", unit.department_name, "，核定编制", f.authorized,
                           "个，", year, "年末实有在职人员", f.actual_staff, "人。"));
  add_section("二、一般公共预算支出情况",
              absl::StrCat(year, "年基本支出", Wan(f.basic()), "万元，项目支出",
                           Wan(f.project_final()), "万元。"));
  add_section("六、单位整体支出绩效情况",
              absl::StrCat(year, "年本单位全年预算", Wan(full_year), "万元，执行", Wan(executed),
                           "万元，各项绩效目标基本完成。"));
  add_section("七、存在的问题及原因分析", "预算编制精细化程度有待提高。");
  add_section("八、下一步改进措施", "加强预算执行监控，强化绩效目标管理。");

  switch (anomaly) {
    case Anomaly::kNone:
    case Anomaly::kOverrunScoredFull:
    case Anomaly::kSelfScoreInflated:
      break;  // planted while the tree was built
    case Anomaly::kProjectLinesDontAddUp:
      projects->mutable_total()->set_final_fen(projects->total().final_fen() + 50'000'000);
      break;
    case Anomaly::kExecutionRateMisstated: {
      v1::FiledRate* rate = overall->mutable_funds()->mutable_execution_rate();
      rate->set_basis_points(rate->basis_points() + 100);
      rate->set_text(FormatBasisPoints(rate->basis_points()));
      break;
    }
    case Anomaly::kReportBasicSpendingMismatch:
      basic_report->set_total_fen(basic_report->total_fen() + 3'720'000);
      basic_report->set_personnel_fen(basic_report->personnel_fen() + 3'720'000);
      basic_report->mutable_personnel_items(0)->set_amount_fen(
          basic_report->personnel_items(0).amount_fen() + 3'720'000);
      break;
  }
  return package;
}

std::string OrgCsv(const std::vector<OrgRow>& rows) {
  std::string csv = "code,name,kind,parent_code,division_code\n";
  for (const OrgRow& row : rows) {
    absl::StrAppend(&csv, row.code, ",", row.name, ",", row.kind, ",", row.parent_code, ",",
                    row.division_code, "\n");
  }
  return csv;
}

}  // namespace budgetperf
