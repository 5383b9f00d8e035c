#ifndef BUDGETPERF_COMMON_AUTH_AUTHORIZER_H_
#define BUDGETPERF_COMMON_AUTH_AUTHORIZER_H_

// The access policy: one table, keyed by full gRPC method name
// ("/budgetperf.v1.IngestionService/Submit"), saying which kinds of principal
// may call the method and, for units and bureaus, which requests are theirs
// to make. A method without a row is refused to everyone (fail closed).
//
// Scope, by kind of principal:
//   UNIT     itself only: its own USCC, its own unit node.
//   BUREAU   its node's subtree, as the server's ScopeResolver places codes
//            (the org tree at aggregation, division codes at ingestion);
//            listings are narrowed to its division code.
//   ADMIN    everything the row allows (every row but Authenticate).
//   SERVICE  what the row allows, unscoped: servers act for others.
//
// A refusal is PERMISSION_DENIED with the same message whether or not the
// unit or node asked about exists (unknown codes count as outside), so that
// probing another unit's codes tells nothing.
//
//   Authorizer authorizer({.scope = resolver, .submit_rate = {.per_second = 20}});
//   RETURN_IF_ERROR(authorizer.AuthorizeCall(principal, method));
//   RETURN_IF_ERROR(authorizer.AuthorizeRequest(principal, method, &request));

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "budgetperf/v1/auth.pb.h"
#include "common/auth/rate_limiter.h"
#include "common/auth/scope.h"
#include "google/protobuf/message.h"

namespace budgetperf {
namespace auth {

// Bits of MethodPolicy::kinds.
inline constexpr uint32_t KindBit(v1::PrincipalKind kind) { return 1u << static_cast<int>(kind); }
inline constexpr uint32_t kUnits = KindBit(v1::PRINCIPAL_UNIT);
inline constexpr uint32_t kBureaus = KindBit(v1::PRINCIPAL_BUREAU);
inline constexpr uint32_t kAdmins = KindBit(v1::PRINCIPAL_ADMIN);
inline constexpr uint32_t kServices = KindBit(v1::PRINCIPAL_SERVICE);

// The scope checks a policy row makes of one request, for one caller.
class RequestScope {
 public:
  // `resolver` may be null: bureaus then reach only their own node.
  RequestScope(const v1::Principal& principal, ScopeResolver* resolver, absl::string_view method);

  // The unit `uscc`'s data of `year`: a unit's own; a bureau's when the unit
  // is in its subtree; anything for ADMIN and SERVICE.
  absl::Status Unit(absl::string_view uscc, int32_t year) const;

  // The node `code` (a unit's USCC for a unit node) as of `year`: a unit its
  // own unit node; a bureau its node or below; anything for ADMIN and SERVICE.
  absl::Status Node(absl::string_view code, int32_t year) const;

  // Changing the node `code` in the tree as it stands now: a bureau only
  // strictly below its node, or (with `allow_new`) a code the tree does not
  // know yet; refused to units; anything for ADMIN and SERVICE.
  absl::Status NodeBelow(absl::string_view code, bool allow_new) const;

  const v1::Principal& principal() const { return principal_; }

  // PERMISSION_DENIED "<principal> may not call <Method> for <what>".
  absl::Status Deny(absl::string_view what) const;

 private:
  // UNAVAILABLE from the resolver passes through (the caller should retry).
  absl::StatusOr<Placement> Locate(absl::string_view code, int32_t year) const;

  const v1::Principal& principal_;
  ScopeResolver* const resolver_;
  const std::string method_short_;
};

// One row of the table.
struct MethodPolicy {
  // "/budgetperf.v1.IngestionService/Submit".
  std::string method;
  // Which kinds of principal may call it (KindBit).
  uint32_t kinds = 0;
  // Checks one request (each message of a client stream) against the
  // caller's scope, and may narrow it to that scope (a bureau's listing).
  // Null: any caller of an allowed kind may send anything.
  std::function<absl::Status(const RequestScope&, google::protobuf::Message*)> check;
  // Each request (each streamed package) costs one call of the caller's
  // Submit rate.
  bool rate_limited = false;
  // The rule in words, for documentation and the README's table.
  std::string rule;
};

// The table, one row per method of every budgetperf.v1 service.
const std::vector<MethodPolicy>& DefaultPolicies();

// The row for `method`; null if there is none.
const MethodPolicy* FindPolicy(absl::string_view method);

// "/<service full name>/<method>".
std::string FullMethodName(absl::string_view service, absl::string_view method);

class Authorizer {
 public:
  struct Options {
    // Places codes for bureaus' scope checks; null: a bureau reaches only its
    // own node (and listings of its division).
    std::shared_ptr<ScopeResolver> scope;
    // The Submit rate of each UNIT and BUREAU principal (ADMIN and SERVICE
    // are not limited: bulk loads and replays run under them).
    RateLimiter::Options submit_rate;
  };

  explicit Authorizer(Options options);

  // Whether `principal` may call `method` at all, by its kind: the check made
  // when a call starts. PERMISSION_DENIED, also for a method without a
  // policy.
  absl::Status AuthorizeCall(const v1::Principal& principal, absl::string_view method) const;

  // Whether `principal` may send `request` to `method` (AuthorizeCall
  // first): the row's scope check, which may narrow `request`, then the
  // Submit rate (RESOURCE_EXHAUSTED). Thread-safe.
  absl::Status AuthorizeRequest(const v1::Principal& principal, absl::string_view method,
                                google::protobuf::Message* request);

 private:
  const Options options_;
  RateLimiter submit_limiter_;
};

}  // namespace auth
}  // namespace budgetperf

#endif  // BUDGETPERF_COMMON_AUTH_AUTHORIZER_H_
