#include "services/consistency/rule_catalogue.h"

#include <string>
#include <utility>
#include <vector>

namespace budgetperf {
namespace {

using v1::RuleDescriptor;

constexpr v1::Severity kError = v1::SEVERITY_ERROR;
constexpr v1::Severity kWarning = v1::SEVERITY_WARNING;
constexpr v1::Severity kExplain = v1::SEVERITY_NEEDS_EXPLANATION;

constexpr v1::RuleScope kPackage = v1::RULE_SCOPE_PACKAGE;
constexpr v1::RuleScope kCrossTable = v1::RULE_SCOPE_CROSS_TABLE;
constexpr v1::RuleScope kReportVsTable = v1::RULE_SCOPE_REPORT_VS_TABLE;
constexpr v1::RuleScope kCrossUnit = v1::RULE_SCOPE_CROSS_UNIT;
constexpr v1::RuleScope kCrossYear = v1::RULE_SCOPE_CROSS_YEAR;

// What a rule may be given a tolerance for.
enum class Tolerance { kNone, kAmount, kRate };

RuleDescriptor Rule(const char* id, v1::RuleScope scope, v1::Severity severity,
                    Tolerance tolerance, const char* title,
                    const char* description) {
  RuleDescriptor rule;
  rule.set_id(id);
  rule.set_scope(scope);
  rule.set_default_severity(severity);
  rule.set_title(title);
  rule.set_description(description);
  if (tolerance == Tolerance::kAmount) rule.set_tolerance_fen(0);
  if (tolerance == Tolerance::kRate) rule.set_tolerance_bp(0);
  return rule;
}

std::vector<RuleDescriptor> BuiltInRules() {
  constexpr Tolerance kAmount = Tolerance::kAmount;
  constexpr Tolerance kRate = Tolerance::kRate;
  constexpr Tolerance kNone = Tolerance::kNone;
  std::vector<RuleDescriptor> rules = {
      // --- Attachment 1 -----------------------------------------------------
      Rule("T1-01", kPackage, kError, kRate,
           "附件1 控制率 = 实际在职人数 ÷ 编制数",
           "The staffing control rate as filed against actual staff ÷ "
           "authorized posts, at the decimals the filer wrote."),
      Rule("T1-02", kPackage, kError, kAmount,
           "附件1 三公经费 = 公务用车 + 出国 + 公务接待",
           "Each column of 三公经费 against 公务用车购置和维护经费 + "
           "出国经费 + 公务接待. When only the vehicles subtotal is "
           "off, T1-03 reports it and this rule stays quiet."),
      Rule("T1-03", kPackage, kError, kAmount,
           "附件1 公务用车购置和维护经费 = 公车购置 + 公车运行维护",
           "Each column of the official-vehicles row against purchase "
           "+ running and maintenance."),
      Rule("T1-04", kPackage, kError, kAmount, "附件1 项目支出 = 各项之和",
           "Each column of 项目支出 against 业务工作经费 + "
           "运行维护经费 + further lines + 区级专项资金 + "
           "上级转移支付 (their lines, or the heading row when there "
           "are none)."),
      Rule("T1-05", kPackage, kError, kAmount,
           "附件1 区级专项资金 / 上级转移支付 标题行 = 各专项之和",
           "Each column of the district-special-funds and "
           "higher-transfers heading rows against the sum of their "
           "one-line-per-fund rows."),
      Rule("T1-06", kPackage, kError, kAmount, "附件1 公用经费 ≥ 其中各项之和",
           "Each column of 公用经费 against its 其中 rows (办公经费, "
           "水费电费差旅费, 会议费培训费). Those rows are a subset, "
           "so only parts exceeding the total are an error."),
      Rule("T1-07", kPackage, kError, kRate,
           "附件1 楼堂馆所 规模控制率 = 实际规模 ÷ 批复规模",
           "Each building project's area control rate as filed "
           "against actual area ÷ approved area."),
      Rule("T1-08", kPackage, kError, kRate,
           "附件1 楼堂馆所 投资概算控制率 = 实际投资 ÷ 预算投资",
           "Each building project's investment control rate as filed "
           "against actual investment ÷ budgeted investment."),
      // --- Attachment 2 -----------------------------------------------------
      Rule("T2-01", kPackage, kError, kRate,
           "附件2 执行率 = 全年执行数 ÷ 全年预算数",
           "The execution rate of 年度资金总额 as filed against "
           "executed ÷ full-year budget, at the decimals the filer "
           "wrote."),
      Rule("T2-02", kPackage, kError, kAmount,
           "附件2 按收入性质分 之和 = 全年预算数",
           "一般公共预算 + 政府性基金拨款 + "
           "纳入专户管理的非税收入拨款 + 其他资金 against the "
           "full-year budget (a sum equal to the amount executed is "
           "accepted too: the form does not say which column is "
           "split)."),
      Rule("T2-03", kPackage, kError, kAmount,
           "附件2 按支出性质分 之和 = 全年执行数",
           "基本支出 + 项目支出 against the amount executed (a sum "
           "equal to the full-year budget is accepted too)."),
      // --- Attachment 3 -----------------------------------------------------
      Rule("T3-01", kPackage, kError, kAmount,
           "附件3 年度资金总额 = 当年财政拨款 + 上年结转资金 + "
           "其他资金",
           "Each column of every project's funds total against its "
           "sources."),
      Rule("T3-02", kPackage, kError, kRate,
           "附件3 执行率 = 全年执行数 ÷ 全年预算数",
           "Every project's execution rate as filed against executed "
           "÷ full-year budget."),
      // --- Attachments 4-6 --------------------------------------------------
      Rule("T4-01", kPackage, kError, kRate, "附件4–6 执行率 = 执行数 ÷ 预算数",
           "Each special-budget line's execution rate as filed "
           "against executed ÷ budget."),
      // --- The report's own figures ------------------------------------------
      Rule("RT-01", kPackage, kError, kAmount,
           "报告 基本支出 = 人员经费 + 商品和服务支出",
           "The report's basic spending against personnel + goods and "
           "services. When a subtotal is off its own items and the "
           "total agrees with the items, RT-02/RT-03 report it and "
           "this rule stays quiet."),
      Rule("RT-02", kPackage, kError, kAmount, "报告 人员经费 = 各项之和",
           "人员经费 against its items when every item has a figure, "
           "or when the items with figures already exceed it."),
      Rule("RT-03", kPackage, kError, kAmount, "报告 商品和服务支出 = 各项之和",
           "商品和服务支出 against its items, as RT-02."),
      Rule("RT-04", kPackage, kError, kAmount, "报告 项目支出 = 各项之和",
           "The report's project spending against its items, as RT-02."),
      Rule("RT-05", kPackage, kExplain, kAmount,
           "报告 列项未填金额，差额待说明",
           "Items named without a figure while the items with figures "
           "fall short of their total: the difference is presumably "
           "theirs, but the report does not say (人员经费, "
           "商品和服务支出, 项目支出, other income sources, "
           "functional amounts)."),
      Rule("RT-06", kPackage, kError, kAmount, "报告 收入 = 各来源之和",
           "The report's income against 一般公共预算拨款 + "
           "上级补助收入 + 事业单位经营收入 + 上年结转 + other "
           "sources."),
      Rule("RT-07", kPackage, kError, kAmount, "报告 支出 = 各功能科目之和",
           "The report's expenditure (and general-public-budget "
           "expenditure) against the sum of its "
           "functional-classification amounts."),
      Rule("RT-08", kPackage, kError, kRate, "报告 占比 = 科目金额 ÷ 支出合计",
           "Each functional share (占 %) as filed against amount ÷ "
           "the stated total of the same expenditure, at the decimals "
           "the filer wrote. A share that agrees with the amounts' "
           "own sum, when the stated total is off it (RT-07), is not "
           "reported again."),
      Rule("RT-09", kPackage, kError, kAmount,
           "报告 各科目较去年增减之和 = 支出较去年增减",
           "The stated year-on-year changes by function against the "
           "stated total change, when every function states one."),
      Rule("RT-10", kPackage, kError, kAmount,
           "报告 基本支出增减 + 项目支出增减 = 支出增减",
           "The stated changes of basic and project spending against "
           "the stated total change, when both are stated."),
      // --- The report against the tables
      // --------------------------------------
      Rule("R-01", kReportVsTable, kError, kAmount,
           "报告 基本支出 = 附件2 基本支出",
           "The report's basic spending against attachment 2's "
           "按支出性质分 基本支出. Quiet when the report's total is "
           "off its own parts and the parts agree with attachment 2 "
           "(RT-01)."),
      Rule("R-02", kReportVsTable, kError, kAmount, "报告 项目支出 = 附件1/2/3",
           "The report's project spending against attachment 2's "
           "按支出性质分 项目支出 (or attachment 1's 项目支出). Quiet "
           "when the report agrees with some table (attachment 1's "
           "lines, attachment 3): the tables' disagreement is then "
           "reported by T1-04, X-01 or X-02."),
      Rule("R-03", kReportVsTable, kError, kAmount,
           "报告 商品和服务支出 = 附件1 公用经费",
           "The report's goods and services against attachment 1's "
           "公用经费, current-year final column."),
      Rule("R-04", kReportVsTable, kError, kAmount,
           "报告 支出 = 附件2 全年执行数",
           "The report's expenditure against attachment 2's amount "
           "executed. Quiet when both split exactly into basic + "
           "project spending: the difference is then in those parts, "
           "reported by R-01 and R-02/X-02; and when the report's "
           "total is off its own functional amounts and those agree "
           "with attachment 2 (RT-07)."),
      Rule("R-05", kReportVsTable, kWarning, kAmount,
           "报告 收入 = 附件2 全年预算数",
           "The report's income against attachment 2's full-year "
           "budget (a warning: income received and funds budgeted may "
           "differ)."),
      // --- Across the tables -------------------------------------------------
      Rule("X-01", kCrossTable, kError, kAmount,
           "附件1 项目支出 = 附件2 项目支出",
           "Attachment 1's project spending (current-year final) "
           "against attachment 2's 按支出性质分 项目支出. Quiet when "
           "attachment 1's total is off its own lines and the lines "
           "agree with attachment 2 (T1-04), or when attachment 1 "
           "agrees with attachment 3 (X-02 reports attachment 2's "
           "figure)."),
      Rule("X-02", kCrossTable, kError, kAmount,
           "附件2 项目支出 = 附件3 全年执行数之和",
           "Attachment 2's 按支出性质分 项目支出 against the sum of "
           "every attachment 3 project's amount executed (one table "
           "per first-level project)."),
      Rule("X-03", kCrossTable, kWarning, kNone, "附件2 有项目支出，缺附件3",
           "Attachment 2 states project spending but the package has "
           "no attachment 3 table."),
      Rule("X-04", kCrossTable, kError, kAmount,
           "附件1 公用经费 ≤ 附件2 基本支出",
           "Public funds are part of basic spending: attachment 1's "
           "公用经费 (current-year final) may not exceed attachment "
           "2's 基本支出. Quiet when the report's goods and services "
           "disagree with attachment 1 and fit within basic spending "
           "(R-03 reports attachment 1's figure)."),
      // --- Weights and self-scores ------------------------------------------
      Rule("W-01", kPackage, kError, kNone, "一级指标分值 = 三级指标分值之和",
           "A level-1 indicator's declared weight, e.g. 产出指标 (50 "
           "分), against the weights of its level-3 indicators."),
      Rule("W-02", kPackage, kError, kNone, "总分 分值 = 各项分值之和",
           "The declared total weight against the weights filed: the "
           "execution rate's plus each level-1 indicator's (declared, "
           "or its lines'). When the declared totals simply leave out "
           "the execution-rate line, one finding says so for both "
           "weight and self-score."),
      Rule("W-03", kPackage, kError, kNone, "总分 自评得分 = 各项得分之和",
           "The declared self-score total against the sum of the "
           "self-scores filed."),
      Rule("W-04", kPackage, kWarning, kNone, "年度资金总额 分值 写成了总分",
           "The funds row's weight equals the table's declared total: "
           "it repeats the total instead of weighting the execution "
           "rate (normally 10), and is read as the total."),
      Rule("W-05", kPackage, kError, kNone, "自评得分 ≤ 分值",
           "A self-score above its weight, or below zero."),
      Rule("W-06", kPackage, kWarning, kNone, "分值与自评得分须成对填写",
           "A weighted line without a self-score, or a self-score "
           "without a weight."),
      // --- Indicators -------------------------------------------------------
      Rule("I-01", kPackage, kWarning, kNone, "指标值无法识别或未填",
           "A target (年度指标值) or actual (实际完成值) that cannot "
           "be read, or is blank on a weighted line: it cannot be "
           "re-scored."),
      Rule("I-02", kPackage, kWarning, kNone,
           "年度指标值与实际完成值单位不一致",
           "Target and actual in different units (户 against 人, a "
           "unit on one side only) or a quantity against a period."),
      Rule("I-03", kPackage, kWarning, kNone, "三级指标名称只是一个值",
           "A level-3 indicator whose name is a value (\"2023年度\", "
           "\"40\"): the name column holds what belongs in the target "
           "column."),
      Rule("I-04", kPackage, kError, kNone, "反向指标超支仍得满分",
           "A lower-is-better indicator (≤ target, or a cost "
           "indicator) whose actual exceeds its target, scored in "
           "full."),
      Rule("I-05", kPackage, kExplain, kNone, "指标已完成但扣分，未作偏差分析",
           "A quantitative indicator that met its target yet scored "
           "below its weight, with no deviation analysis to say why."),
      Rule("I-06", kPackage, kExplain, kNone, "指标未完成，未作偏差分析",
           "A quantitative indicator that missed its target, with no "
           "deviation analysis (偏差原因分析及改进措施)."),
      [] {
        RuleDescriptor rule = Rule(
            "I-07", kPackage, kExplain, kNone, "指标大幅超额完成，未作说明",
            "A higher-is-better indicator whose actual reaches the "
            "threshold share of its target (tolerance_bp, 13000 = "
            "130%), with no deviation analysis: was the target set too "
            "low?");
        rule.set_tolerance_bp(13000);
        return rule;
      }(),
      Rule("I-08", kPackage, kError, kNone, "正向指标未完成仍得满分",
           "A higher-is-better (or equal) indicator that missed its "
           "target, scored in full."),
      // --- Across units (the audit job)
      // ---------------------------------------
      Rule("U-01", kCrossUnit, kError, kNone, "同一信用代码同年多份不一致的包",
           "The same 统一社会信用代码 filed for the same year under a "
           "different unit name or division code: the package's name (or "
           "division) against the one the organisation tree gives that "
           "code, or two packages of one code with different names. Names "
           "are compared without white space, full-width brackets as "
           "ASCII."),
      Rule("U-02", kCrossUnit, kWarning, kNone, "同一项目被多个单位填报",
           "An attachment 3 project with the same name and the same three "
           "amounts (年初预算数, 全年预算数, 全年执行数 > 0) in two units' "
           "packages: spending counted twice in the rollups. A "
           "department's table and that of a unit it names as 实施单位 "
           "(or two such units' parts of it) are compared by U-05 "
           "instead."),
      [] {
        RuleDescriptor rule = Rule(
            "U-03", kCrossUnit, kWarning, kNone, "人均公用经费明显高于同级单位",
            "附件1 公用经费 (本年决算数) ÷ 实际在职人数 far above the "
            "median of the peer units (same supervising department; "
            "departments' own packages with each other): x − median > k × "
            "1.4826 × MAD, k = tolerance_bp ÷ 10000 (35000 = 3.5), and x at "
            "least twice the median (materiality); judged only in groups of "
            "at least 8 values with MAD > 0.");
        rule.set_tolerance_bp(35000);
        return rule;
      }(),
      Rule("U-04", kCrossUnit, kExplain, kNone, "自评报告内容与其他单位雷同",
           "A report section (绩效自评报告) of at least 50 characters, "
           "white space aside, whose text is the same as a section of "
           "another unit's package."),
      Rule("U-05", kCrossUnit, kError, kAmount,
           "部门项目 = 所列实施单位同名项目之和",
           "A department files its own (本级) package, so its attachments "
           "1 and 2 are not sums of its units'. What adds up: a "
           "department's attachment 3 table that names some of its units "
           "as 实施单位 is the whole first-level project, and those units' "
           "tables of the same project are its parts. Each funds column "
           "(年初预算数, 全年预算数, 全年执行数) must be at least the parts' "
           "sum, and equal to it when every unit named filed the project "
           "and the department does not name itself (with one unit: the "
           "project reported by both with different amounts)."),
      Rule("U-06", kCrossUnit, kError, kNone, "同名单位使用不同信用代码",
           "Two packages of the same year with the same unit name (white "
           "space aside, full-width brackets as ASCII) and different "
           "统一社会信用代码. The code the organisation tree knows by that "
           "name is taken as right; the other package gets the finding."),
      [] {
        RuleDescriptor rule = Rule(
            "U-07", kCrossUnit, kWarning, kNone, "执行率明显偏离同级单位",
            "附件2 执行率, computed as 全年执行数 ÷ 全年预算数, far from "
            "the median of the peer units, judged as U-03 (tolerance_bp "
            "35000 = 3.5 × 1.4826 × MAD), and by at least 10 percentage "
            "points.");
        rule.set_tolerance_bp(35000);
        return rule;
      }(),
      [] {
        RuleDescriptor rule = Rule(
            "U-08", kCrossUnit, kWarning, kNone,
            "自评得分高出复核得分明显多于同级单位",
            "The scorecard's self-score minus computed score (附件2 总分, "
            "both after the profile's weight policy) far above the median "
            "of the peer units, judged as U-03 (tolerance_bp 35000 = 3.5 "
            "× 1.4826 × MAD), and by at least 5 points. Units not yet "
            "scored are left out.");
        rule.set_tolerance_bp(35000);
        return rule;
      }(),
      // --- Across years (the audit job)
      // ---------------------------------------
      Rule("Y-01", kCrossYear, kError, kAmount,
           "附件1 上年决算数 = 上年包的本年决算数",
           "Each attachment 1 prior-year final figure against the "
           "same row's current-year final in last year's package."),
      Rule("Y-02", kCrossYear, kError, kAmount,
           "报告 收入较去年增减 = 两年收入之差",
           "The report's stated income change against this year's "
           "income less last year's."),
      Rule("Y-03", kCrossYear, kError, kAmount,
           "报告 支出较去年增减 = 两年支出之差",
           "The report's stated expenditure changes (total, basic, project "
           "and by function, of 支出 and of 一般公共预算拨款支出) against the "
           "difference of the two years' amounts. A function missing from "
           "one year counts 0 there, if that year lists functions at all."),
      [] {
        RuleDescriptor rule = Rule(
            "Y-04", kCrossYear, kExplain, kNone,
            "上年大幅超额完成的指标今年目标未调整",
            "A higher-is-better quantity indicator whose actual last year "
            "reached the threshold share of its target (tolerance_bp, "
            "13000 = 130%) keeps the same target this year (matched by "
            "table, level-2 category and name).");
        rule.set_tolerance_bp(13000);
        return rule;
      }(),
  };
  return rules;
}

}  // namespace

const RuleCatalogue& RuleCatalogue::Default() {
  // Built once, never destroyed: the catalogue outlives every checker.
  static const RuleCatalogue* const catalogue =
      new RuleCatalogue(BuiltInRules());
  return *catalogue;
}

RuleCatalogue::RuleCatalogue(std::vector<v1::RuleDescriptor> rules)
    : rules_(std::move(rules)) {
  for (size_t i = 0; i < rules_.size(); ++i) {
    // The first of two equal ids wins; tests keep the built-in ids unique.
    index_.emplace(rules_[i].id(), i);
  }
}

const v1::RuleDescriptor* RuleCatalogue::Find(absl::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &rules_[it->second];
}

size_t RuleCatalogue::IndexOf(absl::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? rules_.size() : it->second;
}

v1::RuleList RuleCatalogue::ToProto() const {
  v1::RuleList list;
  for (const v1::RuleDescriptor& rule : rules_) *list.add_rules() = rule;
  return list;
}

absl::string_view SeverityName(v1::Severity severity) {
  switch (severity) {
    case v1::SEVERITY_ERROR:
      return "错误";
    case v1::SEVERITY_WARNING:
      return "警告";
    case v1::SEVERITY_NEEDS_EXPLANATION:
      return "需说明";
    default:
      return "";
  }
}

absl::string_view ScopeName(v1::RuleScope scope) {
  switch (scope) {
    case v1::RULE_SCOPE_PACKAGE:
      return "package";
    case v1::RULE_SCOPE_CROSS_TABLE:
      return "cross-table";
    case v1::RULE_SCOPE_REPORT_VS_TABLE:
      return "report-vs-table";
    case v1::RULE_SCOPE_CROSS_UNIT:
      return "cross-unit";
    case v1::RULE_SCOPE_CROSS_YEAR:
      return "cross-year";
    default:
      return "";
  }
}

}  // namespace budgetperf
