#ifndef BUDGETPERF_COMMON_AUTH_PRINCIPAL_H_
#define BUDGETPERF_COMMON_AUTH_PRINCIPAL_H_

// Principals (v1::Principal, auth.proto): checking one before a token is
// issued for it, and naming one in messages and logs.

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "budgetperf/v1/auth.pb.h"

namespace budgetperf {
namespace auth {

// Checks that `principal` is complete for its kind: a UNIT has a valid USCC,
// a BUREAU a node code (and, if given, a valid division code), ADMIN and
// SERVICE a name; and that it carries nothing foreign to its kind (a unit
// with a node code). INVALID_ARGUMENT saying what is wrong.
absl::Status ValidatePrincipal(const v1::Principal& principal);

// "unit", "bureau", "admin", "service" (or "unspecified").
std::string KindName(v1::PrincipalKind kind);

// The kind from its name as KindName writes it. INVALID_ARGUMENT otherwise.
absl::Status ParseKindName(absl::string_view name, v1::PrincipalKind* kind);

// A short description for messages: "unit 12430602MB1C04587D",
// "bureau 430602 (岳阳楼区财政局)", "admin ops", "service budget-aggregation".
std::string Describe(const v1::Principal& principal);

// The key a principal's rate limit is counted under: one bucket per unit
// (whatever token it uses), per bureau node, per admin or service name.
std::string RateKey(const v1::Principal& principal);

}  // namespace auth
}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_AUTH_PRINCIPAL_H_
