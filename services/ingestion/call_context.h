#ifndef BUDGETPERF_SERVICES_INGESTION_CALL_CONTEXT_H_
#define BUDGETPERF_SERVICES_INGESTION_CALL_CONTEXT_H_

// Who is calling, as far as the logic needs to know, and the one place where
// access is decided. Every handler builds a CallContext from its gRPC
// ServerContext and hands it to the logic, which asks CheckAccess before
// acting; today everything is allowed. Access control (a later issue) fills
// `principal` from authenticated credentials and makes CheckAccess decide.

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace budgetperf {
namespace ingestion {

// The caller of one RPC.
struct CallContext {
  // Who the caller says it is: the "budgetperf-principal" request metadata,
  // or "anonymous". Not authenticated yet.
  std::string principal = "anonymous";
  // The transport peer, e.g. "ipv4:127.0.0.1:53510"; empty in-process.
  std::string peer;
};

// What a caller is trying to do, for CheckAccess.
enum class Action {
  kSubmit,  // file a package for a unit
  kRead,    // read a unit's stored evaluations
  kList,    // list evaluations across units
};

// Whether `caller` may perform `action` on the unit `uscc` ("" for actions
// across units). OK today for every caller; PERMISSION_DENIED once access
// control lands.
inline absl::Status CheckAccess(const CallContext& caller, Action action, absl::string_view uscc) {
  (void)caller;
  (void)action;
  (void)uscc;
  return absl::OkStatus();
}

}  // namespace ingestion
}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_INGESTION_CALL_CONTEXT_H_
