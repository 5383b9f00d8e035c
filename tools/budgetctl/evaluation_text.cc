#include "tools/budgetctl/evaluation_text.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/money/money.h"
#include "services/consistency/finding_counts.h"
#include "services/consistency/rule_catalogue.h"
#include "services/scoring/scorecard_text.h"
#include "services/scoring/scorer.h"
#include "common/text/text_table.h"

namespace budgetperf {
namespace budgetctl {
namespace {

std::string Time(int64_t unix_ms) {
  if (unix_ms == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixMillis(unix_ms),
                          absl::LocalTimeZone());
}

// A summary's score and grade, both on the graded scale (out of 100, after
// the profile's weight policy): "97.75 优 (自评 self-assessed 98.18 优)".
std::string ScoreText(const v1::ScoreCardSummary& s) {
  return absl::StrCat(FormatCentipoints(s.graded_centipoints()), " ", GradeName(s.grade()),
                      " (自评 self-assessed ", FormatCentipoints(s.self_graded_centipoints()), " ",
                      GradeName(s.self_grade()), ")");
}

// A blank cell for a blank amount: blank and 0 are different on the forms.
template <typename Message>
std::string Amount(const Message& m, bool (Message::*has)() const,
                   int64_t (Message::*get)() const) {
  return (m.*has)() ? FormatWanYuan((m.*get)()) : "";
}

v1::FindingCounts CountBySeverity(const google::protobuf::RepeatedPtrField<v1::Finding>& findings) {
  return CountFindings(findings);
}

std::vector<std::string> FundsRow(const std::string& label, const v1::FundsTotal& f) {
  const v1::FundsColumns& a = f.amounts();
  using C = v1::FundsColumns;
  return {label, Amount(a, &C::has_initial_budget_fen, &C::initial_budget_fen),
          Amount(a, &C::has_full_year_budget_fen, &C::full_year_budget_fen),
          Amount(a, &C::has_executed_fen, &C::executed_fen), f.execution_rate().text()};
}

std::vector<std::string> CostRow(const std::string& label, const v1::CostControlRow& r) {
  using R = v1::CostControlRow;
  return {label, Amount(r, &R::has_prior_year_final_fen, &R::prior_year_final_fen),
          Amount(r, &R::has_budget_fen, &R::budget_fen),
          Amount(r, &R::has_final_fen, &R::final_fen)};
}

void AppendFindings(const google::protobuf::RepeatedPtrField<v1::Finding>& findings,
                    std::string* out) {
  if (findings.empty()) return;
  absl::StrAppend(out, "\n一致性检查 consistency findings (", findings.size(), ")\n",
                  FormatFindings(findings));
}

void AppendWarnings(const google::protobuf::RepeatedPtrField<v1::Warning>& warnings,
                    std::string* out) {
  if (warnings.empty()) return;
  absl::StrAppend(out, "\n警告 warnings (", warnings.size(), ")\n");
  TextTable table({"字段 field", "值 value", "说明 message"});
  for (const v1::Warning& w : warnings) table.AddRow({w.field_path(), w.value(), w.message()});
  absl::StrAppend(out, table.Render());
}

}  // namespace

std::string StatusText(v1::EvaluationStatus status) {
  const char* chinese = "";
  switch (status) {
    case v1::SCORING_PENDING:
      chinese = "评分待定";
      break;
    case v1::SCORED:
      chinese = "已评分";
      break;
    case v1::SCORING_FAILED:
      chinese = "评分失败";
      break;
    case v1::HAS_ERRORS:
      chinese = "有错误";
      break;
    default:
      break;
  }
  const std::string name = v1::EvaluationStatus_Name(status);
  return absl::StrCat(name.empty() ? absl::StrCat(static_cast<int>(status)) : name,
                      *chinese ? absl::StrCat(" (", chinese, ")") : "");
}

std::string SeverityCountsText(const v1::FindingCounts& counts) {
  if (counts.total() == 0) return "none";
  return absl::StrCat(counts.error(), " 错误 error, ", counts.warning(), " 警告 warning, ",
                      counts.needs_explanation(), " 需说明 needs explanation");
}

std::string FormatFindings(const google::protobuf::RepeatedPtrField<v1::Finding>& findings) {
  if (findings.empty()) return "";
  TextTable table({"规则 rule", "级别 severity", "字段 field", "填报值 found", "应为 expected",
                   "差额 difference", "说明 message"});
  for (const v1::Finding& f : findings) {
    table.AddRow({f.rule_id(), std::string(SeverityName(f.severity())), f.field_path(),
                  f.value_found(), f.value_expected(), f.difference(), f.message()});
  }
  return table.Render();
}

std::string FormatBlockingFindings(const v1::BlockingFindings& blocking) {
  const int count = blocking.findings_size() + blocking.omitted();
  std::string out = absl::StrCat(
      "已拒绝 refused: ", count, " finding(s) of rules this region makes blocking; nothing was "
      "stored. Correct the figures and file again.\n");
  absl::StrAppend(&out, FormatFindings(blocking.findings()));
  if (blocking.omitted() > 0) {
    absl::StrAppend(&out, "... and ", blocking.omitted(), " more not listed\n");
  }
  absl::StrAppend(&out, "\n一致性 all findings of the package: ",
                  SeverityCountsText(blocking.all_findings()), "\n");
  return out;
}

std::string FormatSubmitResponse(const v1::SubmitResponse& r) {
  std::string out = r.replayed() ? "已接收 accepted (the first answer to this idempotency key; "
                                   "nothing new stored)\n"
                                 : "已接收 accepted\n";
  TextTable table({});
  table.AddRow({"单位 unit", r.uscc()});
  table.AddRow({"年度 year", absl::StrCat(r.year())});
  table.AddRow({"版本 version", absl::StrCat(r.version())});
  table.AddRow({"状态 status", StatusText(r.status())});
  table.AddRow({"评分 scoring", StatusText(r.scoring_status())});
  table.AddRow({"一致性 findings", SeverityCountsText(r.finding_counts())});
  if (r.has_scorecard_summary()) table.AddRow({"得分 score", ScoreText(r.scorecard_summary())});
  table.AddRow({"提交 submitted", Time(r.submitted_at_unix_ms())});
  out += table.Render();
  AppendFindings(r.findings(), &out);
  AppendWarnings(r.warnings(), &out);
  return out;
}

std::string FormatViolations(const v1::ValidationErrors& errors) {
  std::string out = absl::StrCat("已拒绝 rejected: ", errors.violations_size() + errors.omitted(),
                                 " violation(s); nothing was stored\n");
  TextTable table({"字段 field", "值 value", "规则 rule", "说明 message"});
  for (const v1::Violation& v : errors.violations()) {
    table.AddRow(
        {v.field_path().empty() ? "(package)" : v.field_path(), v.value(), v.rule(), v.message()});
  }
  absl::StrAppend(&out, table.Render());
  if (errors.omitted() > 0) {
    absl::StrAppend(&out, "... and ", errors.omitted(), " more not listed\n");
  }
  return out;
}

std::string FormatEvaluation(const v1::GetEvaluationResponse& response) {
  const v1::StoredEvaluation& e = response.evaluation();
  const v1::EvaluationPackage& p = e.package();
  std::string out;

  TextTable head({});
  head.AddRow({"单位 unit", absl::StrCat(p.unit().name(), " (", p.unit().uscc(), ")")});
  head.AddRow({"行政区划 division", p.unit().division_code()});
  head.AddRow({"主管部门 department", p.unit().supervising_department()});
  head.AddRow({"年度 year", absl::StrCat(p.year())});
  head.AddRow({"版本 version", absl::StrCat(e.version(), " of ", response.latest_version())});
  head.AddRow({"状态 status", StatusText(e.status())});
  // Versions stored before scoring_status existed carry it in status.
  head.AddRow({"评分 scoring", StatusText(e.scoring_status() != v1::EVALUATION_STATUS_UNSPECIFIED
                                              ? e.scoring_status()
                                              : e.status())});
  head.AddRow({"一致性 findings", SeverityCountsText(CountBySeverity(e.findings()))});
  if (e.has_scorecard()) head.AddRow({"得分 score", ScoreText(e.scorecard().summary())});
  if (!e.scoring_error().empty()) head.AddRow({"评分错误 scoring error", e.scoring_error()});
  head.AddRow({"提交 submitted", Time(e.submitted_at_unix_ms())});
  absl::StrAppend(&out, head.Render());

  absl::StrAppend(&out, "\n资金 funds (万元)\n");
  TextTable funds({"表 table", "年初预算数 initial", "全年预算数 full-year", "全年执行数 executed",
                   "执行率 rate"});
  for (size_t c = 1; c <= 3; ++c) funds.AlignRight(c);
  funds.AddRow(FundsRow("附件2 单位整体", p.overall().funds()));
  for (int i = 0; i < p.projects_size(); ++i) {
    funds.AddRow(FundsRow(absl::StrCat("附件3 ", p.projects(i).name()), p.projects(i).funds()));
  }
  absl::StrAppend(&out, funds.Render());

  const v1::BasicDataTable& b = p.basic_data();
  absl::StrAppend(&out, "\n附件1 经费控制 cost control (万元)\n");
  TextTable cost({"项目 item", "上年决算 prior final", "本年预算 budget", "本年决算 final"});
  for (size_t c = 1; c <= 3; ++c) cost.AlignRight(c);
  cost.AddRow(CostRow("三公经费", b.three_public_expenses().total()));
  cost.AddRow(CostRow("项目支出", b.project_spending().total()));
  cost.AddRow(CostRow("公用经费", b.public_funds().total()));
  cost.AddRow(CostRow("政府采购金额", b.government_procurement()));
  absl::StrAppend(&out, cost.Render());

  const v1::SelfEvaluationReport& r = p.report();
  absl::StrAppend(&out, "\n绩效自评报告 report (万元)\n");
  TextTable report({"项目 item", "金额 amount"});
  report.AlignRight(1);
  using I = v1::IncomeReport;
  using X = v1::ExpenditureReport;
  using B = v1::BasicSpendingReport;
  using PS = v1::ProjectSpendingReport;
  report.AddRow({"收入 income", Amount(r.income(), &I::has_total_fen, &I::total_fen)});
  report.AddRow({"支出 expenditure", Amount(r.expenditure(), &X::has_total_fen, &X::total_fen)});
  report.AddRow(
      {"基本支出 basic spending", Amount(r.basic_spending(), &B::has_total_fen, &B::total_fen)});
  report.AddRow({"项目支出 project spending",
                 Amount(r.project_spending(), &PS::has_total_fen, &PS::total_fen)});
  absl::StrAppend(&out, report.Render());

  AppendFindings(e.findings(), &out);
  AppendWarnings(e.warnings(), &out);
  if (e.has_scorecard()) {
    absl::StrAppend(&out, "\n评分 scorecard\n", FormatScoreCard(e.scorecard()));
  }
  return out;
}

std::string FormatHistory(const v1::ListVersionsResponse& response) {
  if (response.versions().empty()) return "no versions stored\n";
  TextTable table({"版本 version", "提交 submitted", "状态 status", "得分 score", "等级 grade",
                   "错误 errors", "发现 findings", "警告 warnings", "幂等键 key",
                   "sha256"});
  for (size_t c : {0, 3, 5, 6, 7}) table.AlignRight(c);
  for (const v1::VersionSummary& v : response.versions()) {
    const bool scored = v.has_scorecard_summary();
    const v1::FindingCounts& counts = v.finding_counts();
    table.AddRow({absl::StrCat(v.version()), Time(v.submitted_at_unix_ms()), StatusText(v.status()),
                  scored ? FormatCentipoints(v.scorecard_summary().graded_centipoints()) : "",
                  scored ? GradeName(v.scorecard_summary().grade()) : "",
                  absl::StrCat(counts.error()), absl::StrCat(counts.total()),
                  absl::StrCat(v.warning_count()), v.idempotency_key(),
                  v.package_sha256().substr(0, 12)});
  }
  return table.Render();
}

}  // namespace budgetctl
}  // namespace budgetperf
