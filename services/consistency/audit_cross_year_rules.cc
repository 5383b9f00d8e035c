// The cross-year rules of the audit: this year's package against the same
// unit's package of last year.
//
//   Y-01  each attachment 1 row's 上年决算数 against last year's
//         本年决算数 of the same row (repeated rows matched by label). A
//         total whose difference is exactly the sum of its parts'
//         differences is left to the parts.
//   Y-02  the report's stated income change against this year's income less
//         last year's.
//   Y-03  the report's stated expenditure changes (total, basic, project and
//         each function; of 支出 and of 一般公共预算拨款支出) against the two
//         years' amounts. A function missing from one year counts 0 there,
//         provided that year lists functions at all.
//   Y-04  a higher-is-better quantity indicator (matched by table, level-2
//         category and name) whose actual last year reached the threshold
//         share of its target (tolerance_bp, 13000 = 130%), with the same
//         target this year.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/indicator/decimal.h"
#include "common/indicator/indicator_value.h"
#include "common/money/rate.h"
#include "common/numeric/checked_math.h"
#include "services/consistency/audit_context.h"
#include "services/consistency/check_context.h"

namespace budgetperf {
namespace audit_internal {
namespace {

using consistency_internal::Difference;
using consistency_internal::Wan;
using consistency_internal::WithinTolerance;

struct RowCheck {
  std::string path;       // this year's row
  std::string last_path;  // last year's row
  std::string label;
  const v1::CostControlRow* now = nullptr;
  const v1::CostControlRow* last = nullptr;  // nullptr: no such row then
  std::vector<size_t> parts;                 // rows that add up to it
  std::optional<int64_t> difference;         // prior − last year's final
};

// The rows of `label`-matched repeated fields: last year's row of the same
// label, when exactly one row has it in each year.
void AddRepeated(
    const google::protobuf::RepeatedPtrField<v1::CostControlRow>& now,
    const google::protobuf::RepeatedPtrField<v1::CostControlRow>& last,
    const std::string& path, std::vector<RowCheck>* rows,
    std::vector<size_t>* parts) {
  std::map<std::string, int> now_count, last_count;
  std::map<std::string, int> last_index;
  for (const auto& r : now) ++now_count[NormalizeUnitName(r.label())];
  for (int i = 0; i < last.size(); ++i) {
    const std::string label = NormalizeUnitName(last[i].label());
    ++last_count[label];
    last_index[label] = i;
  }
  for (int i = 0; i < now.size(); ++i) {
    const std::string label = NormalizeUnitName(now[i].label());
    RowCheck row;
    row.path = absl::StrCat(path, "[", i, "]");
    row.label = now[i].label();
    row.now = &now[i];
    if (now_count[label] == 1 && last_count[label] == 1) {
      row.last = &last[last_index[label]];
      row.last_path = absl::StrCat(path, "[", last_index[label], "]");
    } else if (now_count[label] > 1 || last_count[label] > 1) {
      row.label.clear();  // ambiguous: not compared
    }
    parts->push_back(rows->size());
    rows->push_back(std::move(row));
  }
}

std::string FunctionKey(const v1::FunctionalSpending& f) {
  return f.code().empty() ? absl::StrCat("name:", NormalizeUnitName(f.name()))
                          : f.code();
}

// The amounts of a report's functions by code (or name, without a code);
// blank amounts count 0. Empty when the report lists no function.
std::map<std::string, int64_t> ByFunction(const v1::ExpenditureReport& report,
                                          bool* overflow) {
  std::map<std::string, int64_t> amounts;
  for (const v1::FunctionalSpending& f : report.by_function()) {
    const std::string key = FunctionKey(f);
    std::optional<int64_t> sum = CheckedAdd(amounts[key], f.amount_fen());
    if (!sum.has_value()) {
      *overflow = true;
      return {};
    }
    amounts[key] = *sum;
  }
  return amounts;
}

// As the scorer reads a cell: its text, else a parsed value sent alone.
v1::ParsedIndicatorValue Read(const v1::IndicatorValue& value) {
  if (value.text().empty() &&
      value.parsed().kind() != v1::ParsedIndicatorValue::KIND_UNSPECIFIED) {
    return value.parsed();
  }
  return ParseIndicatorValue(value.text());
}

// Higher-is-better as the package rules read it (indicator_rules.cc): the
// form's direction, else the comparator, else all but cost indicators.
bool HigherIsBetter(const v1::Level3Indicator& l3, v1::Level2Category category,
                    v1::Comparator comparator) {
  switch (l3.direction()) {
    case v1::HIGHER_IS_BETTER:
      return true;
    case v1::LOWER_IS_BETTER:
    case v1::QUALITATIVE:
      return false;
    default:
      break;
  }
  switch (comparator) {
    case v1::COMPARATOR_GE:
    case v1::COMPARATOR_GT:
      return true;
    case v1::COMPARATOR_LE:
    case v1::COMPARATOR_LT:
    case v1::COMPARATOR_EQ:
      return false;
    default:
      break;
  }
  return category != v1::LEVEL2_COST;
}

struct IndicatorRef {
  const v1::Level3Indicator* l3;
  v1::Level2Category category;
  std::string path;
};

// The level-3 indicators of a table keyed by (category, name); names that
// occur twice are left out (they cannot be matched).
std::map<std::pair<int, std::string>, IndicatorRef> Indicators(
    const google::protobuf::RepeatedPtrField<v1::Level1Indicator>& tree,
    const std::string& path) {
  std::map<std::pair<int, std::string>, IndicatorRef> out;
  std::set<std::pair<int, std::string>> twice;
  for (int i = 0; i < tree.size(); ++i) {
    for (int j = 0; j < tree[i].level2_size(); ++j) {
      const v1::Level2Indicator& l2 = tree[i].level2(j);
      for (int k = 0; k < l2.indicators_size(); ++k) {
        std::pair<int, std::string> key{
            l2.category(), NormalizeUnitName(l2.indicators(k).name())};
        if (key.second.empty()) continue;
        if (!out.emplace(key,
                         IndicatorRef{
                             &l2.indicators(k), l2.category(),
                             absl::StrCat(path, ".indicators[", i, "].level2[",
                                          j, "].indicators[", k, "]")})
                 .second) {
          twice.insert(key);
        }
      }
    }
  }
  for (const auto& key : twice) out.erase(key);
  return out;
}

}  // namespace

// --- Y-01: the prior-year column against last year's filing -----------------

void Audit::CheckPriorYearColumns(const Unit& unit) {
  const RuleSettings* rule = Rule("Y-01", unit);
  if (rule == nullptr) return;
  const v1::BasicDataTable& now = unit.package().basic_data();
  const v1::BasicDataTable& last = unit.prior->package.basic_data();
  std::vector<RowCheck> rows;
  auto fixed = [&](const std::string& path, const char* label,
                   const v1::CostControlRow& a, const v1::CostControlRow& b) {
    RowCheck row;
    row.path = path;
    row.last_path = path;
    row.label = label;
    row.now = &a;
    row.last = &b;
    rows.push_back(std::move(row));
    return rows.size() - 1;
  };
  const auto& t = now.three_public_expenses();
  const auto& lt = last.three_public_expenses();
  const std::string tp = "basic_data.three_public_expenses";
  const size_t three = fixed(tp + ".total", "三公经费", t.total(), lt.total());
  const size_t vehicles =
      fixed(tp + ".official_vehicles", "公务用车购置和维护经费",
            t.official_vehicles(), lt.official_vehicles());
  const size_t purchase = fixed(tp + ".vehicle_purchase", "公车购置",
                                t.vehicle_purchase(), lt.vehicle_purchase());
  const size_t operation = fixed(tp + ".vehicle_operation", "公车运行维护",
                                 t.vehicle_operation(), lt.vehicle_operation());
  const size_t overseas = fixed(tp + ".overseas_travel", "出国经费",
                                t.overseas_travel(), lt.overseas_travel());
  const size_t reception =
      fixed(tp + ".official_reception", "公务接待", t.official_reception(),
            lt.official_reception());
  rows[three].parts = {vehicles, overseas, reception};
  rows[vehicles].parts = {purchase, operation};

  const auto& ps = now.project_spending();
  const auto& lps = last.project_spending();
  const std::string pp = "basic_data.project_spending";
  const size_t project =
      fixed(pp + ".total", "项目支出", ps.total(), lps.total());
  std::vector<size_t> project_parts;
  project_parts.push_back(fixed(pp + ".operating_work_funds", "业务工作经费",
                                ps.operating_work_funds(),
                                lps.operating_work_funds()));
  project_parts.push_back(fixed(pp + ".operations_maintenance", "运行维护经费",
                                ps.operations_maintenance(),
                                lps.operations_maintenance()));
  AddRepeated(ps.other_lines(), lps.other_lines(), pp + ".other_lines", &rows,
              &project_parts);
  const size_t district = fixed(
      pp + ".district_special_funds_total", "区级专项资金",
      ps.district_special_funds_total(), lps.district_special_funds_total());
  project_parts.push_back(district);
  std::vector<size_t> district_parts;
  AddRepeated(ps.district_special_funds(), lps.district_special_funds(),
              pp + ".district_special_funds", &rows, &district_parts);
  const size_t transfers =
      fixed(pp + ".higher_transfers_total", "上级转移支付",
            ps.higher_transfers_total(), lps.higher_transfers_total());
  project_parts.push_back(transfers);
  std::vector<size_t> transfer_parts;
  AddRepeated(ps.higher_transfers(), lps.higher_transfers(),
              pp + ".higher_transfers", &rows, &transfer_parts);
  rows[project].parts = project_parts;
  rows[district].parts = district_parts;
  rows[transfers].parts = transfer_parts;

  const auto& pf = now.public_funds();
  const auto& lpf = last.public_funds();
  const std::string fp = "basic_data.public_funds";
  const size_t funds =
      fixed(fp + ".total", "公用经费", pf.total(), lpf.total());
  rows[funds].parts = {
      fixed(fp + ".office", "办公经费", pf.office(), lpf.office()),
      fixed(fp + ".utilities_travel", "水费、电费、差旅费",
            pf.utilities_travel(), lpf.utilities_travel()),
      fixed(fp + ".meetings_training", "会议费、培训费", pf.meetings_training(),
            lpf.meetings_training())};
  fixed("basic_data.government_procurement", "政府采购金额",
        now.government_procurement(), last.government_procurement());

  for (RowCheck& row : rows) {
    if (row.label.empty()) continue;
    const bool last_filed = row.last != nullptr && row.last->has_final_fen();
    if (!row.now->has_prior_year_final_fen()) {
      // Blank in both years agrees (a row the unit never fills); blank
      // against a figure cannot be told.
      if (!last_filed) row.difference = 0;
      continue;
    }
    const int64_t prior = row.now->prior_year_final_fen();
    if (row.last == nullptr) {
      // No such line last year: a prior-year figure of 0 agrees with that;
      // any other may be a renamed line, which cannot be told.
      if (prior == 0) row.difference = 0;
      continue;
    }
    if (!row.last->has_final_fen()) continue;
    row.difference = Difference(prior, row.last->final_fen());
  }
  const int32_t last_year = input_.year - 1;
  for (const RowCheck& row : rows) {
    if (!row.difference.has_value() || !row.now->has_prior_year_final_fen() ||
        WithinTolerance(*row.difference, 0, rule->tolerance_fen)) {
      continue;
    }
    // A total off by exactly its parts' differences: the parts say it.
    if (!row.parts.empty()) {
      std::optional<int64_t> parts_sum = 0;
      for (size_t part : row.parts) {
        if (!rows[part].difference.has_value() || !parts_sum.has_value()) {
          parts_sum.reset();
          break;
        }
        parts_sum = CheckedAdd(*parts_sum, *rows[part].difference);
      }
      if (parts_sum.has_value() && *parts_sum == *row.difference) continue;
    }
    const int64_t prior = row.now->prior_year_final_fen();
    const int64_t filed = row.last->final_fen();
    const std::string column = absl::StrCat(last_year, "年决算数");
    sink_.Add(*rule, unit, row.path + ".prior_year_final_fen",
              {Wan(prior), Wan(filed), Wan(*row.difference),
               absl::StrCat("附件1 ", row.label, " ", column, " ", Wan(prior),
                            " ≠ ", last_year, "年度包所填", column, " ",
                            Wan(filed), " (差 ", Wan(*row.difference), ")")},
              {Elsewhere(unit.uscc, last_year, row.last_path + ".final_fen")});
  }
}

// --- Y-02, Y-03: stated changes against the two years -----------------------

// Checks one stated change: `stated` against `now` − `last`.
void Audit::CheckChange(const RuleSettings& rule, const Unit& unit,
                        const std::string& path, const char* what,
                        std::optional<int64_t> stated,
                        std::optional<int64_t> now, std::optional<int64_t> last,
                        const std::string& now_path,
                        const std::string& last_path) {
  if (!stated.has_value() || !now.has_value() || !last.has_value()) return;
  const std::optional<int64_t> expected = Difference(*now, *last);
  if (!expected.has_value()) return;
  const std::optional<int64_t> difference = Difference(*stated, *expected);
  if (!difference.has_value() ||
      WithinTolerance(*stated, *expected, rule.tolerance_fen)) {
    return;
  }
  const int32_t year = input_.year;
  std::vector<std::string> related;
  if (!now_path.empty()) related.push_back(now_path);
  if (!last_path.empty()) {
    related.push_back(Elsewhere(unit.uscc, year - 1, last_path));
  }
  sink_.Add(rule, unit, path,
            {SignedWan(*stated), SignedWan(*expected), Wan(*difference),
             absl::StrCat("报告 ", what, "较去年增减 ", SignedWan(*stated),
                          " ≠ ", year, "年 ", Wan(*now), " − ", year - 1, "年 ",
                          Wan(*last), " = ", SignedWan(*expected), " (差 ",
                          Wan(*difference), ")")},
            std::move(related));
}

void Audit::CheckIncomeChange(const Unit& unit) {
  const RuleSettings* rule = Rule("Y-02", unit);
  if (rule == nullptr) return;
  const v1::IncomeReport& now = unit.package().report().income();
  const v1::IncomeReport& last = unit.prior->package.report().income();
  using consistency_internal::Opt;
  CheckChange(
      *rule, unit, "report.income.change_from_prior_year_fen", "收入",
      Opt(now, &v1::IncomeReport::has_change_from_prior_year_fen,
          &v1::IncomeReport::change_from_prior_year_fen),
      Opt(now, &v1::IncomeReport::has_total_fen, &v1::IncomeReport::total_fen),
      Opt(last, &v1::IncomeReport::has_total_fen, &v1::IncomeReport::total_fen),
      "report.income.total_fen", "report.income.total_fen");
}

void Audit::CheckExpenditureChanges(const Unit& unit) {
  const RuleSettings* rule = Rule("Y-03", unit);
  if (rule == nullptr) return;
  using consistency_internal::Opt;
  using R = v1::ExpenditureReport;
  const v1::SelfEvaluationReport& now = unit.package().report();
  const v1::SelfEvaluationReport& last = unit.prior->package.report();
  struct Section {
    const R& now;
    const R& last;
    const char* path;
    const char* what;
    bool with_parts;  // basic and project changes are stated here
  };
  const Section sections[] = {
      {now.expenditure(), last.expenditure(), "report.expenditure", "支出",
       true},
      {now.general_public_budget_expenditure(),
       last.general_public_budget_expenditure(),
       "report.general_public_budget_expenditure", "一般公共预算拨款支出",
       false},
  };
  for (const Section& s : sections) {
    const std::string path = s.path;
    CheckChange(*rule, unit, path + ".change_from_prior_year_fen", s.what,
                Opt(s.now, &R::has_change_from_prior_year_fen,
                    &R::change_from_prior_year_fen),
                Opt(s.now, &R::has_total_fen, &R::total_fen),
                Opt(s.last, &R::has_total_fen, &R::total_fen),
                path + ".total_fen", path + ".total_fen");
    if (s.with_parts) {
      using B = v1::BasicSpendingReport;
      using P = v1::ProjectSpendingReport;
      CheckChange(
          *rule, unit, path + ".basic_change_from_prior_year_fen", "基本支出",
          Opt(s.now, &R::has_basic_change_from_prior_year_fen,
              &R::basic_change_from_prior_year_fen),
          Opt(now.basic_spending(), &B::has_total_fen, &B::total_fen),
          Opt(last.basic_spending(), &B::has_total_fen, &B::total_fen),
          "report.basic_spending.total_fen", "report.basic_spending.total_fen");
      CheckChange(
          *rule, unit, path + ".project_change_from_prior_year_fen", "项目支出",
          Opt(s.now, &R::has_project_change_from_prior_year_fen,
              &R::project_change_from_prior_year_fen),
          Opt(now.project_spending(), &P::has_total_fen, &P::total_fen),
          Opt(last.project_spending(), &P::has_total_fen, &P::total_fen),
          "report.project_spending.total_fen",
          "report.project_spending.total_fen");
    }
    if (s.last.by_function_size() == 0) continue;
    bool overflow = false;
    const std::map<std::string, int64_t> now_amounts =
        ByFunction(s.now, &overflow);
    const std::map<std::string, int64_t> last_amounts =
        ByFunction(s.last, &overflow);
    if (overflow) continue;
    for (int i = 0; i < s.now.by_function_size(); ++i) {
      const v1::FunctionalSpending& f = s.now.by_function(i);
      if (!f.has_change_from_prior_year_fen()) continue;
      const std::string key = FunctionKey(f);
      auto last_it = last_amounts.find(key);
      const std::string name = absl::StrCat(
          s.what, " ", f.code().empty() ? "" : f.code(),
          f.code().empty() || f.name().empty() ? "" : " ", f.name(), " ");
      CheckChange(*rule, unit,
                  absl::StrCat(path, ".by_function[", i,
                               "].change_from_prior_year_fen"),
                  name.c_str(), f.change_from_prior_year_fen(),
                  now_amounts.at(key),
                  last_it == last_amounts.end() ? 0 : last_it->second,
                  absl::StrCat(path, ".by_function[", i, "].amount_fen"), "");
    }
  }
}

// --- Y-04: targets kept after over-achievement ------------------------------

void Audit::CheckTargetsKept(const Unit& unit) {
  const RuleSettings* rule = Rule("Y-04", unit);
  if (rule == nullptr || rule->tolerance_bp <= 0) return;
  const v1::EvaluationPackage& now = unit.package();
  const v1::EvaluationPackage& last = unit.prior->package;
  struct TablePair {
    const google::protobuf::RepeatedPtrField<v1::Level1Indicator>* now;
    const google::protobuf::RepeatedPtrField<v1::Level1Indicator>* last;
    std::string path;
    std::string label;
  };
  std::vector<TablePair> tables = {{&now.overall().indicators(),
                                    &last.overall().indicators(), "overall",
                                    "附件2"}};
  std::map<std::string, int> last_projects;
  std::set<std::string> twice;
  for (int i = 0; i < last.projects_size(); ++i) {
    const std::string name = NormalizeUnitName(last.projects(i).name());
    if (!last_projects.emplace(name, i).second) twice.insert(name);
  }
  std::map<std::string, int> now_count;
  for (const auto& p : now.projects()) ++now_count[NormalizeUnitName(p.name())];
  for (int i = 0; i < now.projects_size(); ++i) {
    const std::string name = NormalizeUnitName(now.projects(i).name());
    auto it = last_projects.find(name);
    if (name.empty() || it == last_projects.end() || twice.count(name) > 0 ||
        now_count[name] > 1) {
      continue;
    }
    tables.push_back({&now.projects(i).indicators(),
                      &last.projects(it->second).indicators(),
                      absl::StrCat("projects[", i, "]"),
                      absl::StrCat("附件3「", now.projects(i).name(), "」")});
  }
  using Parsed = v1::ParsedIndicatorValue;
  for (const TablePair& table : tables) {
    const auto now_lines = Indicators(*table.now, table.path);
    const auto last_lines = Indicators(*table.last, table.path);
    for (const auto& [key, line] : now_lines) {
      auto it = last_lines.find(key);
      if (it == last_lines.end()) continue;
      const IndicatorRef& before = it->second;
      const Parsed last_target = Read(before.l3->target());
      const Parsed last_actual = Read(before.l3->actual());
      const Parsed target = Read(line.l3->target());
      if (last_target.kind() != Parsed::QUANTITY ||
          last_actual.kind() != Parsed::QUANTITY ||
          target.kind() != Parsed::QUANTITY ||
          last_target.unit() != last_actual.unit() ||
          target.unit() != last_target.unit() ||
          target.comparator() != last_target.comparator() ||
          CompareDecimal(target.number(), last_target.number()) != 0 ||
          !HigherIsBetter(*before.l3, before.category,
                          last_target.comparator())) {
        continue;
      }
      const v1::Decimal& t = last_target.number();
      if (t.units() <= 0 || t.scale() < 0 || t.scale() > kMaxDecimalScale) {
        continue;
      }
      int64_t threshold_units = 0;
      if (__builtin_mul_overflow(t.units(), int64_t{rule->tolerance_bp},
                                 &threshold_units)) {
        continue;
      }
      v1::Decimal threshold;
      threshold.set_units(threshold_units);
      threshold.set_scale(t.scale() + 4);
      if (CompareDecimal(last_actual.number(), threshold) < 0) continue;
      const absl::StatusOr<int64_t> share =
          RatioScaled(last_actual.number(), t, 10000);
      const std::string share_text =
          share.ok() ? FormatBasisPoints(*share) : std::string("远超");
      const int32_t year = input_.year;
      sink_.Add(
          *rule, unit, line.path + ".target",
          {line.l3->target().text(),
           absl::StrCat("> ", before.l3->actual().text()), "",
           absl::StrCat(table.label, "「", line.l3->name(), "」", year - 1,
                        "年实际完成值 ", before.l3->actual().text(),
                        " 为年度指标值 ", before.l3->target().text(), " 的 ",
                        share_text, " (达到 ",
                        FormatBasisPoints(rule->tolerance_bp), ")，", year,
                        "年年度指标值仍为 ", line.l3->target().text(),
                        "：目标未随上年完成情况调整")},
          {Elsewhere(unit.uscc, year - 1, before.path + ".actual")});
    }
  }
}

}  // namespace audit_internal
}  // namespace budgetperf
