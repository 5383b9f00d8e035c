#include "common/auth/authorizer.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "budgetperf/v1/aggregation.pb.h"
#include "budgetperf/v1/ingestion.pb.h"
#include "common/auth/principal.h"
#include "common/codes/division_code.h"

namespace budgetperf {
namespace auth {
namespace {

using CheckFn = std::function<absl::Status(const RequestScope&, google::protobuf::Message*)>;

// Adapts a check written for the method's request type.
template <class Request>
CheckFn Typed(std::function<absl::Status(const RequestScope&, Request&)> check) {
  return [check = std::move(check)](const RequestScope& scope, google::protobuf::Message* message) {
    Request* request = google::protobuf::DynamicCastToGenerated<Request>(message);
    if (request == nullptr) {
      return absl::InternalError(absl::StrCat("expected a ", Request::descriptor()->full_name()));
    }
    return check(scope, *request);
  };
}

bool IsInside(Placement p) { return p == Placement::kSelf || p == Placement::kBelow; }

// A bureau's listing is narrowed to its division; one of another division is
// refused.
absl::Status NarrowListing(const RequestScope& scope, v1::ListEvaluationsRequest& request) {
  const v1::Principal& p = scope.principal();
  if (p.kind() != v1::PRINCIPAL_BUREAU) return absl::OkStatus();
  if (p.division_code().empty()) {
    return scope.Deny("any division (the bureau's token names no division code)");
  }
  const std::string asked = request.division_code();
  if (asked.empty() ||
      (ValidateDivisionCode(asked).ok() && DivisionContains(asked, p.division_code()))) {
    request.set_division_code(p.division_code());
    return absl::OkStatus();
  }
  if (absl::Status s = ValidateDivisionCode(asked); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("division_code: ", s.message()));
  }
  if (DivisionContains(p.division_code(), asked)) return absl::OkStatus();
  return scope.Deny(absl::StrCat("division ", asked));
}

std::vector<MethodPolicy> BuildPolicies() {
  const std::string ingestion = "budgetperf.v1.IngestionService";
  const std::string scoring = "budgetperf.v1.ScoringService";
  const std::string aggregation = "budgetperf.v1.AggregationService";
  const std::string auth = "budgetperf.v1.AuthService";
  const std::string admin = "budgetperf.v1.AdminService";
  const uint32_t everyone = kUnits | kBureaus | kAdmins | kServices;
  std::vector<MethodPolicy> p;
  auto add = [&](const std::string& service, const char* method, uint32_t kinds, CheckFn check,
                 const char* rule, bool rate_limited = false) {
    p.push_back(
        MethodPolicy{FullMethodName(service, method), kinds, std::move(check), rate_limited, rule});
  };

  // --- ingestion ------------------------------------------------------------
  auto own_package = Typed<v1::SubmitRequest>([](const RequestScope& s, v1::SubmitRequest& r) {
    return s.Unit(r.package().unit().uscc(), r.package().year());
  });
  add(ingestion, "Submit", kUnits | kAdmins, own_package,
      "unit: its own packages; admin. Rate-limited per unit.", true);
  add(ingestion, "SubmitStream", kUnits | kAdmins, own_package,
      "as Submit, checked and rate-limited per streamed package", true);
  add(ingestion, "GetEvaluation", everyone,
      Typed<v1::GetEvaluationRequest>([](const RequestScope& s, v1::GetEvaluationRequest& r) {
        return s.Unit(r.uscc(), r.year());
      }),
      "unit: itself; bureau: units in its subtree; admin; service");
  add(ingestion, "ListVersions", everyone,
      Typed<v1::ListVersionsRequest>([](const RequestScope& s, v1::ListVersionsRequest& r) {
        return s.Unit(r.uscc(), r.year());
      }),
      "unit: itself; bureau: units in its subtree; admin; service");
  add(ingestion, "ListEvaluations", kBureaus | kAdmins | kServices,
      Typed<v1::ListEvaluationsRequest>(NarrowListing),
      "bureau: narrowed to its division code (another division is refused); admin; service");

  // --- scoring: a pure function of the package sent, no stored data ---------
  add(scoring, "Score", everyone, nullptr, "any authenticated caller");
  add(scoring, "ListProfiles", everyone, nullptr, "any authenticated caller");

  // --- aggregation: the tree ---------------------------------------------------
  add(aggregation, "UpsertNodes", kBureaus | kAdmins,
      Typed<v1::UpsertNodesRequest>([](const RequestScope& s, v1::UpsertNodesRequest& r) {
        for (const v1::OrgNode& node : r.nodes()) {
          if (absl::Status st = s.NodeBelow(node.code(), /*allow_new=*/true); !st.ok()) return st;
          if (absl::Status st = s.Node(node.parent_code(), 0); !st.ok()) return st;
        }
        return absl::OkStatus();
      }),
      "bureau: nodes strictly below its node (new or existing) under parents in its subtree; "
      "admin");
  add(aggregation, "ImportOrgCsv", kAdmins, nullptr, "admin");
  add(aggregation, "GetNode", everyone,
      Typed<v1::GetNodeRequest>(
          [](const RequestScope& s, v1::GetNodeRequest& r) { return s.Node(r.code(), r.year()); }),
      "unit: its own node; bureau: its subtree; admin; service");
  add(aggregation, "ListNodes", kBureaus | kAdmins | kServices,
      Typed<v1::ListNodesRequest>([](const RequestScope& s, v1::ListNodesRequest& r) {
        return s.Node(r.parent_code(), r.year());
      }),
      "bureau: children of nodes in its subtree (not the roots); admin; service");
  add(aggregation, "MoveNode", kBureaus | kAdmins,
      Typed<v1::MoveNodeRequest>([](const RequestScope& s, v1::MoveNodeRequest& r) {
        if (absl::Status st = s.NodeBelow(r.code(), /*allow_new=*/false); !st.ok()) return st;
        return s.Node(r.new_parent_code(), 0);
      }),
      "bureau: a node strictly below its node, to a parent in its subtree; admin");
  add(aggregation, "ApplyEvaluation", kServices | kAdmins, nullptr,
      "service (ingestion's outbox); admin");
  add(aggregation, "ApplyEvaluations", kServices | kAdmins, nullptr,
      "service (ingestion's outbox); admin");

  // --- aggregation: queries ------------------------------------------------------
  auto node_year = [](auto get) {
    return [get](const RequestScope& s, auto& r) { return s.Node(r.node_code(), get(r)); };
  };
  const char* node_rule = "unit: its own unit node; bureau: its subtree; admin; service";
  add(aggregation, "GetRollup", everyone,
      Typed<v1::GetRollupRequest>(
          node_year([](const v1::GetRollupRequest& r) { return r.year(); })),
      node_rule);
  add(aggregation, "Drilldown", everyone,
      Typed<v1::DrilldownRequest>(
          node_year([](const v1::DrilldownRequest& r) { return r.year(); })),
      node_rule);
  add(aggregation, "Coverage", everyone,
      Typed<v1::CoverageRequest>(node_year([](const v1::CoverageRequest& r) { return r.year(); })),
      node_rule);
  add(aggregation, "CompareYears", everyone,
      Typed<v1::CompareYearsRequest>([](const RequestScope& s, v1::CompareYearsRequest& r) {
        if (absl::Status st = s.Node(r.node_code(), r.year_a()); !st.ok()) return st;
        return s.Node(r.node_code(), r.year_b());
      }),
      "as GetRollup, in both years");
  add(aggregation, "TopN", everyone,
      Typed<v1::TopNRequest>(node_year([](const v1::TopNRequest& r) { return r.year(); })),
      node_rule);
  add(aggregation, "ListMeasures", everyone, nullptr, "any authenticated caller");

  // --- aggregation: findings and upkeep -----------------------------------------------
  add(aggregation, "RecordFindings", kBureaus | kAdmins | kServices,
      Typed<v1::RecordFindingsRequest>([](const RequestScope& s, v1::RecordFindingsRequest& r) {
        return s.Node(r.code(), r.year());
      }),
      "bureau: units and nodes in its subtree (it runs the audit); admin; service");
  add(aggregation, "RecordFindingsBatch", kBureaus | kAdmins | kServices,
      Typed<v1::RecordFindingsBatchRequest>([](const RequestScope& s,
                                               v1::RecordFindingsBatchRequest& r) {
        for (const v1::RecordFindingsRequest& one : r.records()) {
          if (absl::Status st = s.Node(one.code(), one.year()); !st.ok()) return st;
        }
        return absl::OkStatus();
      }),
      "as RecordFindings, for every record of the batch");
  add(aggregation, "GetFindings", everyone,
      Typed<v1::GetFindingsRequest>([](const RequestScope& s, v1::GetFindingsRequest& r) {
        return s.Node(r.code(), r.year());
      }),
      node_rule);
  add(aggregation, "Recompute", kBureaus | kAdmins,
      Typed<v1::RecomputeRequest>(
          node_year([](const v1::RecomputeRequest& r) { return r.year(); })),
      "bureau: its subtree; admin");

  // --- tokens ------------------------------------------------------------------------------
  add(auth, "IssueToken", kAdmins, nullptr, "admin");
  add(auth, "ListTokens", kAdmins, nullptr, "admin");
  add(auth, "RevokeToken", kAdmins, nullptr, "admin");
  add(auth, "Authenticate", kServices, nullptr, "service (servers checking their callers)");

  // --- administration: writes copies of whole stores on the server's disk ----------------
  add(admin, "Checkpoint", kAdmins, nullptr, "admin");
  return p;
}

}  // namespace

std::string FullMethodName(absl::string_view service, absl::string_view method) {
  return absl::StrCat("/", service, "/", method);
}

const std::vector<MethodPolicy>& DefaultPolicies() {
  static const std::vector<MethodPolicy>* const policies =
      new std::vector<MethodPolicy>(BuildPolicies());
  return *policies;
}

const MethodPolicy* FindPolicy(absl::string_view method) {
  static const auto* const index = [] {
    auto* map = new absl::flat_hash_map<std::string, const MethodPolicy*>();
    for (const MethodPolicy& policy : DefaultPolicies()) (*map)[policy.method] = &policy;
    return map;
  }();
  auto it = index->find(method);
  return it == index->end() ? nullptr : it->second;
}

RequestScope::RequestScope(const v1::Principal& principal, ScopeResolver* resolver,
                           absl::string_view method)
    : principal_(principal),
      resolver_(resolver),
      method_short_(
          method.substr(method.rfind('/') == absl::string_view::npos ? 0 : method.rfind('/') + 1)) {
}

absl::Status RequestScope::Deny(absl::string_view what) const {
  return absl::PermissionDeniedError(
      absl::StrCat(Describe(principal_), " may not call ", method_short_, " for ", what));
}

absl::StatusOr<Placement> RequestScope::Locate(absl::string_view code, int32_t year) const {
  if (code.empty()) return Placement::kUnknown;
  if (code == principal_.node_code()) return Placement::kSelf;
  if (resolver_ == nullptr) return Placement::kUnknown;
  return resolver_->Locate(principal_, code, year);
}

absl::Status RequestScope::Unit(absl::string_view uscc, int32_t year) const {
  switch (principal_.kind()) {
    case v1::PRINCIPAL_ADMIN:
    case v1::PRINCIPAL_SERVICE:
      return absl::OkStatus();
    case v1::PRINCIPAL_UNIT:
      if (uscc == principal_.uscc()) return absl::OkStatus();
      return Deny(absl::StrCat("unit ", uscc, ": a unit acts for itself only"));
    case v1::PRINCIPAL_BUREAU: {
      absl::StatusOr<Placement> where = Locate(uscc, year);
      if (!where.ok()) return where.status();
      if (IsInside(*where)) return absl::OkStatus();
      return Deny(absl::StrCat("unit ", uscc, ": not in the subtree of ", principal_.node_code()));
    }
    default:
      return Deny(absl::StrCat("unit ", uscc));
  }
}

absl::Status RequestScope::Node(absl::string_view code, int32_t year) const {
  switch (principal_.kind()) {
    case v1::PRINCIPAL_ADMIN:
    case v1::PRINCIPAL_SERVICE:
      return absl::OkStatus();
    case v1::PRINCIPAL_UNIT:
      if (!code.empty() && code == principal_.uscc()) return absl::OkStatus();
      return Deny(absl::StrCat("node \"", code, "\": a unit sees its own node only"));
    case v1::PRINCIPAL_BUREAU: {
      absl::StatusOr<Placement> where = Locate(code, year);
      if (!where.ok()) return where.status();
      if (IsInside(*where)) return absl::OkStatus();
      return Deny(
          absl::StrCat("node \"", code, "\": not in the subtree of ", principal_.node_code()));
    }
    default:
      return Deny(absl::StrCat("node \"", code, "\""));
  }
}

absl::Status RequestScope::NodeBelow(absl::string_view code, bool allow_new) const {
  switch (principal_.kind()) {
    case v1::PRINCIPAL_ADMIN:
    case v1::PRINCIPAL_SERVICE:
      return absl::OkStatus();
    case v1::PRINCIPAL_BUREAU: {
      absl::StatusOr<Placement> where = Locate(code, 0);
      if (!where.ok()) return where.status();
      if (*where == Placement::kBelow) return absl::OkStatus();
      // A code nobody has yet: the bureau creates it (its parent is checked
      // separately). Empty codes are left to the service's validation.
      if (allow_new && *where == Placement::kUnknown && !code.empty()) return absl::OkStatus();
      return Deny(absl::StrCat("node \"", code, "\": a bureau changes the tree strictly below ",
                               principal_.node_code(), " only"));
    }
    default:
      return Deny(absl::StrCat("node \"", code, "\": only bureaus and admins change the tree"));
  }
}

Authorizer::Authorizer(Options options)
    : options_(std::move(options)), submit_limiter_(options_.submit_rate) {}

absl::Status Authorizer::AuthorizeCall(const v1::Principal& principal,
                                       absl::string_view method) const {
  const MethodPolicy* policy = FindPolicy(method);
  if (policy == nullptr) {
    return absl::PermissionDeniedError(
        absl::StrCat(method, " has no access policy: refused to everyone"));
  }
  if ((policy->kinds & KindBit(principal.kind())) == 0) {
    return absl::PermissionDeniedError(absl::StrCat(Describe(principal), " may not call ",
                                                    method.substr(method.rfind('/') + 1),
                                                    " (allowed: ", policy->rule, ")"));
  }
  return absl::OkStatus();
}

absl::Status Authorizer::AuthorizeRequest(const v1::Principal& principal, absl::string_view method,
                                          google::protobuf::Message* request) {
  if (absl::Status s = AuthorizeCall(principal, method); !s.ok()) return s;
  const MethodPolicy* policy = FindPolicy(method);
  if (policy->check) {
    RequestScope scope(principal, options_.scope.get(), method);
    if (absl::Status s = policy->check(scope, request); !s.ok()) return s;
  }
  const bool exempt =
      principal.kind() == v1::PRINCIPAL_ADMIN || principal.kind() == v1::PRINCIPAL_SERVICE;
  if (policy->rate_limited && !exempt && !submit_limiter_.TryAcquire(RateKey(principal))) {
    return absl::ResourceExhaustedError(
        absl::StrCat(Describe(principal), " is over its submit rate; wait a moment and retry"));
  }
  return absl::OkStatus();
}

}  // namespace auth
}  // namespace budgetperf
