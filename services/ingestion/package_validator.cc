#include "services/ingestion/package_validator.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/codes/division_code.h"
#include "common/codes/uscc.h"
#include "common/indicator/indicator_value.h"
#include "common/money/money.h"
#include "common/money/rate.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "services/ingestion/validation_errors.h"

namespace budgetperf {
namespace ingestion {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string Child(const std::string& path, absl::string_view name) {
  return path.empty() ? std::string(name) : absl::StrCat(path, ".", name);
}

std::string Element(const std::string& path, int index) {
  return absl::StrCat(path, "[", index, "]");
}

class Violations {
 public:
  explicit Violations(std::vector<v1::Violation>* out) : out_(out) {}

  void Add(std::string field_path, std::string value, absl::string_view rule, std::string message) {
    v1::Violation& violation = out_->emplace_back();
    violation.set_field_path(std::move(field_path));
    violation.set_value(std::move(value));
    violation.set_rule(std::string(rule));
    violation.set_message(CutUtf8(message, kMaxMessageBytes));
  }

 private:
  std::vector<v1::Violation>* out_;
};

// ---------------------------------------------------------------------------
// Identity

void CheckUscc(const std::string& path, absl::string_view uscc, bool required,
               absl::string_view what, Violations& v) {
  if (uscc.empty()) {
    if (required) {
      v.Add(path, "", "required", absl::StrCat(what, " (统一社会信用代码) is required"));
    }
    return;
  }
  // A wrong check character is the typo filers make most; name it apart from
  // codes that are malformed altogether.
  const absl::Status status = ValidateUscc(uscc);
  if (status.ok()) return;
  if (uscc.size() == 18) {
    absl::StatusOr<char> expected = UsccCheckCharacter(uscc.substr(0, 17));
    if (expected.ok() && *expected != uscc[17] && ValidateDivisionCode(uscc.substr(2, 6)).ok()) {
      v.Add(path, CutUtf8(uscc), "uscc_check_character",
            absl::StrCat("check character is '", uscc.substr(17, 1), "', expected '",
                         std::string(1, *expected), "' (GB 32100-2015)"));
      return;
    }
  }
  v.Add(path, CutUtf8(uscc), "uscc_format", std::string(status.message()));
}

// ---------------------------------------------------------------------------
// Field-by-field rules, keyed on the naming conventions of
// evaluation_package.proto (`_fen`, `_centipoints`, ...), so that fields added
// later under the same conventions are checked without touching this file.

bool IsIndicatorParsed(const Message& m, const FieldDescriptor* f) {
  return m.GetDescriptor() == v1::IndicatorValue::descriptor() && f->name() == "parsed";
}

int ListLimit(const Message& m, const FieldDescriptor* f) {
  if (m.GetDescriptor() == v1::EvaluationPackage::descriptor() && f->name() == "projects") {
    return kMaxProjects;
  }
  return kMaxListItems;
}

void CheckRange(const std::string& path, int64_t value, int64_t lo, int64_t hi,
                absl::string_view rule, absl::string_view what, Violations& v) {
  if (value >= lo && value <= hi) return;
  v.Add(path, absl::StrCat(value), rule,
        absl::StrCat(what, " must be within ", lo, "..", hi, ", found ", value));
}

void CheckInteger(const Message& m, const FieldDescriptor* f, int64_t value,
                  const std::string& path, Violations& v) {
  const std::string& name = f->name();
  if (absl::EndsWith(name, "_fen")) {
    if (value < 0 && !absl::StrContains(name, "change_from_prior_year")) {
      v.Add(path, absl::StrCat(value), "non_negative",
            absl::StrCat("amount ", FormatWanYuan(value),
                         " 万元 is negative; only the stated changes on last year may be"));
    }
  } else if (absl::EndsWith(name, "_centi_m2")) {
    if (value < 0) {
      v.Add(path, absl::StrCat(value), "non_negative",
            absl::StrCat("area ", value, " (hundredths of m²) is negative"));
    }
  } else if (absl::EndsWith(name, "weight_centipoints")) {
    CheckRange(path, value, 0, kMaxCentipoints, "weight_range",
               "weight (分值, hundredths of a point)", v);
  } else if (name == "self_score_centipoints") {
    // A self-score cannot exceed the weight it is scored against.
    int64_t upper = kMaxCentipoints;
    const FieldDescriptor* weight = m.GetDescriptor()->FindFieldByName("weight_centipoints");
    if (weight != nullptr && m.GetReflection()->HasField(m, weight)) {
      upper = std::clamp<int64_t>(m.GetReflection()->GetInt32(m, weight), 0, kMaxCentipoints);
    }
    if (value < 0 || value > upper) {
      v.Add(path, absl::StrCat(value), "self_score_range",
            absl::StrCat("self-score (自评得分, hundredths of a point) must be within 0..", upper,
                         upper == kMaxCentipoints ? "" : " (the weight beside it)", ", found ",
                         value));
    }
  } else if (name == "basis_points") {
    CheckRange(path, value, 0, kMaxBasisPoints, "basis_points_range",
               "rate in basis points (1% = 100)", v);
  } else if (name == "decimals") {
    CheckRange(path, value, 0, kMaxRateDecimals, "decimals_range", "decimals of a rate", v);
  } else if (name == "authorized_posts" || name == "actual_staff") {
    CheckRange(path, value, 0, kMaxHeadcount, "headcount_range", "headcount", v);
  }
}

void CheckString(absl::string_view text, const std::string& path, Violations& v) {
  if (static_cast<int64_t>(text.size()) > kMaxTextBytes) {
    v.Add(path, CutUtf8(text), "max_text_bytes",
          absl::StrCat("text is ", text.size(), " bytes, at most ", kMaxTextBytes, " allowed"));
  }
}

void CheckEnum(const FieldDescriptor* f, int value, const std::string& path, Violations& v) {
  if (f->enum_type()->FindValueByNumber(value) != nullptr) return;
  v.Add(path, absl::StrCat(value), "enum_value",
        absl::StrCat(value, " is not a value of ", f->enum_type()->full_name()));
}

void WalkMessage(const Message& m, const std::string& path, Violations& v);

void CheckValue(const Message& m, const FieldDescriptor* f, int index, const std::string& path,
                Violations& v) {
  const Reflection* r = m.GetReflection();
  const bool repeated = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_MESSAGE:
      WalkMessage(repeated ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f), path, v);
      break;
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      CheckString(repeated ? r->GetRepeatedStringReference(m, f, index, &scratch)
                           : r->GetStringReference(m, f, &scratch),
                  path, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_ENUM:
      CheckEnum(f, repeated ? r->GetRepeatedEnumValue(m, f, index) : r->GetEnumValue(m, f), path,
                v);
      break;
    case FieldDescriptor::CPPTYPE_INT32:
      CheckInteger(m, f, repeated ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f), path, v);
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      CheckInteger(m, f, repeated ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f), path, v);
      break;
    default:
      break;  // the package has no other kinds of fields with rules
  }
}

void WalkMessage(const Message& m, const std::string& path, Violations& v) {
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);  // set fields only, in field-number order
  for (const FieldDescriptor* f : fields) {
    if (IsIndicatorParsed(m, f)) continue;
    const std::string field_path = Child(path, f->name());
    if (!f->is_repeated()) {
      CheckValue(m, f, 0, field_path, v);
      continue;
    }
    const int size = r->FieldSize(m, f);
    const int limit = ListLimit(m, f);
    if (size > limit) {
      v.Add(field_path, absl::StrCat(size, " items"), "max_items",
            absl::StrCat("list has ", size, " items, at most ", limit, " allowed"));
    }
    for (int i = 0; i < size; ++i) CheckValue(m, f, i, Element(field_path, i), v);
  }
}

void CheckLevel3Count(const google::protobuf::RepeatedPtrField<v1::Level1Indicator>& tree,
                      const std::string& path, Violations& v) {
  int64_t count = 0;
  for (const v1::Level1Indicator& l1 : tree) {
    for (const v1::Level2Indicator& l2 : l1.level2()) count += l2.indicators_size();
  }
  if (count > kMaxLevel3PerTable) {
    v.Add(path, absl::StrCat(count, " level-3 indicators"), "max_level3_indicators",
          absl::StrCat("table has ", count, " level-3 indicators, at most ", kMaxLevel3PerTable,
                       " allowed"));
  }
}

// ---------------------------------------------------------------------------
// Normalisation

void NormalizeIndicatorValue(v1::IndicatorValue* value, const std::string& path,
                             std::vector<v1::Warning>* warnings) {
  FillParsed(value);
  if (value->parsed().kind() != v1::ParsedIndicatorValue::UNPARSEABLE) return;
  v1::Warning& w = warnings->emplace_back();
  w.set_field_path(path);
  w.set_value(CutUtf8(value->text()));
  w.set_message(
      CutUtf8(absl::StrCat("cannot read the value: ", value->parsed().error(), "; kept as written"),
              kMaxMessageBytes));
}

void NormalizeRate(v1::FiledRate* rate, const std::string& path,
                   std::vector<v1::Warning>* warnings) {
  if (rate->text().empty()) return;
  absl::StatusOr<ParsedRate> parsed = ParseFiledRate(rate->text());
  if (!parsed.ok()) {
    v1::Warning& w = warnings->emplace_back();
    w.set_field_path(Child(path, "text"));
    w.set_value(CutUtf8(rate->text()));
    w.set_message(CutUtf8(absl::StrCat("cannot read the rate: ", parsed.status().message()),
                          kMaxMessageBytes));
    return;
  }
  if (rate->basis_points() == 0 && rate->decimals() == 0) {
    // Validation bounds basis points to int32 range; a text that reads past
    // it is left for the warning below rather than truncated.
    if (parsed->basis_points <= kMaxBasisPoints) {
      rate->set_basis_points(static_cast<int32_t>(parsed->basis_points));
      rate->set_decimals(parsed->decimals);
      return;
    }
  }
  if (parsed->basis_points != rate->basis_points()) {
    v1::Warning& w = warnings->emplace_back();
    w.set_field_path(Child(path, "basis_points"));
    w.set_value(absl::StrCat(rate->basis_points()));
    w.set_message(
        CutUtf8(absl::StrCat("the text \"", CutUtf8(rate->text()), "\" reads as ",
                             parsed->basis_points, " basis points, not ", rate->basis_points()),
                kMaxMessageBytes));
  }
}

void CheckUnits(const v1::Level3Indicator& indicator, const std::string& path,
                std::vector<v1::Warning>* warnings) {
  const v1::ParsedIndicatorValue& target = indicator.target().parsed();
  const v1::ParsedIndicatorValue& actual = indicator.actual().parsed();
  if (target.kind() != v1::ParsedIndicatorValue::QUANTITY ||
      actual.kind() != v1::ParsedIndicatorValue::QUANTITY || target.unit() == actual.unit()) {
    return;
  }
  v1::Warning& w = warnings->emplace_back();
  w.set_field_path(Child(path, "actual"));
  w.set_value(CutUtf8(indicator.actual().text()));
  w.set_message(CutUtf8(absl::StrCat("unit \"", actual.unit(), "\" differs from the target's \"",
                                     target.unit(), "\" (\"", CutUtf8(indicator.target().text()),
                                     "\"); the line cannot be re-scored"),
                        kMaxMessageBytes));
}

void NormalizeMessage(Message* m, const std::string& path, std::vector<v1::Warning>* warnings) {
  if (auto* value = google::protobuf::DynamicCastToGenerated<v1::IndicatorValue>(m)) {
    NormalizeIndicatorValue(value, path, warnings);
    return;
  }
  if (auto* rate = google::protobuf::DynamicCastToGenerated<v1::FiledRate>(m)) {
    NormalizeRate(rate, path, warnings);
    return;
  }
  const Reflection* r = m->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(*m, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const std::string field_path = Child(path, f->name());
    if (!f->is_repeated()) {
      NormalizeMessage(r->MutableMessage(m, f), field_path, warnings);
      continue;
    }
    const int size = r->FieldSize(*m, f);
    for (int i = 0; i < size; ++i) {
      NormalizeMessage(r->MutableRepeatedMessage(m, f, i), Element(field_path, i), warnings);
    }
  }
  if (auto* indicator = google::protobuf::DynamicCastToGenerated<v1::Level3Indicator>(m)) {
    CheckUnits(*indicator, path, warnings);
  }
}

}  // namespace

std::vector<v1::Violation> PackageValidator::Validate(const v1::EvaluationPackage& package) const {
  std::vector<v1::Violation> out;
  Violations v(&out);

  const size_t bytes = package.ByteSizeLong();
  if (static_cast<int64_t>(bytes) > kMaxPackageBytes) {
    v.Add("", absl::StrCat(bytes, " bytes"), "max_package_bytes",
          absl::StrCat("package is ", bytes, " bytes, at most ", kMaxPackageBytes, " allowed"));
  }

  const v1::UnitIdentity& unit = package.unit();
  if (unit.name().empty()) {
    v.Add("unit.name", "", "required", "the unit's name (预算单位名称) is required");
  }
  CheckUscc("unit.uscc", unit.uscc(), /*required=*/true, "the unit's USCC", v);
  if (unit.division_code().empty()) {
    v.Add("unit.division_code", "", "required",
          "the division code (行政区划代码, 6 digits) is required");
  } else if (absl::Status s = ValidateDivisionCode(unit.division_code()); !s.ok()) {
    v.Add("unit.division_code", CutUtf8(unit.division_code()), "division_code",
          std::string(s.message()));
  }
  CheckUscc("unit.supervising_department_uscc", unit.supervising_department_uscc(),
            /*required=*/false, "the supervising department's USCC", v);

  if (package.year() == 0) {
    v.Add("year", "", "required", "the year (年度) is required");
  } else {
    CheckRange("year", package.year(), kMinYear, kMaxYear, "year_range", "year", v);
  }

  CheckLevel3Count(package.overall().indicators(), "overall.indicators", v);
  for (int i = 0; i < package.projects_size(); ++i) {
    CheckLevel3Count(package.projects(i).indicators(), Element("projects", i) + ".indicators", v);
  }

  WalkMessage(package, "", v);
  return out;
}

std::vector<v1::Warning> PackageValidator::Normalize(v1::EvaluationPackage* package) const {
  std::vector<v1::Warning> warnings;
  NormalizeMessage(package, "", &warnings);
  return warnings;
}

}  // namespace ingestion
}  // namespace budgetperf
