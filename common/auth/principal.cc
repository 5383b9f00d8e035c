#include "common/auth/principal.h"

#include "absl/strings/str_cat.h"
#include "common/codes/division_code.h"
#include "common/codes/uscc.h"

namespace budgetperf {
namespace auth {
namespace {

// Names are for people: printable, not too long.
constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxNodeCodeBytes = 64;

}  // namespace

absl::Status ValidatePrincipal(const v1::Principal& p) {
  if (p.name().size() > kMaxNameBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("principal name is ", p.name().size(), " bytes, at most ", kMaxNameBytes));
  }
  switch (p.kind()) {
    case v1::PRINCIPAL_UNIT:
      if (absl::Status s = ValidateUscc(p.uscc()); !s.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("a unit principal needs its USCC: ", s.message()));
      }
      if (!p.node_code().empty() || !p.division_code().empty()) {
        return absl::InvalidArgumentError(
            "a unit principal has no node or division code (those are for bureaus)");
      }
      return absl::OkStatus();
    case v1::PRINCIPAL_BUREAU:
      if (p.node_code().empty() || p.node_code().size() > kMaxNodeCodeBytes) {
        return absl::InvalidArgumentError(
            "a bureau principal needs the code of its org node (1-64 characters)");
      }
      if (!p.division_code().empty()) {
        if (absl::Status s = ValidateDivisionCode(p.division_code()); !s.ok()) {
          return absl::InvalidArgumentError(absl::StrCat("bureau division code: ", s.message()));
        }
      }
      if (!p.uscc().empty()) {
        return absl::InvalidArgumentError("a bureau principal has no USCC (that is for units)");
      }
      return absl::OkStatus();
    case v1::PRINCIPAL_ADMIN:
    case v1::PRINCIPAL_SERVICE:
      if (p.name().empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("an ", KindName(p.kind()), " principal needs a name"));
      }
      if (!p.uscc().empty() || !p.node_code().empty() || !p.division_code().empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "an ", KindName(p.kind()), " principal has no USCC, node or division code"));
      }
      return absl::OkStatus();
    default:
      return absl::InvalidArgumentError("principal kind must be unit, bureau, admin or service");
  }
}

std::string KindName(v1::PrincipalKind kind) {
  switch (kind) {
    case v1::PRINCIPAL_UNIT:
      return "unit";
    case v1::PRINCIPAL_BUREAU:
      return "bureau";
    case v1::PRINCIPAL_ADMIN:
      return "admin";
    case v1::PRINCIPAL_SERVICE:
      return "service";
    default:
      return "unspecified";
  }
}

absl::Status ParseKindName(absl::string_view name, v1::PrincipalKind* kind) {
  for (v1::PrincipalKind k :
       {v1::PRINCIPAL_UNIT, v1::PRINCIPAL_BUREAU, v1::PRINCIPAL_ADMIN, v1::PRINCIPAL_SERVICE}) {
    if (name == KindName(k)) {
      *kind = k;
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown principal kind \"", name, "\": unit, bureau, admin or service"));
}

std::string Describe(const v1::Principal& p) {
  std::string out = KindName(p.kind());
  switch (p.kind()) {
    case v1::PRINCIPAL_UNIT:
      absl::StrAppend(&out, " ", p.uscc());
      break;
    case v1::PRINCIPAL_BUREAU:
      absl::StrAppend(&out, " ", p.node_code());
      break;
    default:
      absl::StrAppend(&out, " ", p.name());
      return out;
  }
  if (!p.name().empty()) absl::StrAppend(&out, " (", p.name(), ")");
  return out;
}

std::string RateKey(const v1::Principal& p) {
  switch (p.kind()) {
    case v1::PRINCIPAL_UNIT:
      return absl::StrCat("u:", p.uscc());
    case v1::PRINCIPAL_BUREAU:
      return absl::StrCat("b:", p.node_code());
    default:
      return absl::StrCat(KindName(p.kind()), ":", p.name());
  }
}

}  // namespace auth
}  // namespace budgetperf
