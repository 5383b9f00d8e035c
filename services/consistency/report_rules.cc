// RT-xx and R-xx: the report's own figures, and the report against the
// tables.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/money/rate.h"
#include "services/consistency/check_context.h"
#include "services/consistency/rules.h"

namespace budgetperf {
namespace consistency_internal {
namespace {

std::optional<int64_t> Amount(const v1::NamedAmount& item) {
  if (!item.has_amount_fen()) return std::nullopt;
  return item.amount_fen();
}

// One itemised total of the report: the total, its fixed parts (blank when
// the report does not mention them) and its named items (blank when named
// without a figure).
struct Itemised {
  std::string total_path;
  std::optional<int64_t> total;
  std::vector<Part> parts;
  std::vector<std::string> names;  // parallel to parts; empty for fixed parts
  std::string what;                // "报告 人员经费"
};

// The exact rule (RT-02/03/04/06/07) on an itemised total, then RT-05 when
// items named without a figure leave part of it unexplained.
void CheckItemised(CheckContext& ctx, absl::string_view exact_rule_id,
                   const Itemised& list) {
  if (list.parts.empty()) return;
  if (const RuleSettings* rule = ctx.Rule(exact_rule_id)) {
    CheckTotal(ctx, *rule, list.total_path, list.total, list.parts,
               PartsKind::kExact, list.what, "各项之和");
  }
  const RuleSettings* explain = ctx.Rule("RT-05");
  if (explain == nullptr) return;
  int64_t sum = 0;
  if (CompareWithParts(list.total, list.parts, PartsKind::kExact,
                       explain->tolerance_fen,
                       &sum) != SumVerdict::kShortWithBlanks) {
    return;
  }
  std::vector<std::string> unfilled;
  std::vector<std::string> related;
  for (size_t i = 0; i < list.parts.size(); ++i) {
    if (!list.parts[i].fen.has_value() && !list.names[i].empty()) {
      unfilled.push_back(absl::StrCat("「", list.names[i], "」"));
      related.push_back(list.parts[i].path);
    }
  }
  // Fixed parts the report leaves unmentioned are not "named without a
  // figure": nothing to explain there, and nothing to flag.
  if (unfilled.empty()) return;
  const int64_t difference = *list.total - sum;  // positive: kShortWithBlanks
  FindingText text;
  text.found = Wan(*list.total);
  text.expected =
      absl::StrCat(Wan(sum), " + ", absl::StrJoin(unfilled, ""), "(未填金额)");
  text.difference = Wan(difference);
  text.message = absl::StrCat(
      list.what, " ", Wan(*list.total), "，已填金额的各项之和 ", Wan(sum),
      "，差 ", Wan(difference), "；", absl::StrJoin(unfilled, "、"),
      "列出但未填金额：差额是否即此项，请说明");
  ctx.Add(*explain, list.total_path, std::move(text), std::move(related));
}

Itemised Items(std::string total_path, std::optional<int64_t> total,
               const google::protobuf::RepeatedPtrField<v1::NamedAmount>& items,
               const std::string& items_path, std::string what) {
  Itemised list{std::move(total_path), total, {}, {}, std::move(what)};
  for (int i = 0; i < items.size(); ++i) {
    list.parts.push_back(
        {absl::StrCat(items_path, "[", i, "].amount_fen"), Amount(items[i])});
    list.names.push_back(items[i].name().empty()
                             ? absl::StrCat("第", i + 1, "项")
                             : items[i].name());
  }
  return list;
}

std::string FunctionName(const v1::FunctionalSpending& f) {
  if (!f.name().empty()) return f.name();
  return absl::StrCat("科目", f.code());
}

// RT-07, RT-08, RT-09 and RT-10 on one expenditure report.
void CheckExpenditure(CheckContext& ctx, const v1::ExpenditureReport& e,
                      const std::string& base, const std::string& name) {
  const std::string what = absl::StrCat("报告 ", name);
  using E = v1::ExpenditureReport;
  const std::optional<int64_t> total = Opt(e, &E::has_total_fen, &E::total_fen);
  const auto& functions = e.by_function();

  Itemised list{base + ".total_fen", total, {}, {}, what};
  for (int i = 0; i < functions.size(); ++i) {
    const v1::FunctionalSpending& f = functions[i];
    list.parts.push_back(
        {absl::StrCat(base, ".by_function[", i, "].amount_fen"),
         Opt(f, &v1::FunctionalSpending::has_amount_fen,
             &v1::FunctionalSpending::amount_fen)});
    list.names.push_back(FunctionName(f));
  }
  CheckItemised(ctx, "RT-07", list);

  if (const RuleSettings* rule = ctx.Rule("RT-08"); rule != nullptr && total) {
    // A stated total off its own amounts (RT-07) would make every share look
    // wrong; shares that agree with the amounts' sum are not reported again.
    const std::optional<int64_t> amounts_sum = SumIfComplete(list.parts);
    const bool total_off_amounts = amounts_sum && *amounts_sum > 0 &&
                                   !WithinTolerance(*amounts_sum, *total, 0);
    // When the shares were worked out against basic spending instead of the
    // stated total, say so: it is the usual slip, and the fix is one divisor.
    const v1::BasicSpendingReport& basic =
        ctx.package().report().basic_spending();
    for (int i = 0; i < functions.size(); ++i) {
      const v1::FunctionalSpending& f = functions[i];
      if (!f.has_amount_fen()) continue;
      std::string hint;
      const std::optional<FiledRateValue> filed = ReadFiledRate(f.share());
      if (filed && total_off_amounts &&
          FiledRateAgrees(filed->basis_points, filed->decimals, f.amount_fen(),
                          *amounts_sum)) {
        continue;
      }
      if (filed && basic.has_total_fen() && basic.total_fen() > 0 &&
          basic.total_fen() != *total &&
          FiledRateAgrees(filed->basis_points, filed->decimals, f.amount_fen(),
                          basic.total_fen())) {
        hint = absl::StrCat("；与 ÷ 基本支出 ", Wan(basic.total_fen()),
                            " 相符，疑以基本支出为分母");
      }
      const std::string path = absl::StrCat(base, ".by_function[", i, "]");
      CheckRate(
          ctx, *rule, path + ".share", f.share(), f.amount_fen(), *total,
          absl::StrCat(what, " ", FunctionName(f), " 占比"),
          absl::StrCat(Wan(f.amount_fen()), " ÷ ", name, " ", Wan(*total)),
          {path + ".amount_fen", base + ".total_fen"}, hint);
    }
  }

  if (const RuleSettings* rule = ctx.Rule("RT-09");
      rule != nullptr && e.has_change_from_prior_year_fen() &&
      !functions.empty()) {
    std::vector<Part> changes;
    for (int i = 0; i < functions.size(); ++i) {
      const v1::FunctionalSpending& f = functions[i];
      changes.push_back(
          {absl::StrCat(base, ".by_function[", i,
                        "].change_from_prior_year_fen"),
           Opt(f, &v1::FunctionalSpending::has_change_from_prior_year_fen,
               &v1::FunctionalSpending::change_from_prior_year_fen)});
    }
    // Changes may be negative, so a blank one could hold anything: only a
    // complete list is compared.
    if (SumIfComplete(changes).has_value()) {
      CheckTotal(ctx, *rule, base + ".change_from_prior_year_fen",
                 e.change_from_prior_year_fen(), changes, PartsKind::kExact,
                 absl::StrCat(what, " 较去年增减"), "各科目增减之和");
    }
  }

  if (const RuleSettings* rule = ctx.Rule("RT-10");
      rule != nullptr && e.has_change_from_prior_year_fen() &&
      e.has_basic_change_from_prior_year_fen() &&
      e.has_project_change_from_prior_year_fen()) {
    CheckTotal(ctx, *rule, base + ".change_from_prior_year_fen",
               e.change_from_prior_year_fen(),
               {{base + ".basic_change_from_prior_year_fen",
                 e.basic_change_from_prior_year_fen()},
                {base + ".project_change_from_prior_year_fen",
                 e.project_change_from_prior_year_fen()}},
               PartsKind::kExact, absl::StrCat(what, " 较去年增减"),
               "基本支出增减 + 项目支出增减");
  }
}

bool Agrees(std::optional<int64_t> a, std::optional<int64_t> b,
            int64_t tolerance) {
  return a.has_value() && b.has_value() && WithinTolerance(*a, *b, tolerance);
}

}  // namespace

void CheckReport(CheckContext& ctx) {
  const v1::SelfEvaluationReport& report = ctx.package().report();
  const v1::BasicSpendingReport& basic = report.basic_spending();
  using B = v1::BasicSpendingReport;
  const std::optional<int64_t> personnel =
      Opt(basic, &B::has_personnel_fen, &B::personnel_fen);
  const std::optional<int64_t> goods =
      Opt(basic, &B::has_goods_services_fen, &B::goods_services_fen);

  const Itemised personnel_items = Items(
      "report.basic_spending.personnel_fen", personnel, basic.personnel_items(),
      "report.basic_spending.personnel_items", "报告 人员经费");
  const Itemised goods_items = Items(
      "report.basic_spending.goods_services_fen", goods,
      basic.goods_services_items(),
      "report.basic_spending.goods_services_items", "报告 商品和服务支出");
  if (const RuleSettings* rule = ctx.Rule("RT-01")) {
    const std::optional<int64_t> total =
        Opt(basic, &B::has_total_fen, &B::total_fen);
    const std::vector<Part> parts = {
        {"report.basic_spending.personnel_fen", personnel},
        {"report.basic_spending.goods_services_fen", goods}};
    // A subtotal off its own items breaks this sum too; when the total agrees
    // with the items instead, RT-02/RT-03 report the one wrong subtotal.
    std::vector<Part> from_items = parts;
    from_items[0].fen = personnel_items.parts.empty()
                            ? personnel
                            : SumIfComplete(personnel_items.parts);
    from_items[1].fen =
        goods_items.parts.empty() ? goods : SumIfComplete(goods_items.parts);
    int64_t unused = 0;
    const bool subtotal_alone_wrong =
        CompareWithParts(total, parts, PartsKind::kExact, rule->tolerance_fen,
                         &unused) != SumVerdict::kAgree &&
        CompareWithParts(total, from_items, PartsKind::kExact,
                         rule->tolerance_fen, &unused) == SumVerdict::kAgree;
    if (!subtotal_alone_wrong) {
      CheckTotal(ctx, *rule, "report.basic_spending.total_fen", total, parts,
                 PartsKind::kExact, "报告 基本支出",
                 "人员经费 + 商品和服务支出");
    }
  }
  CheckItemised(ctx, "RT-02", personnel_items);
  CheckItemised(ctx, "RT-03", goods_items);
  const v1::ProjectSpendingReport& project = report.project_spending();
  CheckItemised(
      ctx, "RT-04",
      Items("report.project_spending.total_fen",
            Opt(project, &v1::ProjectSpendingReport::has_total_fen,
                &v1::ProjectSpendingReport::total_fen),
            project.items(), "report.project_spending.items", "报告 项目支出"));

  const v1::IncomeReport& income = report.income();
  using I = v1::IncomeReport;
  // Fixed sources carry no name: a blank one is a source the report does
  // not mention, not one named without a figure.
  Itemised sources{
      "report.income.total_fen",
      Opt(income, &I::has_total_fen, &I::total_fen),
      {{"report.income.general_public_budget_fen",
        Opt(income, &I::has_general_public_budget_fen,
            &I::general_public_budget_fen)},
       {"report.income.higher_subsidy_fen",
        Opt(income, &I::has_higher_subsidy_fen, &I::higher_subsidy_fen)},
       {"report.income.business_income_fen",
        Opt(income, &I::has_business_income_fen, &I::business_income_fen)},
       {"report.income.carry_over_fen",
        Opt(income, &I::has_carry_over_fen, &I::carry_over_fen)}},
      {"", "", "", ""},
      "报告 收入"};
  const Itemised others = Items("", std::nullopt, income.other_sources(),
                                "report.income.other_sources", "");
  sources.parts.insert(sources.parts.end(), others.parts.begin(),
                       others.parts.end());
  sources.names.insert(sources.names.end(), others.names.begin(),
                       others.names.end());
  CheckItemised(ctx, "RT-06", sources);

  CheckExpenditure(ctx, report.expenditure(), "report.expenditure", "支出");
  CheckExpenditure(ctx, report.general_public_budget_expenditure(),
                   "report.general_public_budget_expenditure",
                   "一般公共预算拨款支出");
}

void CheckReportAgainstTables(CheckContext& ctx) {
  const v1::EvaluationPackage& package = ctx.package();
  const v1::SelfEvaluationReport& report = package.report();
  const v1::BasicSpendingReport& basic = report.basic_spending();
  const v1::FundsByNature& nature = package.overall().by_nature();
  const v1::FundsColumns& funds = package.overall().funds().amounts();
  using N = v1::FundsByNature;
  const std::optional<int64_t> a2_basic =
      Opt(nature, &N::has_basic_fen, &N::basic_fen);
  const std::optional<int64_t> a2_project =
      Opt(nature, &N::has_project_fen, &N::project_fen);
  const std::optional<int64_t> report_basic =
      Opt(basic, &v1::BasicSpendingReport::has_total_fen,
          &v1::BasicSpendingReport::total_fen);
  const std::optional<int64_t> report_project =
      Opt(report.project_spending(), &v1::ProjectSpendingReport::has_total_fen,
          &v1::ProjectSpendingReport::total_fen);

  if (const RuleSettings* rule = ctx.Rule("R-01");
      rule && report_basic && a2_basic) {
    // The report's total off its own parts while the parts agree with
    // attachment 2: the total alone is wrong, and RT-01 says so.
    using B = v1::BasicSpendingReport;
    const std::optional<int64_t> parts = SumIfComplete(
        {{"", Opt(basic, &B::has_personnel_fen, &B::personnel_fen)},
         {"", Opt(basic, &B::has_goods_services_fen, &B::goods_services_fen)}});
    const bool total_alone_wrong =
        parts && !WithinTolerance(*report_basic, *parts, 0) &&
        WithinTolerance(*parts, *a2_basic, rule->tolerance_fen);
    if (!total_alone_wrong) {
      CheckEqual(ctx, *rule, "report.basic_spending.total_fen", *report_basic,
                 "报告 基本支出", "overall.by_nature.basic_fen", *a2_basic,
                 "附件2 按支出性质分 基本支出");
    }
  }

  if (const RuleSettings* rule = ctx.Rule("R-02"); rule && report_project) {
    const v1::ProjectSpendingTable& ps =
        package.basic_data().project_spending();
    const std::optional<int64_t> a1 =
        Opt(ps.total(), &v1::CostControlRow::has_final_fen,
            &v1::CostControlRow::final_fen);
    const std::optional<int64_t> a1_lines =
        SumIfComplete(ProjectSpendingParts(ps, "final_fen"));
    std::optional<int64_t> a3;
    if (package.projects_size() > 0) {
      std::vector<Part> executed;
      for (const v1::ProjectSelfEvaluation& p : package.projects()) {
        executed.push_back(
            {"", Opt(p.funds().amounts(), &v1::FundsColumns::has_executed_fen,
                     &v1::FundsColumns::executed_fen)});
      }
      a3 = SumIfComplete(executed);
    }
    const int64_t tolerance = rule->tolerance_fen;
    // A report that sides with one of the tables is not the odd one out: the
    // tables' disagreement is reported by T1-04, X-01 or X-02.
    const bool corroborated = Agrees(report_project, a1, tolerance) ||
                              Agrees(report_project, a1_lines, tolerance) ||
                              Agrees(report_project, a2_project, tolerance) ||
                              Agrees(report_project, a3, tolerance);
    if (!corroborated) {
      if (a2_project) {
        CheckEqual(ctx, *rule, "report.project_spending.total_fen",
                   *report_project, "报告 项目支出",
                   "overall.by_nature.project_fen", *a2_project,
                   "附件2 按支出性质分 项目支出");
      } else if (a1) {
        CheckEqual(
            ctx, *rule, "report.project_spending.total_fen", *report_project,
            "报告 项目支出", "basic_data.project_spending.total.final_fen", *a1,
            absl::StrCat("附件1 项目支出 ", ctx.ColumnName(0, "决算数")));
      } else if (a3) {
        CheckEqual(ctx, *rule, "report.project_spending.total_fen",
                   *report_project, "报告 项目支出", "projects", *a3,
                   "附件3 全年执行数之和");
      }
    }
  }

  if (const RuleSettings* rule = ctx.Rule("R-03");
      rule && basic.has_goods_services_fen() &&
      package.basic_data().public_funds().total().has_final_fen()) {
    CheckEqual(ctx, *rule, "report.basic_spending.goods_services_fen",
               basic.goods_services_fen(), "报告 商品和服务支出",
               "basic_data.public_funds.total.final_fen",
               package.basic_data().public_funds().total().final_fen(),
               absl::StrCat("附件1 公用经费 ", ctx.ColumnName(0, "决算数")));
  }

  const v1::ExpenditureReport& expenditure = report.expenditure();
  if (const RuleSettings* rule = ctx.Rule("R-04");
      rule && expenditure.has_total_fen() && funds.has_executed_fen()) {
    // Both totals split exactly into basic + project: any difference lies in
    // those parts, which compare one by one.
    const std::optional<int64_t> report_split =
        report_basic && report_project
            ? SumIfComplete({{"", report_basic}, {"", report_project}})
            : std::nullopt;
    const std::optional<int64_t> table_split =
        a2_basic && a2_project
            ? SumIfComplete({{"", a2_basic}, {"", a2_project}})
            : std::nullopt;
    const bool explained_by_parts =
        Agrees(report_split, expenditure.total_fen(), 0) &&
        Agrees(table_split, funds.executed_fen(), 0);
    // The report's total off its own functional amounts while they agree
    // with attachment 2: the total alone is wrong, and RT-07 says so.
    std::vector<Part> functions;
    for (const v1::FunctionalSpending& f : expenditure.by_function()) {
      functions.push_back({"", Opt(f, &v1::FunctionalSpending::has_amount_fen,
                                   &v1::FunctionalSpending::amount_fen)});
    }
    const std::optional<int64_t> by_function =
        functions.empty() ? std::nullopt : SumIfComplete(functions);
    const bool total_alone_wrong =
        by_function && !Agrees(by_function, expenditure.total_fen(), 0) &&
        Agrees(by_function, funds.executed_fen(), rule->tolerance_fen);
    if (!explained_by_parts && !total_alone_wrong) {
      CheckEqual(ctx, *rule, "report.expenditure.total_fen",
                 expenditure.total_fen(), "报告 支出",
                 "overall.funds.amounts.executed_fen", funds.executed_fen(),
                 "附件2 年度资金总额 全年执行数");
    }
  }

  if (const RuleSettings* rule = ctx.Rule("R-05");
      rule && report.income().has_total_fen() &&
      funds.has_full_year_budget_fen()) {
    CheckEqual(ctx, *rule, "report.income.total_fen",
               report.income().total_fen(), "报告 收入",
               "overall.funds.amounts.full_year_budget_fen",
               funds.full_year_budget_fen(), "附件2 年度资金总额 全年预算数");
  }
}

}  // namespace consistency_internal
}  // namespace budgetperf
