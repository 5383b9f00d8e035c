#include "services/ingestion/package_validator.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
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
// Field paths, built only for what is reported: a valid package (the common
// case) costs no string at all.

class FieldPath {
 public:
  // Enters field `name` (of the message at the current path), at `index`
  // when it is an element of a list (-1 otherwise).
  void Push(const std::string& name, int index = -1) { segments_.push_back({&name, index}); }
  void Pop() { segments_.pop_back(); }

  // "overall.indicators[0].level2[1].weight_centipoints".
  std::string Render() const {
    std::string out;
    for (const Segment& s : segments_) {
      if (!out.empty()) out.push_back('.');
      out.append(*s.name);
      if (s.index >= 0) absl::StrAppend(&out, "[", s.index, "]");
    }
    return out;
  }
  // Render() with `.name` appended.
  std::string Render(absl::string_view name) const {
    std::string out = Render();
    return out.empty() ? std::string(name) : absl::StrCat(out, ".", name);
  }

 private:
  struct Segment {
    const std::string* name;  // a FieldDescriptor's name: lives as long as the pool
    int index;
  };
  std::vector<Segment> segments_;
};

// Enters a path segment for a scope.
class PathScope {
 public:
  PathScope(FieldPath& path, const std::string& name, int index = -1) : path_(path) {
    path_.Push(name, index);
  }
  ~PathScope() { path_.Pop(); }
  PathScope(const PathScope&) = delete;
  PathScope& operator=(const PathScope&) = delete;

 private:
  FieldPath& path_;
};

// ---------------------------------------------------------------------------
// Field-by-field rules, keyed on the naming conventions of
// evaluation_package.proto (`_fen`, `_centipoints`, ...), so that fields added
// later under the same conventions are checked without touching this file.
// The conventions are read from the descriptors once, into a plan per
// message type; each package then only walks its plan.

// What a field's value is checked for.
enum class Rule {
  kNone,        // nothing (a list still has its size checked)
  kMessage,     // walk into it
  kText,        // kMaxTextBytes
  kEnum,        // a value the schema defines
  kAmount,      // `_fen`: ≥ 0
  kArea,        // `_centi_m2`: ≥ 0
  kWeight,      // `weight_centipoints`: 0..kMaxCentipoints
  kSelfScore,   // 0..the weight beside it
  kBasisPoints, // 0..kMaxBasisPoints
  kDecimals,    // 0..kMaxRateDecimals
  kHeadcount,   // 0..kMaxHeadcount
};

// What a message type's normalisation does besides walking into its fields.
enum class NormalKind { kWalk, kIndicatorValue, kFiledRate, kLevel3Indicator };

struct MessagePlan;

struct FieldPlan {
  const FieldDescriptor* field;
  Rule rule;
  int list_limit;               // repeated fields
  const MessagePlan* message;   // kMessage: the plan of its type
};

struct MessagePlan {
  std::vector<FieldPlan> fields;  // in field-number order, as ListFields
  // The weight a self-score is bounded by, when the message has one.
  const FieldDescriptor* weight = nullptr;
  NormalKind normal = NormalKind::kWalk;
  bool has_message_fields = false;
  // The generated type's reflection, looked up once: asking each message
  // for it goes through the descriptor table's initialisation check every
  // time.
  const Reflection* reflection = nullptr;
};

Rule IntegerRule(const std::string& name) {
  if (absl::EndsWith(name, "_fen")) {
    // Only the stated changes on last year may be negative.
    return absl::StrContains(name, "change_from_prior_year") ? Rule::kNone : Rule::kAmount;
  }
  if (absl::EndsWith(name, "_centi_m2")) return Rule::kArea;
  if (absl::EndsWith(name, "weight_centipoints")) return Rule::kWeight;
  if (name == "self_score_centipoints") return Rule::kSelfScore;
  if (name == "basis_points") return Rule::kBasisPoints;
  if (name == "decimals") return Rule::kDecimals;
  if (name == "authorized_posts" || name == "actual_staff") return Rule::kHeadcount;
  return Rule::kNone;
}

class PlanBuilder {
 public:
  const MessagePlan* Build(const google::protobuf::Descriptor* d) {
    auto it = plans_.find(d);
    if (it != plans_.end()) return it->second.get();
    MessagePlan* plan = (plans_[d] = std::make_unique<MessagePlan>()).get();
    if (d == v1::IndicatorValue::descriptor()) plan->normal = NormalKind::kIndicatorValue;
    if (d == v1::FiledRate::descriptor()) plan->normal = NormalKind::kFiledRate;
    if (d == v1::Level3Indicator::descriptor()) plan->normal = NormalKind::kLevel3Indicator;
    plan->weight = d->FindFieldByName("weight_centipoints");
    const Message* prototype =
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(d);
    if (prototype != nullptr) plan->reflection = prototype->GetReflection();
    std::vector<const FieldDescriptor*> fields;
    for (int i = 0; i < d->field_count(); ++i) fields.push_back(d->field(i));
    std::sort(fields.begin(), fields.end(),
              [](const FieldDescriptor* a, const FieldDescriptor* b) {
                return a->number() < b->number();
              });
    for (const FieldDescriptor* f : fields) {
      // IndicatorValue.parsed is the server's to fill (Normalize).
      if (d == v1::IndicatorValue::descriptor() && f->name() == "parsed") continue;
      FieldPlan field{f, Rule::kNone, kMaxListItems, nullptr};
      if (d == v1::EvaluationPackage::descriptor() && f->name() == "projects") {
        field.list_limit = kMaxProjects;
      }
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_MESSAGE:
          field.rule = Rule::kMessage;
          field.message = Build(f->message_type());
          plan->has_message_fields = true;
          break;
        case FieldDescriptor::CPPTYPE_STRING:
          field.rule = Rule::kText;
          break;
        case FieldDescriptor::CPPTYPE_ENUM:
          field.rule = Rule::kEnum;
          break;
        case FieldDescriptor::CPPTYPE_INT32:
        case FieldDescriptor::CPPTYPE_INT64:
          field.rule = IntegerRule(f->name());
          break;
        default:
          break;  // the package has no other kinds of fields with rules
      }
      // A singular field without a rule has nothing to check.
      if (field.rule == Rule::kNone && !f->is_repeated()) continue;
      plan->fields.push_back(field);
    }
    return plan;
  }

 private:
  absl::flat_hash_map<const google::protobuf::Descriptor*, std::unique_ptr<MessagePlan>> plans_;
};

// The plan of EvaluationPackage and every type under it, built once.
const MessagePlan& PackagePlan() {
  static const MessagePlan* const plan = [] {
    auto* builder = new PlanBuilder();  // owns the plans; never freed
    return builder->Build(v1::EvaluationPackage::descriptor());
  }();
  return *plan;
}

void CheckRange(std::string path, int64_t value, int64_t lo, int64_t hi, absl::string_view rule,
                absl::string_view what, Violations& v) {
  if (value >= lo && value <= hi) return;
  v.Add(std::move(path), absl::StrCat(value), rule,
        absl::StrCat(what, " must be within ", lo, "..", hi, ", found ", value));
}

void CheckRange(const FieldPath& path, int64_t value, int64_t lo, int64_t hi,
                absl::string_view rule, absl::string_view what, Violations& v) {
  if (value >= lo && value <= hi) return;
  CheckRange(path.Render(), value, lo, hi, rule, what, v);
}

void CheckInteger(const Message& m, const Reflection* r, const MessagePlan& plan, Rule rule,
                  int64_t value, const FieldPath& path, Violations& v) {
  switch (rule) {
    case Rule::kAmount:
      if (value < 0) {
        v.Add(path.Render(), absl::StrCat(value), "non_negative",
              absl::StrCat("amount ", FormatWanYuan(value),
                           " 万元 is negative; only the stated changes on last year may be"));
      }
      return;
    case Rule::kArea:
      if (value < 0) {
        v.Add(path.Render(), absl::StrCat(value), "non_negative",
              absl::StrCat("area ", value, " (hundredths of m²) is negative"));
      }
      return;
    case Rule::kWeight:
      CheckRange(path, value, 0, kMaxCentipoints, "weight_range",
                 "weight (分值, hundredths of a point)", v);
      return;
    case Rule::kSelfScore: {
      if (value >= 0 && value <= kMaxCentipoints && plan.weight == nullptr) return;
      // A self-score cannot exceed the weight it is scored against.
      int64_t upper = kMaxCentipoints;
      if (plan.weight != nullptr && r->HasField(m, plan.weight)) {
        upper = std::clamp<int64_t>(r->GetInt32(m, plan.weight), 0,
                                    kMaxCentipoints);
      }
      if (value < 0 || value > upper) {
        v.Add(path.Render(), absl::StrCat(value), "self_score_range",
              absl::StrCat("self-score (自评得分, hundredths of a point) must be within 0..",
                           upper, upper == kMaxCentipoints ? "" : " (the weight beside it)",
                           ", found ", value));
      }
      return;
    }
    case Rule::kBasisPoints:
      CheckRange(path, value, 0, kMaxBasisPoints, "basis_points_range",
                 "rate in basis points (1% = 100)", v);
      return;
    case Rule::kDecimals:
      CheckRange(path, value, 0, kMaxRateDecimals, "decimals_range", "decimals of a rate", v);
      return;
    case Rule::kHeadcount:
      CheckRange(path, value, 0, kMaxHeadcount, "headcount_range", "headcount", v);
      return;
    default:
      return;
  }
}

void CheckString(absl::string_view text, const FieldPath& path, Violations& v) {
  if (static_cast<int64_t>(text.size()) > kMaxTextBytes) {
    v.Add(path.Render(), CutUtf8(text), "max_text_bytes",
          absl::StrCat("text is ", text.size(), " bytes, at most ", kMaxTextBytes, " allowed"));
  }
}

void CheckEnum(const FieldDescriptor* f, int value, const FieldPath& path, Violations& v) {
  if (f->enum_type()->FindValueByNumber(value) != nullptr) return;
  v.Add(path.Render(), absl::StrCat(value), "enum_value",
        absl::StrCat(value, " is not a value of ", f->enum_type()->full_name()));
}

void WalkMessage(const Message& m, const MessagePlan& plan, FieldPath& path, Violations& v);

// Checks one value of field `fp` (element `index` of a list); the path is
// the value's.
void CheckValue(const Message& m, const Reflection* r, const MessagePlan& plan,
                const FieldPlan& fp, int index, FieldPath& path, Violations& v) {
  const FieldDescriptor* f = fp.field;
  const bool repeated = f->is_repeated();
  switch (fp.rule) {
    case Rule::kNone:
      return;
    case Rule::kMessage:
      WalkMessage(repeated ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f),
                  *fp.message, path, v);
      return;
    case Rule::kText: {
      std::string scratch;
      CheckString(repeated ? r->GetRepeatedStringReference(m, f, index, &scratch)
                           : r->GetStringReference(m, f, &scratch),
                  path, v);
      return;
    }
    case Rule::kEnum:
      CheckEnum(f, repeated ? r->GetRepeatedEnumValue(m, f, index) : r->GetEnumValue(m, f), path,
                v);
      return;
    default: {
      int64_t value;
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_INT32) {
        value = repeated ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f);
      } else {
        value = repeated ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f);
      }
      CheckInteger(m, r, plan, fp.rule, value, path, v);
      return;
    }
  }
}

// Every rule of `plan` on `m`. Fields left unset hold their defaults, which
// pass every rule, so only set messages and lists need walking; scalars are
// read whether set or not, which is cheaper than asking.
// The plan's reflection when it has one (every generated type), else the
// message's own.
const Reflection* ReflectionOf(const Message& m, const MessagePlan& plan) {
  return plan.reflection != nullptr ? plan.reflection : m.GetReflection();
}

void WalkMessage(const Message& m, const MessagePlan& plan, FieldPath& path, Violations& v) {
  const Reflection* r = ReflectionOf(m, plan);
  for (const FieldPlan& fp : plan.fields) {
    const FieldDescriptor* f = fp.field;
    if (!f->is_repeated()) {
      if (fp.rule == Rule::kMessage && !r->HasField(m, f)) continue;
      PathScope scope(path, f->name());
      CheckValue(m, r, plan, fp, 0, path, v);
      continue;
    }
    const int size = r->FieldSize(m, f);
    if (size == 0) continue;
    if (size > fp.list_limit) {
      PathScope scope(path, f->name());
      v.Add(path.Render(), absl::StrCat(size, " items"), "max_items",
            absl::StrCat("list has ", size, " items, at most ", fp.list_limit, " allowed"));
    }
    if (fp.rule == Rule::kNone) continue;
    for (int i = 0; i < size; ++i) {
      PathScope scope(path, f->name(), i);
      CheckValue(m, r, plan, fp, i, path, v);
    }
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

void NormalizeIndicatorValue(v1::IndicatorValue* value, const FieldPath& path,
                             std::vector<v1::Warning>* warnings) {
  FillParsed(value);
  if (value->parsed().kind() != v1::ParsedIndicatorValue::UNPARSEABLE) return;
  v1::Warning& w = warnings->emplace_back();
  w.set_field_path(path.Render());
  w.set_value(CutUtf8(value->text()));
  w.set_message(
      CutUtf8(absl::StrCat("cannot read the value: ", value->parsed().error(), "; kept as written"),
              kMaxMessageBytes));
}

void NormalizeRate(v1::FiledRate* rate, const FieldPath& path,
                   std::vector<v1::Warning>* warnings) {
  if (rate->text().empty()) return;
  absl::StatusOr<ParsedRate> parsed = ParseFiledRate(rate->text());
  if (!parsed.ok()) {
    v1::Warning& w = warnings->emplace_back();
    w.set_field_path(path.Render("text"));
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
    w.set_field_path(path.Render("basis_points"));
    w.set_value(absl::StrCat(rate->basis_points()));
    w.set_message(
        CutUtf8(absl::StrCat("the text \"", CutUtf8(rate->text()), "\" reads as ",
                             parsed->basis_points, " basis points, not ", rate->basis_points()),
                kMaxMessageBytes));
  }
}

void CheckUnits(const v1::Level3Indicator& indicator, const FieldPath& path,
                std::vector<v1::Warning>* warnings) {
  const v1::ParsedIndicatorValue& target = indicator.target().parsed();
  const v1::ParsedIndicatorValue& actual = indicator.actual().parsed();
  if (target.kind() != v1::ParsedIndicatorValue::QUANTITY ||
      actual.kind() != v1::ParsedIndicatorValue::QUANTITY || target.unit() == actual.unit()) {
    return;
  }
  v1::Warning& w = warnings->emplace_back();
  w.set_field_path(path.Render("actual"));
  w.set_value(CutUtf8(indicator.actual().text()));
  w.set_message(CutUtf8(absl::StrCat("unit \"", actual.unit(), "\" differs from the target's \"",
                                     target.unit(), "\" (\"", CutUtf8(indicator.target().text()),
                                     "\"); the line cannot be re-scored"),
                        kMaxMessageBytes));
}

void NormalizeMessage(Message* m, const MessagePlan& plan, FieldPath& path,
                      std::vector<v1::Warning>* warnings) {
  // A package's messages are all of generated types (PackageValidator takes
  // a generated EvaluationPackage), so the plan's kind says what `m` is.
  if (plan.normal == NormalKind::kIndicatorValue) {
    NormalizeIndicatorValue(static_cast<v1::IndicatorValue*>(m), path, warnings);
    return;
  }
  if (plan.normal == NormalKind::kFiledRate) {
    NormalizeRate(static_cast<v1::FiledRate*>(m), path, warnings);
    return;
  }
  if (plan.has_message_fields) {
    const Reflection* r = ReflectionOf(*m, plan);
    for (const FieldPlan& fp : plan.fields) {
      if (fp.rule != Rule::kMessage) continue;
      const FieldDescriptor* f = fp.field;
      if (!f->is_repeated()) {
        if (!r->HasField(*m, f)) continue;
        PathScope scope(path, f->name());
        NormalizeMessage(r->MutableMessage(m, f), *fp.message, path, warnings);
        continue;
      }
      const int size = r->FieldSize(*m, f);
      for (int i = 0; i < size; ++i) {
        PathScope scope(path, f->name(), i);
        NormalizeMessage(r->MutableRepeatedMessage(m, f, i), *fp.message, path, warnings);
      }
    }
  }
  if (plan.normal == NormalKind::kLevel3Indicator) {
    CheckUnits(*static_cast<const v1::Level3Indicator*>(m), path, warnings);
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
    CheckLevel3Count(package.projects(i).indicators(),
                     absl::StrCat("projects[", i, "].indicators"), v);
  }

  FieldPath path;
  WalkMessage(package, PackagePlan(), path, v);
  return out;
}

std::vector<v1::Warning> PackageValidator::Normalize(v1::EvaluationPackage* package) const {
  std::vector<v1::Warning> warnings;
  FieldPath path;
  NormalizeMessage(package, PackagePlan(), path, &warnings);
  return warnings;
}

}  // namespace ingestion
}  // namespace budgetperf
