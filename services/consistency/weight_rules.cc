// W-xx: weights (分值) and self-scores (自评得分) of attachment 2 and every
// attachment 3.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/consistency/check_context.h"
#include "services/consistency/rules.h"

namespace budgetperf {
namespace consistency_internal {
namespace {

// A scored line: the funds row (执行率) or a level-3 indicator.
struct ScoredLine {
  std::string path;  // the line, e.g. "overall.funds"
  std::string name;  // "年度资金总额" or the indicator's name
  std::optional<int64_t> weight;
  std::optional<int64_t> self_score;
};

std::optional<int64_t> Weight(const v1::Level3Indicator& l3) {
  if (!l3.has_weight_centipoints()) return std::nullopt;
  return l3.weight_centipoints();
}

std::optional<int64_t> SelfScore(const v1::Level3Indicator& l3) {
  if (!l3.has_self_score_centipoints()) return std::nullopt;
  return l3.self_score_centipoints();
}

std::string Level1Name(const v1::Level1Indicator& l1, int index) {
  if (!l1.name().empty()) return l1.name();
  return absl::StrCat("第", index + 1, "个一级指标");
}

// W-05 and W-06 on one line.
void CheckLine(CheckContext& ctx, const std::string& label,
               const ScoredLine& line) {
  const std::string what = absl::StrCat(label, "「", line.name, "」");
  if (const RuleSettings* rule = ctx.Rule("W-05"); rule && line.self_score) {
    const int64_t self = *line.self_score;
    if (line.weight && self > *line.weight) {
      FindingText text{Points(self), absl::StrCat("≤ ", Points(*line.weight)),
                       Points(self - *line.weight),
                       absl::StrCat(what, " 自评得分 ", Points(self),
                                    " > 分值 ", Points(*line.weight), " (超 ",
                                    Points(self - *line.weight), ")")};
      ctx.Add(*rule, line.path + ".self_score_centipoints", std::move(text),
              {line.path + ".weight_centipoints"});
    } else if (self < 0) {
      FindingText text{
          Points(self), "≥ 0分", Points(self),
          absl::StrCat(what, " 自评得分 ", Points(self), " 为负数")};
      ctx.Add(*rule, line.path + ".self_score_centipoints", std::move(text));
    }
  }
  if (const RuleSettings* rule = ctx.Rule("W-06")) {
    if (line.weight && *line.weight > 0 && !line.self_score) {
      FindingText text{"(未填)", "自评得分", "",
                       absl::StrCat(what, " 分值 ", Points(*line.weight),
                                    "，但未填自评得分")};
      ctx.Add(*rule, line.path + ".self_score_centipoints", std::move(text),
              {line.path + ".weight_centipoints"});
    } else if (line.self_score && !line.weight) {
      FindingText text{"(未填)", "分值", "",
                       absl::StrCat(what, " 自评得分 ",
                                    Points(*line.self_score), "，但未填分值")};
      ctx.Add(*rule, line.path + ".weight_centipoints", std::move(text),
              {line.path + ".self_score_centipoints"});
    }
  }
}

void CheckTable(CheckContext& ctx, const SelfEvaluationTable& table) {
  const v1::FundsTotal& funds = *table.funds;
  const v1::DeclaredTotals& totals = *table.totals;
  const std::optional<int64_t> funds_weight =
      funds.has_weight_centipoints()
          ? std::optional<int64_t>(funds.weight_centipoints())
          : std::nullopt;
  const std::optional<int64_t> funds_self =
      funds.has_self_score_centipoints()
          ? std::optional<int64_t>(funds.self_score_centipoints())
          : std::nullopt;
  const std::optional<int64_t> declared_weight =
      totals.has_weight_centipoints()
          ? std::optional<int64_t>(totals.weight_centipoints())
          : std::nullopt;
  const std::optional<int64_t> declared_self =
      totals.has_self_score_centipoints()
          ? std::optional<int64_t>(totals.self_score_centipoints())
          : std::nullopt;

  // Level-3 lines, and each level-1's weight: declared "(50 分)" when written
  // (W-01 checks it against its lines), else the sum of its lines. Points are
  // int32 on the wire, so int64 sums of them cannot overflow.
  std::vector<ScoredLine> lines;
  int64_t indicator_weights = 0;  // Σ level-1 weights as above
  // Σ level-1 weights read the other way: the lines' sum where there are
  // lines, the declared weight otherwise. When a level-1 declared weight and
  // its lines disagree (W-01), the declared total may follow either.
  int64_t indicator_line_weights = 0;
  int64_t indicator_self = 0;
  bool any_indicator_weight = false;
  bool any_indicator_self = false;
  const RuleSettings* level1_rule = ctx.Rule("W-01");
  for (int i = 0; i < table.indicators->size(); ++i) {
    const v1::Level1Indicator& l1 = (*table.indicators)[i];
    const std::string l1_path =
        absl::StrCat(table.path, ".indicators[", i, "]");
    int64_t l3_weights = 0;
    bool any_l3_weight = false;
    std::vector<std::string> weight_paths;
    for (int j = 0; j < l1.level2_size(); ++j) {
      const v1::Level2Indicator& l2 = l1.level2(j);
      for (int k = 0; k < l2.indicators_size(); ++k) {
        const v1::Level3Indicator& l3 = l2.indicators(k);
        const std::string path =
            absl::StrCat(l1_path, ".level2[", j, "].indicators[", k, "]");
        lines.push_back({path, l3.name(), Weight(l3), SelfScore(l3)});
        if (l3.has_weight_centipoints()) {
          l3_weights += l3.weight_centipoints();
          any_l3_weight = true;
          weight_paths.push_back(path + ".weight_centipoints");
        }
        if (l3.has_self_score_centipoints()) {
          indicator_self += l3.self_score_centipoints();
          any_indicator_self = true;
        }
      }
    }
    indicator_line_weights +=
        any_l3_weight ? l3_weights : l1.declared_weight_centipoints();
    if (l1.has_declared_weight_centipoints()) {
      indicator_weights += l1.declared_weight_centipoints();
      any_indicator_weight = true;
      if (level1_rule && any_l3_weight &&
          l1.declared_weight_centipoints() != l3_weights) {
        const int64_t declared = l1.declared_weight_centipoints();
        FindingText text{
            Points(declared), Points(l3_weights), Points(declared - l3_weights),
            absl::StrCat(table.label, " ", Level1Name(l1, i), " 分值 ",
                         Points(declared), " ≠ 三级指标分值之和 ",
                         Points(l3_weights), " (差 ",
                         Points(declared - l3_weights), ")")};
        ctx.Add(*level1_rule, l1_path + ".declared_weight_centipoints",
                std::move(text), std::move(weight_paths));
      }
    } else if (any_l3_weight) {
      indicator_weights += l3_weights;
      any_indicator_weight = true;
    }
  }

  // W-04: the funds row repeating the table's total is read as that total,
  // so it takes no part in the sums below (as the scorer reads it too).
  const bool funds_is_total = funds_weight && declared_weight &&
                              *funds_weight == *declared_weight &&
                              any_indicator_weight;
  if (const RuleSettings* rule = ctx.Rule("W-04"); rule && funds_is_total) {
    FindingText text{
        Points(*funds_weight), "执行率分值 (通常10分)", "",
        absl::StrCat(table.label, " 年度资金总额 分值 ", Points(*funds_weight),
                     " = 总分 分值 ", Points(*declared_weight),
                     "：资金行填的是总分，而非执行率的分值 "
                     "(通常10分)；指标分值之和为 ",
                     Points(indicator_weights))};
    ctx.Add(*rule, table.path + ".funds.weight_centipoints", std::move(text),
            {table.path + ".totals.weight_centipoints"});
  }
  const int64_t execution_weight =
      funds_is_total ? 0 : funds_weight.value_or(0);
  const int64_t execution_self = funds_is_total ? 0 : funds_self.value_or(0);

  // Declared totals that leave out the execution-rate line altogether: one
  // mistake, reported once by W-02 for both the weight and the self-score.
  const bool totals_leave_out_execution =
      execution_weight > 0 && declared_weight &&
      (*declared_weight == indicator_weights ||
       *declared_weight == indicator_line_weights);
  if (const RuleSettings* rule = ctx.Rule("W-02");
      rule && declared_weight &&
      (any_indicator_weight || execution_weight > 0)) {
    const int64_t filed = execution_weight + indicator_weights;
    // A total that agrees with the level-3 lines where a level-1 weight does
    // not is W-01's finding, not a second one here.
    if (filed != *declared_weight &&
        execution_weight + indicator_line_weights != *declared_weight) {
      const int64_t difference = *declared_weight - filed;
      std::vector<std::string> related = {table.path +
                                          ".funds.weight_centipoints"};
      std::string message =
          absl::StrCat(table.label, " 总分 分值 ", Points(*declared_weight),
                       " ≠ 各项分值之和 ", Points(filed), " (执行率 ",
                       Points(execution_weight), " + 指标 ",
                       Points(indicator_weights), ")，差 ", Points(difference));
      if (totals_leave_out_execution) {
        absl::StrAppend(&message, "：总分未计入执行率一行");
        if (declared_self && *declared_self == indicator_self &&
            execution_self != 0) {
          absl::StrAppend(&message, "；总分 自评得分 ", Points(*declared_self),
                          " 同样未计执行率得分 ", Points(execution_self),
                          " (各项之和 ",
                          Points(indicator_self + execution_self), ")");
          related.push_back(table.path + ".totals.self_score_centipoints");
        }
      }
      ctx.Add(*rule, table.path + ".totals.weight_centipoints",
              {Points(*declared_weight), Points(filed), Points(difference),
               message},
              std::move(related));
    }
  }

  if (const RuleSettings* rule = ctx.Rule("W-03");
      rule && declared_self && (any_indicator_self || execution_self != 0)) {
    // Read the self-score total as the weight total was written: without the
    // execution-rate line when the declared weight leaves it out (W-02 then
    // reports both); a self-score total that includes it is right either way.
    const int64_t full = indicator_self + execution_self;
    const bool agrees =
        *declared_self == full ||
        (totals_leave_out_execution && *declared_self == indicator_self);
    const int64_t expected = totals_leave_out_execution ? indicator_self : full;
    if (!agrees) {
      const int64_t difference = *declared_self - expected;
      ctx.Add(
          *rule, table.path + ".totals.self_score_centipoints",
          {Points(*declared_self), Points(expected), Points(difference),
           absl::StrCat(table.label, " 总分 自评得分 ", Points(*declared_self),
                        " ≠ 各项自评得分之和 ", Points(expected), " (差 ",
                        Points(difference), ")")});
    }
  }

  if (!funds_is_total) {
    CheckLine(
        ctx, table.label,
        {table.path + ".funds", "年度资金总额", funds_weight, funds_self});
  }
  for (const ScoredLine& line : lines) CheckLine(ctx, table.label, line);
}

}  // namespace

void CheckWeights(CheckContext& ctx) {
  for (const SelfEvaluationTable& table : SelfEvaluationTables(ctx.package())) {
    CheckTable(ctx, table);
  }
}

}  // namespace consistency_internal
}  // namespace budgetperf
