#include "services/aggregation/measures.h"

#include <functional>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/money/rate.h"
#include "common/numeric/checked_math.h"
#include "google/protobuf/message.h"

namespace budgetperf {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

void CollectMeasures(const Descriptor* descriptor, const std::string& prefix,
                     std::vector<const FieldDescriptor*>* path,
                     std::vector<MeasureDef>* out) {
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    const std::string name = prefix.empty() ? field->name() : absl::StrCat(prefix, ".", field->name());
    path->push_back(field);
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !field->is_repeated()) {
      CollectMeasures(field->message_type(), name, path, out);
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_INT64 && !field->is_repeated()) {
      MeasureDef def;
      def.name = name;
      def.path = *path;
      if (!field->has_presence()) {
        def.kind = v1::MEASURE_KIND_SUM;
      } else if (absl::StartsWith(field->name(), "min_") ||
                 absl::StartsWith(field->name(), "max_")) {
        def.kind = v1::MEASURE_KIND_EXTREME;
      } else {
        def.kind = v1::MEASURE_KIND_DERIVED;
      }
      out->push_back(std::move(def));
    }
    path->pop_back();
  }
}

// a + b (sign ≥ 0) or a − b, or nullopt past int64.
std::optional<int64_t> AddSigned(int64_t a, int64_t b, int sign) {
  return sign >= 0 ? CheckedAdd(a, b) : CheckedSubtract(a, b);
}

absl::Status AddSumsRecursive(Message* dst, const Message& src, int sign,
                              const std::string& prefix) {
  const Reflection* reflection = src.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  // Only the fields set in src: in proto3 that is the non-zero sums and the
  // sub-messages present, so a sparse contribution costs little.
  reflection->ListFields(src, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->is_repeated()) continue;
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      absl::Status s =
          AddSumsRecursive(reflection->MutableMessage(dst, field), reflection->GetMessage(src, field),
                           sign, absl::StrCat(prefix, field->name(), "."));
      if (!s.ok()) return s;
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_INT64 && !field->has_presence()) {
      const std::optional<int64_t> sum =
          AddSigned(reflection->GetInt64(*dst, field), reflection->GetInt64(src, field), sign);
      if (!sum.has_value()) {
        return absl::OutOfRangeError(
            absl::StrCat("rollup measure ", prefix, field->name(), " would overflow int64"));
      }
      reflection->SetInt64(dst, field, *sum);
    }
  }
  return absl::OkStatus();
}

bool SumsAreZeroRecursive(const Message& message) {
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->is_repeated()) continue;
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (!SumsAreZeroRecursive(reflection->GetMessage(message, field))) return false;
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_INT64 && !field->has_presence() &&
               reflection->GetInt64(message, field) != 0) {
      return false;
    }
  }
  return true;
}

// Sets *field to numerator ÷ denominator in basis points, or clears it when
// undefined.
void SetRate(int64_t numerator, int64_t denominator, const std::function<void(int64_t)>& set,
             const std::function<void()>& clear) {
  if (denominator == 0) {
    clear();
    return;
  }
  absl::StatusOr<int64_t> bp = RateBasisPoints(numerator, denominator);
  if (bp.ok()) {
    set(*bp);
  } else {
    clear();
  }
}

void FillCostColumns(v1::CostColumnsTotals* c) {
  SetRate(
      c->final_fen(), c->budget_fen(), [c](int64_t v) { c->set_final_to_budget_bp(v); },
      [c] { c->clear_final_to_budget_bp(); });
}

// Fills every CostColumnsTotals found under `message`.
void FillCostColumnsRecursive(Message* message) {
  if (message->GetDescriptor() == v1::CostColumnsTotals::descriptor()) {
    FillCostColumns(static_cast<v1::CostColumnsTotals*>(message));
    return;
  }
  const Reflection* reflection = message->GetReflection();
  const Descriptor* descriptor = message->GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_repeated()) continue;
    if (!reflection->HasField(*message, field)) continue;
    FillCostColumnsRecursive(reflection->MutableMessage(message, field));
  }
}

void FillScoreStats(v1::ScoreStats* s) {
  if (s->count() > 0) {
    s->set_mean_centipoints(DivideRoundHalfUp(s->sum_centipoints(), s->count()));
  } else {
    s->clear_mean_centipoints();
    s->clear_min_centipoints();
    s->clear_max_centipoints();
  }
}

void AddCostRow(const v1::CostControlRow& row, v1::CostColumnsTotals* out) {
  out->set_prior_year_final_fen(row.has_prior_year_final_fen() ? row.prior_year_final_fen() : 0);
  out->set_budget_fen(row.has_budget_fen() ? row.budget_fen() : 0);
  out->set_final_fen(row.has_final_fen() ? row.final_fen() : 0);
}

void CountGrade(v1::Grade grade, v1::ScoreStats* s) {
  switch (grade) {
    case v1::GRADE_EXCELLENT:
      s->set_excellent(1);
      break;
    case v1::GRADE_GOOD:
      s->set_good(1);
      break;
    case v1::GRADE_FAIR:
      s->set_fair(1);
      break;
    case v1::GRADE_POOR:
      s->set_poor(1);
      break;
    default:
      s->set_ungraded(1);
      break;
  }
}

}  // namespace

const MeasureCatalog& MeasureCatalog::Get() {
  static const MeasureCatalog* const catalog = new MeasureCatalog();
  return *catalog;
}

MeasureCatalog::MeasureCatalog() {
  std::vector<const FieldDescriptor*> path;
  CollectMeasures(v1::RollupMeasures::descriptor(), "", &path, &measures_);
}

const MeasureDef* MeasureCatalog::Find(absl::string_view name) const {
  for (const MeasureDef& def : measures_) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

absl::StatusOr<const MeasureDef*> MeasureCatalog::Require(absl::string_view name) const {
  const MeasureDef* def = Find(name);
  if (def == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown measure \"", name, "\" (ListMeasures gives every name, e.g. "
        "\"funds.executed_fen\")"));
  }
  return def;
}

std::optional<int64_t> MeasureCatalog::Value(const v1::RollupMeasures& measures,
                                             const MeasureDef& def) {
  const Message* message = &measures;
  for (size_t i = 0; i + 1 < def.path.size(); ++i) {
    message = &message->GetReflection()->GetMessage(*message, def.path[i]);
  }
  const FieldDescriptor* leaf = def.path.back();
  const Reflection* reflection = message->GetReflection();
  if (leaf->has_presence() && !reflection->HasField(*message, leaf)) return std::nullopt;
  return reflection->GetInt64(*message, leaf);
}

void MeasureCatalog::SetValue(v1::RollupMeasures* measures, const MeasureDef& def,
                              int64_t value) {
  Message* message = measures;
  for (size_t i = 0; i + 1 < def.path.size(); ++i) {
    message = message->GetReflection()->MutableMessage(message, def.path[i]);
  }
  message->GetReflection()->SetInt64(message, def.path.back(), value);
}

absl::Status AddSums(v1::RollupMeasures* dst, const v1::RollupMeasures& src, int sign) {
  return AddSumsRecursive(dst, src, sign, "");
}

bool SumsAreZero(const v1::RollupMeasures& measures) { return SumsAreZeroRecursive(measures); }

void ClearDerived(v1::RollupMeasures* measures) {
  for (const MeasureDef& def : MeasureCatalog::Get().measures()) {
    if (def.kind != v1::MEASURE_KIND_DERIVED) continue;
    Message* message = measures;
    bool present = true;
    for (size_t i = 0; i + 1 < def.path.size(); ++i) {
      const Reflection* r = message->GetReflection();
      if (!r->HasField(*message, def.path[i])) {
        present = false;
        break;
      }
      message = r->MutableMessage(message, def.path[i]);
    }
    if (present) message->GetReflection()->ClearField(message, def.path.back());
  }
}

void FillDerived(v1::RollupMeasures* m, std::optional<int64_t> expected_units) {
  v1::UnitCounts* units = m->mutable_units();
  if (expected_units.has_value()) {
    units->set_expected(*expected_units);
    SetRate(
        units->filed() - units->unassigned(), *expected_units,
        [units](int64_t v) { units->set_filed_share_bp(v); },
        [units] { units->clear_filed_share_bp(); });
  } else {
    units->clear_expected();
    units->clear_filed_share_bp();
  }
  v1::StaffingTotals* staffing = m->mutable_staffing();
  SetRate(
      staffing->actual_staff(), staffing->authorized_posts(),
      [staffing](int64_t v) { staffing->set_control_rate_bp(v); },
      [staffing] { staffing->clear_control_rate_bp(); });
  v1::FundsTotals* funds = m->mutable_funds();
  SetRate(
      funds->executed_fen(), funds->full_year_budget_fen(),
      [funds](int64_t v) { funds->set_execution_rate_bp(v); },
      [funds] { funds->clear_execution_rate_bp(); });
  // Every cost row present; an absent one has a zero budget, hence no rate.
  FillCostColumnsRecursive(m);
  FillScoreStats(m->mutable_scores()->mutable_computed());
  FillScoreStats(m->mutable_scores()->mutable_self());
}

v1::RollupMeasures FiguresOfPackage(const v1::EvaluationPackage& package,
                                    const v1::ScoreCardSummary* score) {
  v1::RollupMeasures m;
  m.mutable_units()->set_filed(1);

  const v1::BasicDataTable& basic = package.basic_data();
  const v1::Staffing& staffing = basic.staffing();
  m.mutable_staffing()->set_authorized_posts(
      staffing.has_authorized_posts() ? staffing.authorized_posts() : 0);
  m.mutable_staffing()->set_actual_staff(staffing.has_actual_staff() ? staffing.actual_staff()
                                                                      : 0);

  const v1::OverallSelfEvaluation& overall = package.overall();
  const v1::FundsColumns& amounts = overall.funds().amounts();
  v1::FundsTotals* funds = m.mutable_funds();
  funds->set_initial_budget_fen(amounts.has_initial_budget_fen() ? amounts.initial_budget_fen()
                                                                 : 0);
  funds->set_full_year_budget_fen(
      amounts.has_full_year_budget_fen() ? amounts.full_year_budget_fen() : 0);
  funds->set_executed_fen(amounts.has_executed_fen() ? amounts.executed_fen() : 0);
  const v1::FundsBySource& source = overall.by_source();
  v1::FundsBySourceTotals* by_source = funds->mutable_by_source();
  by_source->set_general_public_budget_fen(
      source.has_general_public_budget_fen() ? source.general_public_budget_fen() : 0);
  by_source->set_government_funds_fen(
      source.has_government_funds_fen() ? source.government_funds_fen() : 0);
  by_source->set_non_tax_special_account_fen(
      source.has_non_tax_special_account_fen() ? source.non_tax_special_account_fen() : 0);
  by_source->set_other_funds_fen(source.has_other_funds_fen() ? source.other_funds_fen() : 0);
  const v1::FundsByNature& nature = overall.by_nature();
  funds->mutable_by_nature()->set_basic_fen(nature.has_basic_fen() ? nature.basic_fen() : 0);
  funds->mutable_by_nature()->set_project_fen(nature.has_project_fen() ? nature.project_fen()
                                                                       : 0);

  const v1::ThreePublicExpenses& three = basic.three_public_expenses();
  v1::ThreePublicExpensesTotals* three_out = m.mutable_three_public_expenses();
  AddCostRow(three.total(), three_out->mutable_total());
  AddCostRow(three.official_vehicles(), three_out->mutable_official_vehicles());
  AddCostRow(three.vehicle_purchase(), three_out->mutable_vehicle_purchase());
  AddCostRow(three.vehicle_operation(), three_out->mutable_vehicle_operation());
  AddCostRow(three.overseas_travel(), three_out->mutable_overseas_travel());
  AddCostRow(three.official_reception(), three_out->mutable_official_reception());

  const v1::ProjectSpendingTable& projects = basic.project_spending();
  v1::ProjectSpendingTotals* projects_out = m.mutable_project_spending();
  AddCostRow(projects.total(), projects_out->mutable_total());
  AddCostRow(projects.operating_work_funds(), projects_out->mutable_operating_work_funds());
  AddCostRow(projects.operations_maintenance(), projects_out->mutable_operations_maintenance());
  AddCostRow(projects.district_special_funds_total(),
             projects_out->mutable_district_special_funds());
  AddCostRow(projects.higher_transfers_total(), projects_out->mutable_higher_transfers());

  const v1::PublicFunds& public_funds = basic.public_funds();
  v1::PublicFundsTotals* public_out = m.mutable_public_funds();
  AddCostRow(public_funds.total(), public_out->mutable_total());
  AddCostRow(public_funds.office(), public_out->mutable_office());
  AddCostRow(public_funds.utilities_travel(), public_out->mutable_utilities_travel());
  AddCostRow(public_funds.meetings_training(), public_out->mutable_meetings_training());

  AddCostRow(basic.government_procurement(), m.mutable_procurement());

  if (score != nullptr) {
    m.mutable_units()->set_scored(1);
    v1::ScoreStats* computed = m.mutable_scores()->mutable_computed();
    computed->set_count(1);
    computed->set_sum_centipoints(score->graded_centipoints());
    CountGrade(score->grade(), computed);
    v1::ScoreStats* self = m.mutable_scores()->mutable_self();
    self->set_count(1);
    self->set_sum_centipoints(score->self_graded_centipoints());
    CountGrade(score->self_grade(), self);
  }
  return m;
}

v1::RollupMeasures FiguresOfFindings(const v1::FindingCounts& counts) {
  v1::RollupMeasures m;
  *m.mutable_findings() = counts;
  return m;
}

int64_t DivideRoundHalfUp(int64_t a, int64_t b) {
  // Only b == 0 and INT64_MIN ÷ −1 have no int64 answer; neither is a mean.
  return MulDivRoundHalfUp(a, 1, b).value_or(0);
}

}  // namespace budgetperf
