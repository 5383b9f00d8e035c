// I-xx: the level-3 indicators of attachment 2 and every attachment 3: values
// that cannot be read, units that differ, names that are values, and
// self-scores that contradict the values filed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/indicator/decimal.h"
#include "common/indicator/indicator_value.h"
#include "common/money/rate.h"
#include "services/consistency/check_context.h"
#include "services/consistency/rules.h"

namespace budgetperf {
namespace consistency_internal {
namespace {

using Parsed = v1::ParsedIndicatorValue;

enum class Direction { kHigher, kLower, kEqual, kQualitative };

// The cell read from its text, the truth as filed; a client that sent only a
// parsed value is taken at its word (as the scorer does).
Parsed Read(const v1::IndicatorValue& value) {
  if (value.text().empty() &&
      value.parsed().kind() != Parsed::KIND_UNSPECIFIED) {
    return value.parsed();
  }
  return ParseIndicatorValue(value.text());
}

// As the scorer reads it: the form's own direction, else the target's
// comparator ('>' and '<' read as '≥' and '≤'), else lower-is-better for cost
// indicators and higher-is-better for the rest.
Direction DirectionOf(const v1::Level3Indicator& l3,
                      v1::Level2Category category, v1::Comparator comparator) {
  switch (l3.direction()) {
    case v1::HIGHER_IS_BETTER:
      return Direction::kHigher;
    case v1::LOWER_IS_BETTER:
      return Direction::kLower;
    case v1::QUALITATIVE:
      return Direction::kQualitative;
    default:
      break;
  }
  switch (comparator) {
    case v1::COMPARATOR_GE:
    case v1::COMPARATOR_GT:
      return Direction::kHigher;
    case v1::COMPARATOR_LE:
    case v1::COMPARATOR_LT:
      return Direction::kLower;
    case v1::COMPARATOR_EQ:
      return Direction::kEqual;
    default:
      break;
  }
  return category == v1::LEVEL2_COST ? Direction::kLower : Direction::kHigher;
}

// A deviation analysis that says nothing ("", "/", "无") is no analysis.
bool HasAnalysis(absl::string_view text) {
  const absl::string_view t = absl::StripAsciiWhitespace(text);
  return !(t.empty() || t == "/" || t == "无" || t == "—" || t == "-" ||
           t == "／");
}

std::string Value(const v1::Decimal& number, const std::string& unit) {
  return FormatDecimal(number) + unit;
}

// a − b exactly, at the larger scale; nullopt past int64.
std::optional<v1::Decimal> Subtract(const v1::Decimal& a,
                                    const v1::Decimal& b) {
  const int32_t scale = std::max(a.scale(), b.scale());
  if (a.scale() < 0 || b.scale() < 0 || scale > kMaxDecimalScale)
    return std::nullopt;
  int64_t ua = a.units();
  int64_t ub = b.units();
  for (int32_t s = a.scale(); s < scale; ++s) {
    if (__builtin_mul_overflow(ua, int64_t{10}, &ua)) return std::nullopt;
  }
  for (int32_t s = b.scale(); s < scale; ++s) {
    if (__builtin_mul_overflow(ub, int64_t{10}, &ub)) return std::nullopt;
  }
  int64_t d = 0;
  if (__builtin_sub_overflow(ua, ub, &d)) return std::nullopt;
  v1::Decimal out;
  out.set_units(d);
  out.set_scale(scale);
  return out;
}

std::string DifferenceText(const v1::Decimal& actual, const v1::Decimal& target,
                           const std::string& unit) {
  const std::optional<v1::Decimal> d = Subtract(actual, target);
  return d ? Value(*d, unit) : std::string();
}

std::string KindName(Parsed::Kind kind) {
  switch (kind) {
    case Parsed::QUANTITY:
      return "数量";
    case Parsed::PERIOD:
      return "时间";
    case Parsed::QUALITATIVE:
      return "定性描述";
    case Parsed::NOT_APPLICABLE:
      return "不适用";
    case Parsed::EMPTY:
      return "空白";
    default:
      return "无法识别";
  }
}

// Everything the rules need to know about one level-3 line.
struct Line {
  const v1::Level3Indicator* l3;
  std::string path;  // "overall.indicators[0].level2[3].indicators[0]"
  std::string what;  // "附件2 成本指标「住房租赁补贴年度预算成本动态合理控制」"
  v1::Level2Category category;
};

// I-01: true when the line cannot be read, so nothing else is checked on it.
bool CheckReadable(CheckContext& ctx, const Line& line, const Parsed& target,
                   const Parsed& actual) {
  const v1::Level3Indicator& l3 = *line.l3;
  const bool weighted =
      l3.has_weight_centipoints() && l3.weight_centipoints() > 0;
  auto bad = [weighted](const Parsed& p) {
    return p.kind() == Parsed::UNPARSEABLE ||
           (weighted && p.kind() == Parsed::EMPTY);
  };
  if (!bad(target) && !bad(actual)) return false;
  const RuleSettings* rule = ctx.Rule("I-01");
  if (rule == nullptr) return true;
  const bool target_bad = bad(target);
  const Parsed& p = target_bad ? target : actual;
  const std::string& text =
      target_bad ? l3.target().text() : l3.actual().text();
  const char* cell = target_bad ? "年度指标值" : "实际完成值";
  std::string message =
      p.kind() == Parsed::EMPTY
          ? absl::StrCat(line.what, " ", cell, " 未填 (该指标分值 ",
                         Points(l3.weight_centipoints()), ")")
          : absl::StrCat(line.what, " ", cell, "「", text, "」无法识别：",
                         p.error());
  if (target_bad && bad(actual))
    absl::StrAppend(&message, "；实际完成值同样无法使用");
  std::vector<std::string> related;
  if (target_bad && bad(actual)) related.push_back(line.path + ".actual");
  ctx.Add(*rule, line.path + (target_bad ? ".target" : ".actual"),
          {p.kind() == Parsed::EMPTY ? "(未填)" : text,
           "可识别的指标值，如 2600户、≥95%", "", std::move(message)},
          std::move(related));
  return true;
}

// I-03: a name that is only a value.
void CheckName(CheckContext& ctx, const Line& line) {
  const RuleSettings* rule = ctx.Rule("I-03");
  if (rule == nullptr) return;
  const Parsed name = ParseIndicatorValue(line.l3->name());
  if (name.kind() != Parsed::QUANTITY && name.kind() != Parsed::PERIOD) return;
  ctx.Add(*rule, line.path + ".name",
          {line.l3->name(), "指标名称", "",
           absl::StrCat(
               line.what, " 三级指标名称只是一个值 (", KindName(name.kind()),
               ")：名称栏应写指标的名称，值写在年度指标值栏 (年度指标值「",
               line.l3->target().text(), "」)")});
}

// I-02: true when target and actual cannot be compared.
bool CheckUnits(CheckContext& ctx, const Line& line, const Parsed& target,
                const Parsed& actual) {
  const bool both_quantities =
      target.kind() == Parsed::QUANTITY && actual.kind() == Parsed::QUANTITY;
  const bool quantity_against_period =
      (target.kind() == Parsed::QUANTITY && actual.kind() == Parsed::PERIOD) ||
      (target.kind() == Parsed::PERIOD && actual.kind() == Parsed::QUANTITY);
  if (!quantity_against_period &&
      !(both_quantities && target.unit() != actual.unit())) {
    return false;
  }
  const RuleSettings* rule = ctx.Rule("I-02");
  if (rule == nullptr) return true;
  const std::string& t = line.l3->target().text();
  const std::string& a = line.l3->actual().text();
  std::string why =
      quantity_against_period
          ? absl::StrCat(KindName(target.kind()), " ≠ ",
                         KindName(actual.kind()))
          : absl::StrCat("单位「", target.unit(), "」≠「", actual.unit(), "」");
  ctx.Add(
      *rule, line.path + ".actual",
      {a,
       quantity_against_period ? KindName(target.kind())
                               : absl::StrCat("单位「", target.unit(), "」"),
       "",
       absl::StrCat(line.what, " 年度指标值「", t, "」与实际完成值「", a,
                    "」不可比 (", why, ")")},
      {line.path + ".target"});
  return true;
}

// I-04 to I-08 on a line whose target and actual are quantities in the same
// unit.
void CheckScore(CheckContext& ctx, const Line& line, const Parsed& target,
                const Parsed& actual) {
  const v1::Level3Indicator& l3 = *line.l3;
  if (!l3.has_weight_centipoints() || l3.weight_centipoints() <= 0 ||
      !l3.has_self_score_centipoints()) {
    return;
  }
  const Direction direction =
      DirectionOf(l3, line.category, target.comparator());
  if (direction == Direction::kQualitative) return;
  const int cmp = CompareDecimal(actual.number(), target.number());
  const bool met = direction == Direction::kHigher  ? cmp >= 0
                   : direction == Direction::kLower ? cmp <= 0
                                                    : cmp == 0;
  const int64_t weight = l3.weight_centipoints();
  const int64_t self = l3.self_score_centipoints();
  const std::string& unit = target.unit();
  const std::string target_text = Value(target.number(), unit);
  const std::string actual_text = l3.actual().text();
  const std::string difference =
      DifferenceText(actual.number(), target.number(), unit);
  const bool analysed = HasAnalysis(l3.deviation_analysis());
  const std::vector<std::string> values = {line.path + ".target",
                                           line.path + ".actual"};

  if (!met && self >= weight) {
    const bool lower = direction == Direction::kLower;
    const RuleSettings* rule = ctx.Rule(lower ? "I-04" : "I-08");
    if (rule == nullptr) return;
    const char* sign = lower                            ? "≤ "
                       : direction == Direction::kEqual ? "= "
                                                        : "≥ ";
    std::string message = absl::StrCat(
        line.what, " 实际完成值 ", actual_text, lower ? " 超出" : " 未达到",
        "年度指标值 ", target_text, " (", lower ? "超 " : "差 ", difference,
        lower ? "，反向指标越低越好" : "", ")，仍自评满分 ", Points(self),
        " / 分值 ", Points(weight));
    ctx.Add(*rule, line.path + ".self_score_centipoints",
            {actual_text, absl::StrCat(sign, target_text), difference,
             std::move(message)},
            values);
    return;
  }
  if (analysed) return;
  if (!met) {
    if (const RuleSettings* rule = ctx.Rule("I-06")) {
      ctx.Add(
          *rule, line.path + ".deviation_analysis",
          {actual_text, target_text, difference,
           absl::StrCat(line.what, " 实际完成值 ", actual_text,
                        " 未达到年度指标值 ", target_text, " (差 ", difference,
                        ")，自评得分 ", Points(self), " / 分值 ",
                        Points(weight), "，未填偏差原因分析及改进措施")},
          values);
    }
    return;
  }
  if (self < weight) {
    if (const RuleSettings* rule = ctx.Rule("I-05")) {
      ctx.Add(*rule, line.path + ".deviation_analysis",
              {Points(self), Points(weight), Points(self - weight),
               absl::StrCat(line.what, " 实际完成值 ", actual_text,
                            " 已达到年度指标值 ", target_text, "，自评得分 ",
                            Points(self), " < 分值 ", Points(weight), " (扣 ",
                            Points(weight - self),
                            ")，未填偏差原因分析说明扣分理由")},
              {line.path + ".self_score_centipoints", line.path + ".actual"});
    }
    return;
  }
  // I-07: actual ≥ target × threshold, tested exactly on decimals.
  const RuleSettings* rule = ctx.Rule("I-07");
  if (rule == nullptr || direction != Direction::kHigher ||
      target.number().units() <= 0 || target.number().scale() < 0 ||
      target.number().scale() > kMaxDecimalScale) {
    return;
  }
  int64_t threshold_units = 0;
  if (__builtin_mul_overflow(target.number().units(),
                             int64_t{rule->tolerance_bp}, &threshold_units)) {
    return;
  }
  v1::Decimal threshold;
  threshold.set_units(threshold_units);
  threshold.set_scale(target.number().scale() + 4);
  if (CompareDecimal(actual.number(), threshold) < 0) return;
  const absl::StatusOr<int64_t> share =
      RatioScaled(actual.number(), target.number(), 10000);
  const std::string share_text =
      share.ok() ? Percent(*share) : std::string("远超");
  ctx.Add(*rule, line.path + ".deviation_analysis",
          {actual_text,
           absl::StrCat("< 年度指标值 ", target_text, " 的 ",
                        Percent(rule->tolerance_bp)),
           share_text,
           absl::StrCat(line.what, " 实际完成值 ", actual_text,
                        " 为年度指标值 ", target_text, " 的 ", share_text,
                        " (达到 ", Percent(rule->tolerance_bp),
                        ")，未填偏差原因分析：年度指标是否定得过低？")},
          values);
}

std::string Level2Name(const v1::Level2Indicator& l2) {
  return l2.name().empty() ? std::string("二级指标") : l2.name();
}

}  // namespace

void CheckIndicators(CheckContext& ctx) {
  for (const SelfEvaluationTable& table : SelfEvaluationTables(ctx.package())) {
    for (int i = 0; i < table.indicators->size(); ++i) {
      const v1::Level1Indicator& l1 = (*table.indicators)[i];
      for (int j = 0; j < l1.level2_size(); ++j) {
        const v1::Level2Indicator& l2 = l1.level2(j);
        for (int k = 0; k < l2.indicators_size(); ++k) {
          const v1::Level3Indicator& l3 = l2.indicators(k);
          Line line{&l3,
                    absl::StrCat(table.path, ".indicators[", i, "].level2[", j,
                                 "].indicators[", k, "]"),
                    absl::StrCat(table.label, " ", Level2Name(l2), "「",
                                 l3.name(), "」"),
                    l2.category()};
          const Parsed target = Read(l3.target());
          const Parsed actual = Read(l3.actual());
          CheckName(ctx, line);
          if (CheckReadable(ctx, line, target, actual)) continue;
          if (CheckUnits(ctx, line, target, actual)) continue;
          if (target.kind() == Parsed::QUANTITY &&
              actual.kind() == Parsed::QUANTITY) {
            CheckScore(ctx, line, target, actual);
          }
        }
      }
    }
  }
}

}  // namespace consistency_internal
}  // namespace budgetperf
