// T1-xx, T2-xx, T3-xx, T4-xx and X-xx: the tables' totals, rates and their
// agreement with one another.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/consistency/check_context.h"
#include "services/consistency/rules.h"

namespace budgetperf {
namespace consistency_internal {
namespace {

// One of attachment 1's three amount columns.
struct RowColumn {
  const char* field;  // CostControlRow field name
  int year_offset;    // -1: 上年, 0: 本年
  const char* what;   // 决算数 / 预算数
};

constexpr RowColumn kRowColumns[] = {
    {"prior_year_final_fen", -1, "决算数"},
    {"budget_fen", 0, "预算数"},
    {"final_fen", 0, "决算数"},
};

std::optional<int64_t> ColumnValue(const v1::CostControlRow& row,
                                   absl::string_view field) {
  using Row = v1::CostControlRow;
  if (field == "prior_year_final_fen") {
    return Opt(row, &Row::has_prior_year_final_fen, &Row::prior_year_final_fen);
  }
  if (field == "budget_fen")
    return Opt(row, &Row::has_budget_fen, &Row::budget_fen);
  return Opt(row, &Row::has_final_fen, &Row::final_fen);
}

Part RowPart(const v1::CostControlRow& row, const std::string& row_path,
             absl::string_view field) {
  return Part{absl::StrCat(row_path, ".", field), ColumnValue(row, field)};
}

// One of the funds columns of attachments 2 and 3.
struct FundsColumn {
  const char* field;
  const char* what;
};

constexpr FundsColumn kFundsColumns[] = {
    {"initial_budget_fen", "年初预算数"},
    {"full_year_budget_fen", "全年预算数"},
    {"executed_fen", "全年执行数"},
};

std::optional<int64_t> FundsValue(const v1::FundsColumns& funds,
                                  absl::string_view field) {
  using F = v1::FundsColumns;
  if (field == "initial_budget_fen") {
    return Opt(funds, &F::has_initial_budget_fen, &F::initial_budget_fen);
  }
  if (field == "full_year_budget_fen") {
    return Opt(funds, &F::has_full_year_budget_fen, &F::full_year_budget_fen);
  }
  return Opt(funds, &F::has_executed_fen, &F::executed_fen);
}

// "12.50m²" from hundredths of a square metre.
std::string Area(int64_t centi_m2) {
  const bool negative = centi_m2 < 0;
  const uint64_t m = negative ? uint64_t{0} - static_cast<uint64_t>(centi_m2)
                              : static_cast<uint64_t>(centi_m2);
  return absl::StrCat(negative ? "-" : "", m / 100, ".",
                      m % 100 < 10 ? "0" : "", m % 100, "m²");
}

constexpr char kProjectSpending[] = "basic_data.project_spending";

// T1-02 and T1-03, column by column. A wrong vehicles subtotal breaks both
// sums; T1-03 reports it, and T1-02 stays quiet when the total agrees with
// the subtotal's own parts.
void CheckThreePublicExpenses(CheckContext& ctx) {
  const RuleSettings* total_rule = ctx.Rule("T1-02");
  const RuleSettings* vehicles_rule = ctx.Rule("T1-03");
  const v1::ThreePublicExpenses& t =
      ctx.package().basic_data().three_public_expenses();
  const std::string base = "basic_data.three_public_expenses";
  for (const RowColumn& c : kRowColumns) {
    const std::string column = ctx.ColumnName(c.year_offset, c.what);
    const std::vector<Part> vehicle_parts = {
        RowPart(t.vehicle_purchase(), base + ".vehicle_purchase", c.field),
        RowPart(t.vehicle_operation(), base + ".vehicle_operation", c.field)};
    const std::optional<int64_t> vehicles =
        ColumnValue(t.official_vehicles(), c.field);
    int64_t vehicle_sum = 0;
    const SumVerdict vehicles_verdict = CompareWithParts(
        vehicles, vehicle_parts, PartsKind::kExact,
        vehicles_rule != nullptr ? vehicles_rule->tolerance_fen : 0,
        &vehicle_sum);
    if (vehicles_rule != nullptr) {
      CheckTotal(ctx, *vehicles_rule,
                 absl::StrCat(base, ".official_vehicles.", c.field), vehicles,
                 vehicle_parts, PartsKind::kExact,
                 absl::StrCat("附件1 公务用车购置和维护经费 ", column),
                 "各项之和");
    }
    if (total_rule == nullptr) continue;
    std::vector<Part> parts = {
        RowPart(t.official_vehicles(), base + ".official_vehicles", c.field),
        RowPart(t.overseas_travel(), base + ".overseas_travel", c.field),
        RowPart(t.official_reception(), base + ".official_reception", c.field)};
    const std::optional<int64_t> total = ColumnValue(t.total(), c.field);
    if (vehicles_verdict == SumVerdict::kDiffers) {
      std::vector<Part> corrected = parts;
      corrected[0].fen = vehicle_sum;
      int64_t unused = 0;
      if (CompareWithParts(total, corrected, PartsKind::kExact,
                           total_rule->tolerance_fen,
                           &unused) == SumVerdict::kAgree) {
        continue;
      }
    }
    CheckTotal(ctx, *total_rule, absl::StrCat(base, ".total.", c.field), total,
               parts, PartsKind::kExact,
               absl::StrCat("附件1 三公经费 ", column), "各项之和");
  }
}

// T1-05: one heading row against its lines.
void CheckHeadingRow(
    CheckContext& ctx, const RuleSettings& rule,
    const v1::CostControlRow& heading,
    const google::protobuf::RepeatedPtrField<v1::CostControlRow>& lines,
    absl::string_view field, absl::string_view label) {
  if (lines.empty()) return;
  const std::string base = absl::StrCat(kProjectSpending, ".", field);
  for (const RowColumn& c : kRowColumns) {
    std::vector<Part> parts;
    for (int i = 0; i < lines.size(); ++i) {
      parts.push_back(
          RowPart(lines[i], absl::StrCat(base, "[", i, "]"), c.field));
    }
    CheckTotal(ctx, rule, absl::StrCat(base, "_total.", c.field),
               ColumnValue(heading, c.field), parts, PartsKind::kExact,
               absl::StrCat("附件1 ", label, " ",
                            ctx.ColumnName(c.year_offset, c.what)),
               "各专项之和");
  }
}

void CheckBuildingProjects(CheckContext& ctx) {
  const RuleSettings* area_rule = ctx.Rule("T1-07");
  const RuleSettings* investment_rule = ctx.Rule("T1-08");
  const auto& projects = ctx.package().basic_data().building_projects();
  for (int i = 0; i < projects.size(); ++i) {
    const v1::BuildingProject& p = projects[i];
    const std::string base =
        absl::StrCat("basic_data.building_projects[", i, "]");
    const std::string label = absl::StrCat(
        "附件1 楼堂馆所「",
        p.name().empty() ? absl::StrCat("第", i + 1, "项") : p.name(), "」");
    if (area_rule != nullptr && p.has_approved_area_centi_m2() &&
        p.has_actual_area_centi_m2()) {
      CheckRate(
          ctx, *area_rule, base + ".area_control_rate", p.area_control_rate(),
          p.actual_area_centi_m2(), p.approved_area_centi_m2(),
          label + " 规模控制率",
          absl::StrCat("实际规模 ", Area(p.actual_area_centi_m2()),
                       " ÷ 批复规模 ", Area(p.approved_area_centi_m2())),
          {base + ".actual_area_centi_m2", base + ".approved_area_centi_m2"});
    }
    if (investment_rule != nullptr && p.has_budgeted_investment_fen() &&
        p.has_actual_investment_fen()) {
      CheckRate(
          ctx, *investment_rule, base + ".investment_control_rate",
          p.investment_control_rate(), p.actual_investment_fen(),
          p.budgeted_investment_fen(), label + " 投资概算控制率",
          absl::StrCat("实际投资 ", Wan(p.actual_investment_fen()),
                       " ÷ 预算投资 ", Wan(p.budgeted_investment_fen())),
          {base + ".actual_investment_fen", base + ".budgeted_investment_fen"});
    }
  }
}

// T2-01, T3-02: 执行率 of a funds total.
void CheckExecutionRate(CheckContext& ctx, const RuleSettings& rule,
                        const v1::FundsTotal& funds, const std::string& base,
                        const std::string& label) {
  const v1::FundsColumns& a = funds.amounts();
  if (!a.has_full_year_budget_fen() || !a.has_executed_fen()) return;
  CheckRate(
      ctx, rule, base + ".execution_rate", funds.execution_rate(),
      a.executed_fen(), a.full_year_budget_fen(),
      label + " 年度资金总额 执行率",
      absl::StrCat("全年执行数 ", Wan(a.executed_fen()), " ÷ 全年预算数 ",
                   Wan(a.full_year_budget_fen())),
      {base + ".amounts.executed_fen", base + ".amounts.full_year_budget_fen"});
}

// T2-02, T2-03: a split of the funds that should add up to `primary`, or, as
// the form leaves the column unsaid, to `alternative`.
void CheckFundsSplit(CheckContext& ctx, const RuleSettings& rule,
                     const std::vector<Part>& parts,
                     std::optional<int64_t> primary,
                     const std::string& primary_path,
                     absl::string_view primary_what,
                     std::optional<int64_t> alternative,
                     absl::string_view parts_name) {
  int64_t sum = 0;
  if (CompareWithParts(alternative, parts, PartsKind::kExact,
                       rule.tolerance_fen, &sum) == SumVerdict::kAgree) {
    return;
  }
  CheckTotal(ctx, rule, primary_path, primary, parts, PartsKind::kExact,
             absl::StrCat("附件2 年度资金总额 ", primary_what), parts_name);
}

}  // namespace

std::vector<Part> ProjectSpendingParts(const v1::ProjectSpendingTable& table,
                                       absl::string_view column) {
  const std::string base = kProjectSpending;
  std::vector<Part> parts = {RowPart(table.operating_work_funds(),
                                     base + ".operating_work_funds", column),
                             RowPart(table.operations_maintenance(),
                                     base + ".operations_maintenance", column)};
  for (int i = 0; i < table.other_lines_size(); ++i) {
    parts.push_back(RowPart(table.other_lines(i),
                            absl::StrCat(base, ".other_lines[", i, "]"),
                            column));
  }
  // Lines when the form lists them (their heading is checked by T1-05),
  // otherwise the heading row's own figures.
  if (table.district_special_funds_size() > 0) {
    for (int i = 0; i < table.district_special_funds_size(); ++i) {
      parts.push_back(RowPart(
          table.district_special_funds(i),
          absl::StrCat(base, ".district_special_funds[", i, "]"), column));
    }
  } else {
    parts.push_back(RowPart(table.district_special_funds_total(),
                            base + ".district_special_funds_total", column));
  }
  if (table.higher_transfers_size() > 0) {
    for (int i = 0; i < table.higher_transfers_size(); ++i) {
      parts.push_back(RowPart(table.higher_transfers(i),
                              absl::StrCat(base, ".higher_transfers[", i, "]"),
                              column));
    }
  } else {
    parts.push_back(RowPart(table.higher_transfers_total(),
                            base + ".higher_transfers_total", column));
  }
  return parts;
}

std::optional<int64_t> SumIfComplete(const std::vector<Part>& parts) {
  int64_t sum = 0;
  for (const Part& part : parts) {
    if (!part.fen.has_value()) return std::nullopt;
    if (__builtin_add_overflow(sum, *part.fen, &sum)) return std::nullopt;
  }
  return sum;
}

void CheckAttachment1(CheckContext& ctx) {
  const v1::BasicDataTable& data = ctx.package().basic_data();

  if (const RuleSettings* rule = ctx.Rule("T1-01")) {
    const v1::Staffing& s = data.staffing();
    if (s.has_authorized_posts() && s.has_actual_staff()) {
      CheckRate(ctx, *rule, "basic_data.staffing.control_rate",
                s.control_rate(), s.actual_staff(), s.authorized_posts(),
                "附件1 财政供养人员 控制率",
                absl::StrCat("实际在职人数 ", s.actual_staff(), " ÷ 编制数 ",
                             s.authorized_posts()),
                {"basic_data.staffing.actual_staff",
                 "basic_data.staffing.authorized_posts"});
    }
  }

  CheckThreePublicExpenses(ctx);

  const v1::ProjectSpendingTable& ps = data.project_spending();
  if (const RuleSettings* rule = ctx.Rule("T1-04")) {
    for (const RowColumn& c : kRowColumns) {
      CheckTotal(ctx, *rule, absl::StrCat(kProjectSpending, ".total.", c.field),
                 ColumnValue(ps.total(), c.field),
                 ProjectSpendingParts(ps, c.field), PartsKind::kExact,
                 absl::StrCat("附件1 项目支出 ",
                              ctx.ColumnName(c.year_offset, c.what)),
                 "各项之和");
    }
  }
  if (const RuleSettings* rule = ctx.Rule("T1-05")) {
    CheckHeadingRow(ctx, *rule, ps.district_special_funds_total(),
                    ps.district_special_funds(), "district_special_funds",
                    "区级专项资金");
    CheckHeadingRow(ctx, *rule, ps.higher_transfers_total(),
                    ps.higher_transfers(), "higher_transfers", "上级转移支付");
  }

  if (const RuleSettings* rule = ctx.Rule("T1-06")) {
    const v1::PublicFunds& pf = data.public_funds();
    const std::string base = "basic_data.public_funds";
    for (const RowColumn& c : kRowColumns) {
      CheckTotal(
          ctx, *rule, absl::StrCat(base, ".total.", c.field),
          ColumnValue(pf.total(), c.field),
          {RowPart(pf.office(), base + ".office", c.field),
           RowPart(pf.utilities_travel(), base + ".utilities_travel", c.field),
           RowPart(pf.meetings_training(), base + ".meetings_training",
                   c.field)},
          PartsKind::kSubset,
          absl::StrCat("附件1 公用经费 ",
                       ctx.ColumnName(c.year_offset, c.what)),
          "其中各项之和");
    }
  }

  CheckBuildingProjects(ctx);
}

void CheckAttachment2(CheckContext& ctx) {
  const v1::OverallSelfEvaluation& overall = ctx.package().overall();
  const v1::FundsColumns& a = overall.funds().amounts();
  using F = v1::FundsColumns;
  const std::optional<int64_t> full_year =
      Opt(a, &F::has_full_year_budget_fen, &F::full_year_budget_fen);
  const std::optional<int64_t> executed =
      Opt(a, &F::has_executed_fen, &F::executed_fen);

  if (const RuleSettings* rule = ctx.Rule("T2-01")) {
    CheckExecutionRate(ctx, *rule, overall.funds(), "overall.funds", "附件2");
  }
  if (const RuleSettings* rule = ctx.Rule("T2-02")) {
    using S = v1::FundsBySource;
    const S& s = overall.by_source();
    const std::vector<Part> parts = {
        {"overall.by_source.general_public_budget_fen",
         Opt(s, &S::has_general_public_budget_fen,
             &S::general_public_budget_fen)},
        {"overall.by_source.government_funds_fen",
         Opt(s, &S::has_government_funds_fen, &S::government_funds_fen)},
        {"overall.by_source.non_tax_special_account_fen",
         Opt(s, &S::has_non_tax_special_account_fen,
             &S::non_tax_special_account_fen)},
        {"overall.by_source.other_funds_fen",
         Opt(s, &S::has_other_funds_fen, &S::other_funds_fen)}};
    CheckFundsSplit(ctx, *rule, parts, full_year,
                    "overall.funds.amounts.full_year_budget_fen", "全年预算数",
                    executed, "按收入性质分之和");
  }
  if (const RuleSettings* rule = ctx.Rule("T2-03")) {
    using N = v1::FundsByNature;
    const N& n = overall.by_nature();
    const std::vector<Part> parts = {
        {"overall.by_nature.basic_fen",
         Opt(n, &N::has_basic_fen, &N::basic_fen)},
        {"overall.by_nature.project_fen",
         Opt(n, &N::has_project_fen, &N::project_fen)}};
    CheckFundsSplit(ctx, *rule, parts, executed,
                    "overall.funds.amounts.executed_fen", "全年执行数",
                    full_year, "按支出性质分之和");
  }
}

void CheckAttachment3(CheckContext& ctx) {
  const RuleSettings* sources_rule = ctx.Rule("T3-01");
  const RuleSettings* rate_rule = ctx.Rule("T3-02");
  const auto& projects = ctx.package().projects();
  for (int i = 0; i < projects.size(); ++i) {
    const v1::ProjectSelfEvaluation& p = projects[i];
    const std::string base = absl::StrCat("projects[", i, "]");
    const std::string label = ProjectLabel(ctx.package(), i);
    if (sources_rule != nullptr) {
      for (const FundsColumn& c : kFundsColumns) {
        CheckTotal(
            ctx, *sources_rule, absl::StrCat(base, ".funds.amounts.", c.field),
            FundsValue(p.funds().amounts(), c.field),
            {{absl::StrCat(base, ".current_year_appropriation.", c.field),
              FundsValue(p.current_year_appropriation(), c.field)},
             {absl::StrCat(base, ".carry_over.", c.field),
              FundsValue(p.carry_over(), c.field)},
             {absl::StrCat(base, ".other_funds.", c.field),
              FundsValue(p.other_funds(), c.field)}},
            PartsKind::kExact, absl::StrCat(label, " 年度资金总额 ", c.what),
            "当年财政拨款 + 上年结转资金 + 其他资金");
      }
    }
    if (rate_rule != nullptr) {
      CheckExecutionRate(ctx, *rate_rule, p.funds(), base + ".funds", label);
    }
  }
}

void CheckSpecialBudgets(CheckContext& ctx) {
  const RuleSettings* rule = ctx.Rule("T4-01");
  if (rule == nullptr) return;
  const v1::EvaluationPackage& package = ctx.package();
  const struct {
    const v1::SpecialBudgetSpending* spending;
    const char* field;
    const char* label;
  } budgets[] = {
      {&package.government_funds(), "government_funds",
       "附件4 政府性基金预算支出"},
      {&package.state_capital_operations(), "state_capital_operations",
       "附件5 国有资本经营预算支出"},
      {&package.social_insurance_funds(), "social_insurance_funds",
       "附件6 社会保险基金预算支出"},
  };
  for (const auto& budget : budgets) {
    for (int i = 0; i < budget.spending->lines_size(); ++i) {
      const v1::SpecialBudgetLine& line = budget.spending->lines(i);
      if (!line.has_budget_fen() || !line.has_executed_fen()) continue;
      const std::string base = absl::StrCat(budget.field, ".lines[", i, "]");
      CheckRate(ctx, *rule, base + ".execution_rate", line.execution_rate(),
                line.executed_fen(), line.budget_fen(),
                absl::StrCat(budget.label, "「", line.name(), "」 执行率"),
                absl::StrCat("执行数 ", Wan(line.executed_fen()), " ÷ 预算数 ",
                             Wan(line.budget_fen())),
                {base + ".executed_fen", base + ".budget_fen"});
    }
  }
}

void CheckAcrossTables(CheckContext& ctx) {
  const v1::EvaluationPackage& package = ctx.package();
  const v1::ProjectSpendingTable& ps = package.basic_data().project_spending();
  const v1::FundsByNature& nature = package.overall().by_nature();
  const std::string a1_path =
      absl::StrCat(kProjectSpending, ".total.final_fen");
  const std::string a2_path = "overall.by_nature.project_fen";
  const std::optional<int64_t> a1 = ColumnValue(ps.total(), "final_fen");
  const std::optional<int64_t> a1_lines =
      SumIfComplete(ProjectSpendingParts(ps, "final_fen"));
  const std::optional<int64_t> a2 =
      nature.has_project_fen() ? std::optional<int64_t>(nature.project_fen())
                               : std::nullopt;
  const std::string a1_what =
      absl::StrCat("附件1 项目支出 ", ctx.ColumnName(0, "决算数"));
  const auto& projects = package.projects();
  // Σ attachment 3 amounts executed, when every table states one.
  std::optional<int64_t> a3;
  std::vector<std::string> a3_paths;
  if (!projects.empty()) {
    std::vector<Part> executed;
    for (int i = 0; i < projects.size(); ++i) {
      const v1::FundsColumns& a = projects[i].funds().amounts();
      executed.push_back(
          {absl::StrCat("projects[", i, "].funds.amounts.executed_fen"),
           Opt(a, &v1::FundsColumns::has_executed_fen,
               &v1::FundsColumns::executed_fen)});
      a3_paths.push_back(executed.back().path);
    }
    a3 = SumIfComplete(executed);
  }

  if (const RuleSettings* rule = ctx.Rule("X-01");
      rule != nullptr && a1 && a2) {
    const int64_t tolerance = rule->tolerance_fen;
    // Attachment 1's total off its own lines, the lines agreeing with
    // attachment 2: the total is the one wrong cell, and T1-04 says so.
    const bool total_alone_wrong =
        a1_lines.has_value() && !WithinTolerance(*a1, *a1_lines, tolerance) &&
        WithinTolerance(*a1_lines, *a2, tolerance);
    // Attachment 1 agreeing with attachment 3 against attachment 2: X-02
    // reports attachment 2's figure, and names attachment 1 as agreeing.
    const bool a2_alone_wrong = a3.has_value() &&
                                WithinTolerance(*a1, *a3, tolerance) &&
                                !WithinTolerance(*a2, *a3, tolerance);
    if (!total_alone_wrong && !a2_alone_wrong) {
      CheckEqual(ctx, *rule, a1_path, *a1, a1_what, a2_path, *a2,
                 "附件2 按支出性质分 项目支出");
    }
  }

  if (const RuleSettings* rule = ctx.Rule("X-02");
      rule != nullptr && a2 && a3) {
    const int64_t sum = *a3;
    std::vector<std::string> related = a3_paths;
    const std::optional<int64_t> difference = Difference(*a2, sum);
    if (difference && !WithinTolerance(*a2, sum, rule->tolerance_fen)) {
      // Name the other figures that side with attachment 3, so the reader
      // sees at once which figure is the odd one out.
      std::vector<std::string> agreeing;
      const v1::ProjectSpendingReport& report =
          package.report().project_spending();
      if (report.has_total_fen() &&
          WithinTolerance(report.total_fen(), sum, 0)) {
        agreeing.push_back(
            absl::StrCat("报告 项目支出 ", Wan(report.total_fen())));
        related.push_back("report.project_spending.total_fen");
      }
      if (a1 && WithinTolerance(*a1, sum, 0)) {
        agreeing.push_back(absl::StrCat(a1_what, " ", Wan(*a1)));
        related.push_back(a1_path);
      } else if (a1_lines && WithinTolerance(*a1_lines, sum, 0)) {
        agreeing.push_back(
            absl::StrCat("附件1 项目支出各项之和 ", Wan(*a1_lines)));
      }
      const std::string agreeing_text =
          agreeing.empty() ? std::string()
                           : absl::StrCat("；与附件3一致的有：",
                                          absl::StrJoin(agreeing, "、"));
      FindingText text;
      text.found = Wan(*a2);
      text.expected = Wan(sum);
      text.difference = Wan(*difference);
      text.message = absl::StrCat("附件2 按支出性质分 项目支出 ", Wan(*a2),
                                  " ≠ 附件3 全年执行数之和 ", Wan(sum), " (差 ",
                                  Wan(*difference), ")", agreeing_text);
      ctx.Add(*rule, a2_path, std::move(text), std::move(related));
    }
  }

  if (const RuleSettings* rule = ctx.Rule("X-03");
      rule != nullptr && projects.empty()) {
    if (a2 && *a2 > 0) {
      FindingText text;
      text.found = "0张";
      text.expected = "≥1张 (每个一级项目一张)";
      text.message = absl::StrCat(
          "附件2 按支出性质分 项目支出 ", Wan(*a2),
          "，但包中附件3 项目支出绩效自评表为0张 (每个一级项目一张表)");
      ctx.Add(*rule, "projects", std::move(text), {a2_path});
    }
  }

  if (const RuleSettings* rule = ctx.Rule("X-04")) {
    const std::optional<int64_t> public_funds =
        ColumnValue(package.basic_data().public_funds().total(), "final_fen");
    const std::optional<int64_t> excess =
        public_funds && nature.has_basic_fen()
            ? Difference(*public_funds, nature.basic_fen())
            : std::nullopt;
    // The report's goods and services disagreeing with attachment 1 while
    // within attachment 2's basic spending: attachment 1's figure is the odd
    // one out, and R-03 reports it.
    const v1::BasicSpendingReport& report = package.report().basic_spending();
    const bool report_sides_against =
        public_funds && report.has_goods_services_fen() &&
        report.goods_services_fen() != *public_funds &&
        nature.has_basic_fen() &&
        report.goods_services_fen() <= nature.basic_fen();
    if (excess && *excess > 0 && !report_sides_against &&
        !WithinTolerance(*public_funds, nature.basic_fen(),
                         rule->tolerance_fen)) {
      const int64_t difference = *excess;
      FindingText text;
      text.found = Wan(*public_funds);
      text.expected = absl::StrCat("≤ ", Wan(nature.basic_fen()));
      text.difference = Wan(difference);
      text.message = absl::StrCat(
          "附件1 公用经费 ", ctx.ColumnName(0, "决算数"), " ",
          Wan(*public_funds), " > 附件2 基本支出 ", Wan(nature.basic_fen()),
          " (超 ", Wan(difference), ")：公用经费是基本支出的一部分");
      ctx.Add(*rule, "basic_data.public_funds.total.final_fen", std::move(text),
              {"overall.by_nature.basic_fen"});
    }
  }
}

}  // namespace consistency_internal
}  // namespace budgetperf
