#include "common/auth/authorizer.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "budgetperf/v1/admin.pb.h"
#include "budgetperf/v1/aggregation.pb.h"
#include "budgetperf/v1/auth.pb.h"
#include "budgetperf/v1/ingestion.pb.h"
#include "budgetperf/v1/scoring.pb.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace budgetperf {
namespace auth {
namespace {

constexpr char kOwnUscc[] = "12430602MB1C04587D";
constexpr char kOtherUscc[] = "12430603MB0000001X";  // shape only; the policy never parses it
constexpr char kUnknownUscc[] = "12430602MB9999999X";

// The tree:  430600 (city) ─ 430602 (district) ─ 430602-D01 ─ kOwnUscc
//                         └ 430603 (district) ─ kOtherUscc
TreeScopeResolver MakeTree() {
  std::map<std::string, std::vector<std::string>> paths = {
      {"430600", {"430600"}},
      {"430602", {"430602", "430600"}},
      {"430602-D01", {"430602-D01", "430602", "430600"}},
      {kOwnUscc, {kOwnUscc, "430602-D01", "430602", "430600"}},
      {"430603", {"430603", "430600"}},
      {kOtherUscc, {kOtherUscc, "430603", "430600"}},
  };
  return TreeScopeResolver(
      [paths](absl::string_view code, int32_t) -> absl::StatusOr<std::vector<std::string>> {
        auto it = paths.find(std::string(code));
        if (it == paths.end()) return absl::NotFoundError("not in the tree");
        return it->second;
      });
}

v1::Principal Unit(const std::string& uscc = kOwnUscc) {
  v1::Principal p;
  p.set_kind(v1::PRINCIPAL_UNIT);
  p.set_uscc(uscc);
  return p;
}

v1::Principal Bureau(const std::string& node = "430602", const std::string& division = "430602") {
  v1::Principal p;
  p.set_kind(v1::PRINCIPAL_BUREAU);
  p.set_node_code(node);
  p.set_division_code(division);
  return p;
}

v1::Principal Named(v1::PrincipalKind kind) {
  v1::Principal p;
  p.set_kind(kind);
  p.set_name("x");
  return p;
}

std::string M(const char* service, const char* method) {
  return FullMethodName(std::string("budgetperf.v1.") + service, method);
}

class AuthorizerTest : public ::testing::Test {
 protected:
  AuthorizerTest()
      : authorizer_(Authorizer::Options{std::make_shared<TreeScopeResolver>(MakeTree()),
                                        RateLimiter::Options{0, 0, {}}}) {}

  absl::Status Check(const v1::Principal& p, const std::string& method,
                     google::protobuf::Message* request) {
    return authorizer_.AuthorizeRequest(p, method, request);
  }

  Authorizer authorizer_;
};

// Every method of every service has a row, and every row names a method: a
// new RPC cannot ship without a decision about who may call it.
TEST(PolicyTableTest, CoversEveryMethodOfEveryService) {
  const google::protobuf::FileDescriptor* files[] = {
      v1::SubmitRequest::descriptor()->file(), v1::ScoreRequest::descriptor()->file(),
      v1::GetRollupRequest::descriptor()->file(), v1::Principal::descriptor()->file(),
      v1::CheckpointRequest::descriptor()->file()};
  size_t methods = 0;
  for (const google::protobuf::FileDescriptor* file : files) {
    for (int s = 0; s < file->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        ++methods;
        const std::string name = FullMethodName(service->full_name(), service->method(m)->name());
        const MethodPolicy* policy = FindPolicy(name);
        ASSERT_NE(policy, nullptr) << name << " has no access policy";
        EXPECT_NE(policy->kinds, 0u) << name;
        EXPECT_FALSE(policy->rule.empty()) << name;
        // The scope check is written for the method's own request type.
        if (policy->check) {
          std::unique_ptr<google::protobuf::Message> request(
              google::protobuf::MessageFactory::generated_factory()
                  ->GetPrototype(service->method(m)->input_type())
                  ->New());
          RequestScope scope(Named(v1::PRINCIPAL_ADMIN), nullptr, name);
          EXPECT_THAT(policy->check(scope, request.get()), IsOk()) << name;
        }
      }
    }
  }
  EXPECT_EQ(methods, DefaultPolicies().size());
}

TEST_F(AuthorizerTest, DeliveriesAreForServicesAndAdminsOnly) {
  for (const char* method : {"ApplyEvaluation", "ApplyEvaluations"}) {
    const std::string name = M("AggregationService", method);
    EXPECT_THAT(authorizer_.AuthorizeCall(Named(v1::PRINCIPAL_SERVICE), name), IsOk()) << method;
    EXPECT_THAT(authorizer_.AuthorizeCall(Named(v1::PRINCIPAL_ADMIN), name), IsOk()) << method;
    EXPECT_THAT(authorizer_.AuthorizeCall(Bureau(), name),
                StatusIs(absl::StatusCode::kPermissionDenied))
        << method;
    EXPECT_THAT(authorizer_.AuthorizeCall(Unit(), name),
                StatusIs(absl::StatusCode::kPermissionDenied))
        << method;
  }
}

TEST_F(AuthorizerTest, MethodsWithoutPolicyAreRefusedEvenToAdmins) {
  EXPECT_THAT(authorizer_.AuthorizeCall(Named(v1::PRINCIPAL_ADMIN),
                                        "/budgetperf.v1.IngestionService/DeleteEverything"),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(AuthorizerTest, SubmitIsForTheUnitItselfAndAdmins) {
  v1::SubmitRequest own;
  own.mutable_package()->mutable_unit()->set_uscc(kOwnUscc);
  v1::SubmitRequest other;
  other.mutable_package()->mutable_unit()->set_uscc(kOtherUscc);
  const std::string submit = M("IngestionService", "Submit");
  EXPECT_THAT(Check(Unit(), submit, &own), IsOk());
  EXPECT_THAT(Check(Unit(), submit, &other), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Check(Bureau(), submit, &own), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Check(Named(v1::PRINCIPAL_SERVICE), submit, &own),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Check(Named(v1::PRINCIPAL_ADMIN), submit, &other), IsOk());
}

TEST_F(AuthorizerTest, BureauReadsUnitsOfItsSubtreeOnly) {
  const std::string get = M("IngestionService", "GetEvaluation");
  v1::GetEvaluationRequest inside;
  inside.set_uscc(kOwnUscc);
  v1::GetEvaluationRequest outside;
  outside.set_uscc(kOtherUscc);
  v1::GetEvaluationRequest unknown;
  unknown.set_uscc(kUnknownUscc);
  EXPECT_THAT(Check(Bureau(), get, &inside), IsOk());
  EXPECT_THAT(Check(Bureau("430600", "430600"), get, &outside), IsOk());
  absl::Status denied_outside = Check(Bureau(), get, &outside);
  absl::Status denied_unknown = Check(Bureau(), get, &unknown);
  EXPECT_THAT(denied_outside, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(denied_unknown, StatusIs(absl::StatusCode::kPermissionDenied));
  // Whether the unit exists does not show in the refusal.
  EXPECT_EQ(absl::StrReplaceAll(denied_outside.message(), {{kOtherUscc, "U"}}),
            absl::StrReplaceAll(denied_unknown.message(), {{kUnknownUscc, "U"}}));
  EXPECT_THAT(Check(Named(v1::PRINCIPAL_SERVICE), get, &outside), IsOk());
}

TEST_F(AuthorizerTest, ListingsAreNarrowedToTheBureausDivision) {
  const std::string list = M("IngestionService", "ListEvaluations");
  v1::ListEvaluationsRequest all;
  ASSERT_THAT(Check(Bureau(), list, &all), IsOk());
  EXPECT_EQ(all.division_code(), "430602");

  v1::ListEvaluationsRequest wider;
  wider.set_division_code("430600");
  ASSERT_THAT(Check(Bureau(), list, &wider), IsOk());
  EXPECT_EQ(wider.division_code(), "430602");

  v1::ListEvaluationsRequest narrower;
  narrower.set_division_code("430602");
  ASSERT_THAT(Check(Bureau("430600", "430600"), list, &narrower), IsOk());
  EXPECT_EQ(narrower.division_code(), "430602");

  v1::ListEvaluationsRequest elsewhere;
  elsewhere.set_division_code("430603");
  EXPECT_THAT(Check(Bureau(), list, &elsewhere), StatusIs(absl::StatusCode::kPermissionDenied));
  v1::ListEvaluationsRequest malformed;
  malformed.set_division_code("43");
  EXPECT_THAT(Check(Bureau(), list, &malformed), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Check(Bureau("430602", ""), list, &all),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Check(Unit(), list, &all), StatusIs(absl::StatusCode::kPermissionDenied));

  v1::ListEvaluationsRequest admin_all;
  ASSERT_THAT(Check(Named(v1::PRINCIPAL_ADMIN), list, &admin_all), IsOk());
  EXPECT_EQ(admin_all.division_code(), "");
}

TEST_F(AuthorizerTest, RollupsByNode) {
  const std::string rollup = M("AggregationService", "GetRollup");
  v1::GetRollupRequest own_node;
  own_node.set_node_code("430602");
  v1::GetRollupRequest below;
  below.set_node_code("430602-D01");
  v1::GetRollupRequest above;
  above.set_node_code("430600");
  v1::GetRollupRequest unit_node;
  unit_node.set_node_code(kOwnUscc);
  EXPECT_THAT(Check(Bureau(), rollup, &own_node), IsOk());
  EXPECT_THAT(Check(Bureau(), rollup, &below), IsOk());
  EXPECT_THAT(Check(Bureau(), rollup, &above), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Check(Unit(), rollup, &unit_node), IsOk());
  EXPECT_THAT(Check(Unit(), rollup, &own_node), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Check(Unit(kOtherUscc), rollup, &unit_node),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(AuthorizerTest, BureausChangeTheTreeStrictlyBelowTheirNode) {
  const std::string upsert = M("AggregationService", "UpsertNodes");
  auto nodes = [](std::vector<std::pair<std::string, std::string>> code_parent) {
    v1::UpsertNodesRequest r;
    for (auto& [code, parent] : code_parent) {
      v1::OrgNode* n = r.add_nodes();
      n->set_code(code);
      n->set_parent_code(parent);
    }
    return r;
  };
  v1::UpsertNodesRequest new_department = nodes({{"430602-D02", "430602"}});
  v1::UpsertNodesRequest rename_department = nodes({{"430602-D01", "430602"}});
  v1::UpsertNodesRequest itself = nodes({{"430602", "430600"}});
  v1::UpsertNodesRequest steal = nodes({{"430603", "430602"}});
  v1::UpsertNodesRequest new_elsewhere = nodes({{"430603-D09", "430603"}});
  v1::UpsertNodesRequest mixed = nodes({{"430602-D02", "430602"}, {"430603-D09", "430603"}});
  EXPECT_THAT(Check(Bureau(), upsert, &new_department), IsOk());
  EXPECT_THAT(Check(Bureau(), upsert, &rename_department), IsOk());
  EXPECT_THAT(Check(Bureau(), upsert, &itself), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Check(Bureau(), upsert, &steal), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Check(Bureau(), upsert, &new_elsewhere),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Check(Bureau(), upsert, &mixed), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Check(Unit(), upsert, &new_department),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Check(Named(v1::PRINCIPAL_ADMIN), upsert, &steal), IsOk());
  EXPECT_THAT(Check(Named(v1::PRINCIPAL_SERVICE), upsert, &steal),
              StatusIs(absl::StatusCode::kPermissionDenied));

  const std::string move = M("AggregationService", "MoveNode");
  v1::MoveNodeRequest inside;
  inside.set_code(kOwnUscc);
  inside.set_new_parent_code("430602");
  v1::MoveNodeRequest out_of_scope;
  out_of_scope.set_code(kOwnUscc);
  out_of_scope.set_new_parent_code("430603");
  v1::MoveNodeRequest move_self;
  move_self.set_code("430602");
  move_self.set_new_parent_code("430602-D01");
  EXPECT_THAT(Check(Bureau(), move, &inside), IsOk());
  EXPECT_THAT(Check(Bureau(), move, &out_of_scope), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Check(Bureau(), move, &move_self), StatusIs(absl::StatusCode::kPermissionDenied));

  v1::ImportOrgCsvRequest csv;
  EXPECT_THAT(Check(Bureau(), M("AggregationService", "ImportOrgCsv"), &csv),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(AuthorizerTest, TokenAdministrationIsForAdminsAndAuthenticateForServices) {
  v1::IssueTokenRequest issue;
  for (const v1::Principal& p : {Unit(), Bureau(), Named(v1::PRINCIPAL_SERVICE)}) {
    EXPECT_THAT(Check(p, M("AuthService", "IssueToken"), &issue),
                StatusIs(absl::StatusCode::kPermissionDenied));
  }
  EXPECT_THAT(Check(Named(v1::PRINCIPAL_ADMIN), M("AuthService", "IssueToken"), &issue), IsOk());
  v1::AuthenticateRequest authenticate;
  EXPECT_THAT(Check(Named(v1::PRINCIPAL_SERVICE), M("AuthService", "Authenticate"), &authenticate),
              IsOk());
  EXPECT_THAT(Check(Named(v1::PRINCIPAL_ADMIN), M("AuthService", "Authenticate"), &authenticate),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST(AuthorizerRateTest, SubmitIsRateLimitedPerUnitButNotForAdmins) {
  int64_t now_ms = 0;
  Authorizer authorizer(
      Authorizer::Options{nullptr, RateLimiter::Options{2, 2, [&now_ms] { return now_ms; }}});
  const std::string submit = M("IngestionService", "Submit");
  v1::SubmitRequest own;
  own.mutable_package()->mutable_unit()->set_uscc(kOwnUscc);
  EXPECT_THAT(authorizer.AuthorizeRequest(Unit(), submit, &own), IsOk());
  EXPECT_THAT(authorizer.AuthorizeRequest(Unit(), submit, &own), IsOk());
  EXPECT_THAT(authorizer.AuthorizeRequest(Unit(), submit, &own),
              StatusIs(absl::StatusCode::kResourceExhausted));
  // Refused requests cost nothing: another unit still has its budget.
  v1::SubmitRequest other;
  other.mutable_package()->mutable_unit()->set_uscc(kOtherUscc);
  EXPECT_THAT(authorizer.AuthorizeRequest(Unit(kOtherUscc), submit, &other), IsOk());
  for (int i = 0; i < 10; ++i) {
    EXPECT_THAT(authorizer.AuthorizeRequest(Named(v1::PRINCIPAL_ADMIN), submit, &own), IsOk());
  }
  now_ms += 500;  // one call refilled
  EXPECT_THAT(authorizer.AuthorizeRequest(Unit(), submit, &own), IsOk());
  EXPECT_THAT(authorizer.AuthorizeRequest(Unit(), submit, &own),
              StatusIs(absl::StatusCode::kResourceExhausted));
  // Reads are not limited.
  v1::GetEvaluationRequest get;
  get.set_uscc(kOwnUscc);
  EXPECT_THAT(authorizer.AuthorizeRequest(Unit(), M("IngestionService", "GetEvaluation"), &get),
              IsOk());
}

}  // namespace
}  // namespace auth
}  // namespace budgetperf
