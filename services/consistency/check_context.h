#ifndef BUDGETPERF_SERVICES_CONSISTENCY_CHECK_CONTEXT_H_
#define BUDGETPERF_SERVICES_CONSISTENCY_CHECK_CONTEXT_H_

// Internal to the consistency library: what every rule needs while checking
// one package (the package, the rules' settings for its region, the findings
// so far) and the exact comparisons and formatting the rules share.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "budgetperf/v1/consistency.pb.h"
#include "budgetperf/v1/evaluation_package.pb.h"
#include "services/consistency/consistency_config.h"

namespace budgetperf {
namespace consistency_internal {

// The figures and words of one finding.
struct FindingText {
  std::string found;       // "136.52万元"
  std::string expected;    // "40.00万元"
  std::string difference;  // "96.52万元"
  std::string message;     // the sentence naming them
};

// The settings of every package, cross-table and report-vs-table rule that
// `config` enables for a unit of `division_code`, by rule id. Its
// descriptors point into `config`, which must outlive it.
using RuleTable = absl::flat_hash_map<std::string, RuleSettings>;
RuleTable ResolvePackageRules(const ConsistencyConfig& config,
                              absl::string_view division_code);

// One package being checked. Not thread-safe; one per Check call.
class CheckContext {
 public:
  // `config` must outlive the context.
  CheckContext(const v1::EvaluationPackage& package,
               const ConsistencyConfig& config, std::string division_code);
  // With the rules already resolved for `division_code`
  // (ResolvePackageRules of the same config).
  CheckContext(const v1::EvaluationPackage& package,
               const ConsistencyConfig& config, std::string division_code,
               std::shared_ptr<const RuleTable> rules);

  const v1::EvaluationPackage& package() const { return package_; }

  // The rule's settings when it runs for this package, nullptr when the
  // config disables it (or the catalogue does not have it).
  const RuleSettings* Rule(absl::string_view rule_id) const;

  // Records a finding of `rule` about the cell at `field_path`.
  void Add(const RuleSettings& rule, std::string field_path, FindingText text,
           std::vector<std::string> related = {});

  // The findings, ordered by rule (catalogue order) then as added.
  std::vector<v1::Finding> TakeFindings();

  // A column heading with the package's year: offset -1 and "决算数" gives
  // "2022年决算数" for a 2023 package ("上年决算数" without a year).
  std::string ColumnName(int year_offset, absl::string_view what) const;

 private:
  const v1::EvaluationPackage& package_;
  const ConsistencyConfig& config_;
  std::string division_code_;
  std::shared_ptr<const RuleTable> rules_;
  std::vector<v1::Finding> findings_;
};

// --- Formatting, as on the forms -------------------------------------------

// 136'520'000 → "136.52万元".
std::string Wan(int64_t fen);
// 9286 → "92.86%".
std::string Percent(int64_t basis_points);
// A rate as filed: its text when written, else its basis points.
std::string FiledRateText(const v1::FiledRate& rate);
// 1117 → "11.17个百分点": a difference of two rates.
std::string PercentagePoints(int64_t basis_points);
// 1500 → "15分", 1252 → "12.52分".
std::string Points(int64_t centipoints);
// "附件3「业务工作经费40万元」" for projects[i], "附件2" for overall.
std::string ProjectLabel(const v1::EvaluationPackage& package, int index);

// --- Exact arithmetic --------------------------------------------------------

// |a − b| ≤ tolerance, without overflow.
bool WithinTolerance(int64_t a, int64_t b, int64_t tolerance);

// a − b, or nullopt when it does not fit int64 (hostile figures).
std::optional<int64_t> Difference(int64_t a, int64_t b);

// One part of a sum: where it is and its figure (nullopt when blank).
struct Part {
  std::string path;
  std::optional<int64_t> fen;
};

// What a total against its parts shows.
enum class SumVerdict {
  kCannotTell,  // total blank, no part filed, blanks that may hold the rest,
                // overflow
  kAgree,       // within tolerance (or a subset within its total)
  kDiffers,  // every part filed, and the sum is off by more than the tolerance
  kPartsExceed,      // parts filed (some blank, or a subset) exceed the total
  kShortWithBlanks,  // some parts blank and the filed ones fall short
};

// How the parts relate to the total.
enum class PartsKind {
  kExact,   // total = Σ parts
  kSubset,  // total ≥ Σ parts (其中 rows)
};

// Compares `total` with `parts`; *sum receives the sum of the parts filed.
SumVerdict CompareWithParts(std::optional<int64_t> total,
                            const std::vector<Part>& parts, PartsKind kind,
                            int64_t tolerance, int64_t* sum);

// Checks `total` against `parts` and reports kDiffers and kPartsExceed as a
// finding of `rule` at `total_path`: "{what} {total}万元 ≠ {parts_name}
// {sum}万元 (差 …万元)". Returns the verdict, so that callers can report
// kShortWithBlanks under a rule of their own.
SumVerdict CheckTotal(CheckContext& ctx, const RuleSettings& rule,
                      const std::string& total_path,
                      std::optional<int64_t> total,
                      const std::vector<Part>& parts, PartsKind kind,
                      absl::string_view what, absl::string_view parts_name);

// Checks that two figures of the same thing agree: "{what_a} {a}万元 ≠
// {what_b} {b}万元 (差 …万元)", a finding at `path_a`. Returns true when a
// finding was added.
bool CheckEqual(CheckContext& ctx, const RuleSettings& rule,
                const std::string& path_a, int64_t a, absl::string_view what_a,
                const std::string& path_b, int64_t b, absl::string_view what_b);

// A filed rate read exactly: its text when written (the truth, as filed),
// else the basis points and decimals sent with it. nullopt when the cell is
// blank or its text cannot be read as a rate.
struct FiledRateValue {
  int64_t basis_points = 0;
  int decimals = 0;
};
std::optional<FiledRateValue> ReadFiledRate(const v1::FiledRate& rate);

// Checks a filed rate against numerator ÷ denominator, respecting the
// filer's decimals (and the rule's tolerance_bp beyond them). Quiet when the
// rate is blank or the denominator is not positive. `formula` names the
// division in words, e.g. "实际在职人数 13 ÷ 编制数 14"; `related` are the
// cells of its figures. Returns true when a finding was added; `hint`, if not
// empty, is appended to its message.
bool CheckRate(CheckContext& ctx, const RuleSettings& rule,
               const std::string& path, const v1::FiledRate& rate,
               int64_t numerator, int64_t denominator, absl::string_view what,
               absl::string_view formula, std::vector<std::string> related,
               absl::string_view hint = "");

// One self-evaluation table (attachment 2, or one attachment 3) as the
// weight and indicator rules see it.
struct SelfEvaluationTable {
  std::string path;   // "overall" or "projects[i]"
  std::string label;  // "附件2" or "附件3「业务工作经费40万元」"
  const v1::FundsTotal* funds;
  const google::protobuf::RepeatedPtrField<v1::Level1Indicator>* indicators;
  const v1::DeclaredTotals* totals;
};

// Attachment 2 and every attachment 3 of `package`, in that order.
std::vector<SelfEvaluationTable> SelfEvaluationTables(
    const v1::EvaluationPackage& package);

// The value of a proto3 optional field, or nullopt when it is blank:
// Opt(row, &CostControlRow::has_final_fen, &CostControlRow::final_fen).
template <typename Message, typename Has, typename Get>
std::optional<int64_t> Opt(const Message& m, Has has, Get get) {
  if (!(m.*has)()) return std::nullopt;
  return static_cast<int64_t>((m.*get)());
}

}  // namespace consistency_internal
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_CONSISTENCY_CHECK_CONTEXT_H_
