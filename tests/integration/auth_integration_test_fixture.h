#ifndef BUDGETPERF_TESTS_INTEGRATION_AUTH_INTEGRATION_TEST_FIXTURE_H_
#define BUDGETPERF_TESTS_INTEGRATION_AUTH_INTEGRATION_TEST_FIXTURE_H_

// Access control over real gRPC: the whole matrix of callers × methods.
//
// The servers are built in-process from the real service classes, each
// behind the AccessGuard on a real socket, arranged as a split deployment:
//
//   front        IngestionService + ScoringService + AuthService +
//                AdminService (checkpoints of the ingestion store), with the
//                token store (TokenManager: local checks) and bureau scope
//                by the division codes of the units' filings;
//   aggregation  AggregationService, checking tokens at the front
//                (RemoteTokenVerifier, with its own service token) and
//                bureau scope by its org tree.
//
// Callers: a unit on its own data, the same unit on another unit's, a bureau
// on a unit or node inside its subtree, a bureau on one outside it, an admin,
// and calls with no token, a forged one, an expired one and a revoked one.
//
// The tests are split by what they check: the matrix (auth_matrix_test.cc),
// bureau scope (auth_scope_test.cc), tokens (auth_token_test.cc), servers of
// their own with rates and TLS (auth_server_test.cc), and the real binaries
// (auth_binaries_test.cc); this header is the deployment they share.

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "budgetperf/v1/admin.grpc.pb.h"
#include "budgetperf/v1/aggregation.grpc.pb.h"
#include "budgetperf/v1/auth.grpc.pb.h"
#include "budgetperf/v1/ingestion.grpc.pb.h"
#include "budgetperf/v1/scoring.grpc.pb.h"
#include "common/admin/admin_service.h"
#include "common/admin/checkpointer.h"
#include "common/auth/access_guard.h"
#include "common/auth/auth_service.h"
#include "common/auth/auth_store.h"
#include "common/auth/client.h"
#include "common/auth/remote_token_verifier.h"
#include "common/auth/scope.h"
#include "common/auth/token.h"
#include "common/auth/token_manager.h"
#include "common/server/grpc_server.h"
#include "gtest/gtest.h"
#include "services/aggregation/aggregation_server.h"
#include "services/aggregation/aggregation_service.h"
#include "services/aggregation/aggregator.h"
#include "services/ingestion/ingestion_server.h"
#include "services/ingestion/ingestion_service.h"
#include "services/ingestion/ingestion_store.h"
#include "services/ingestion/ingestor.h"
#include "services/ingestion/test_packages.h"
#include "services/ingestion/work_queue.h"
#include "services/scoring/profile_registry.h"
#include "services/scoring/scoring_service.h"
#include "tests/testing/command.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace budgetperf {
namespace auth_integration_test {

using ::budgetperf::auth::AccessGuard;
using ::budgetperf::auth::ClientSecurity;
using ::budgetperf::auth::TokenManager;
using ::budgetperf::testutil::TempDir;

inline constexpr int32_t kYear = 2023;
// Unit A files in 430602 (岳阳楼区), unit B in 430603 (云溪区).
inline constexpr int kUnitA = 1;
inline constexpr int kUnitB = 2;
// How long the aggregation server trusts a token it has checked.
inline constexpr std::chrono::milliseconds kRemoteTtl{1500};

inline std::string UsccA() { return ingestion::test_packages::TestUscc(kUnitA); }
inline std::string UsccB() { return ingestion::test_packages::TestUscc(kUnitB); }

inline v1::Principal Unit(const std::string& uscc) {
  v1::Principal p;
  p.set_kind(v1::PRINCIPAL_UNIT);
  p.set_uscc(uscc);
  return p;
}

inline v1::Principal Bureau(const std::string& node) {
  v1::Principal p;
  p.set_kind(v1::PRINCIPAL_BUREAU);
  p.set_node_code(node);
  p.set_division_code(node);
  p.set_name(absl::StrCat("bureau of ", node));
  return p;
}

inline v1::Principal Named(v1::PrincipalKind kind, const std::string& name) {
  v1::Principal p;
  p.set_kind(kind);
  p.set_name(name);
  return p;
}

inline v1::OrgNode Node(const std::string& code, v1::NodeKind kind, const std::string& parent,
                 const std::string& division) {
  v1::OrgNode node;
  node.set_code(code);
  node.set_name(absl::StrCat("node ", code));
  node.set_kind(kind);
  node.set_parent_code(parent);
  node.set_division_code(division);
  return node;
}

inline std::chrono::system_clock::time_point Deadline() {
  return std::chrono::system_clock::now() + std::chrono::seconds(20);
}

// What the matrix expects of a call.
enum class Expect { kOk, kDenied, kUnauthenticated };

inline const char* ExpectName(Expect e) {
  switch (e) {
    case Expect::kOk:
      return "OK";
    case Expect::kDenied:
      return "PERMISSION_DENIED";
    default:
      return "UNAUTHENTICATED";
  }
}

inline grpc::StatusCode ExpectedCode(Expect e) {
  switch (e) {
    case Expect::kOk:
      return grpc::StatusCode::OK;
    case Expect::kDenied:
      return grpc::StatusCode::PERMISSION_DENIED;
    default:
      return grpc::StatusCode::UNAUTHENTICATED;
  }
}

// Everything the tests share: two servers, their stores, and the tokens.
struct Deployment {
  std::unique_ptr<TempDir> dir;

  std::unique_ptr<auth::AuthStore> auth_store;
  std::unique_ptr<TokenManager> tokens;
  std::unique_ptr<auth::AuthServiceImpl> auth_service;

  std::unique_ptr<ingestion::IngestionStore> ingestion_store;
  std::unique_ptr<ingestion::Ingestor> ingestor;
  std::unique_ptr<ingestion::WorkQueue> work;
  std::unique_ptr<ingestion::IngestionServiceImpl> ingestion_service;
  std::unique_ptr<ScoringServiceImpl> scoring_service;
  std::unique_ptr<admin::Checkpointer> checkpointer;
  std::unique_ptr<admin::AdminServiceImpl> admin_service;
  std::shared_ptr<AccessGuard> front_guard;
  std::unique_ptr<GrpcServer> front;

  std::unique_ptr<Aggregator> aggregator;
  std::unique_ptr<AggregationServiceImpl> aggregation_service;
  std::shared_ptr<AccessGuard> aggregation_guard;
  std::unique_ptr<GrpcServer> aggregation;

  // Tokens by role.
  std::string admin, service, unit_a, unit_b, bureau_in, bureau_out;
  std::string expired, revoked, forged;

  absl::Mutex channels_mu;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels ABSL_GUARDED_BY(channels_mu);

  std::shared_ptr<grpc::Channel> Channel(const std::string& address, const std::string& token) {
    absl::MutexLock lock(&channels_mu);
    std::shared_ptr<grpc::Channel>& channel = channels[address + "|" + token];
    if (channel == nullptr) {
      ClientSecurity security;
      security.token = token;
      absl::StatusOr<std::shared_ptr<grpc::Channel>> made =
          auth::MakeClientChannel(address, security);
      if (!made.ok()) std::abort();
      channel = *std::move(made);
    }
    return channel;
  }
  std::unique_ptr<v1::IngestionService::Stub> Ingestion(const std::string& token) {
    return v1::IngestionService::NewStub(Channel(front->address(), token));
  }
  std::unique_ptr<v1::AuthService::Stub> Auth(const std::string& token) {
    return v1::AuthService::NewStub(Channel(front->address(), token));
  }
  std::unique_ptr<v1::ScoringService::Stub> Scoring(const std::string& token) {
    return v1::ScoringService::NewStub(Channel(front->address(), token));
  }
  std::unique_ptr<v1::AdminService::Stub> Admin(const std::string& token) {
    return v1::AdminService::NewStub(Channel(front->address(), token));
  }
  std::unique_ptr<v1::AggregationService::Stub> Aggregation(const std::string& token) {
    return v1::AggregationService::NewStub(Channel(aggregation->address(), token));
  }

  void Stop() {
    {
      absl::MutexLock lock(&channels_mu);
      channels.clear();
    }
    if (aggregation != nullptr) aggregation->Shutdown(std::chrono::milliseconds(0));
    if (front != nullptr) front->Shutdown(std::chrono::milliseconds(0));
    aggregation.reset();
    front.reset();
    work.reset();  // runs what was posted, then joins
  }
};

inline std::string Issue(TokenManager* tokens, const v1::Principal& p, int64_t ttl_seconds = 0) {
  absl::StatusOr<TokenManager::Issued> issued = tokens->Issue(p, ttl_seconds, "test", "test");
  if (!issued.ok()) {
    ADD_FAILURE() << issued.status();
    return "";
  }
  return issued->token;
}

class AuthIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    d_ = new Deployment;
    absl::StatusOr<TempDir> dir = TempDir::Create("auth-integration");
    ASSERT_THAT(dir, IsOk());
    d_->dir = std::make_unique<TempDir>(*std::move(dir));

    // --- the front: ingestion, scoring and the token store ---
    absl::StatusOr<std::unique_ptr<auth::AuthStore>> auth_store =
        auth::AuthStore::Open(d_->dir->Join("auth"));
    ASSERT_THAT(auth_store, IsOk());
    d_->auth_store = *std::move(auth_store);
    d_->tokens = std::make_unique<TokenManager>(d_->auth_store.get(), TokenManager::Options{});
    d_->auth_service = std::make_unique<auth::AuthServiceImpl>(d_->tokens.get());

    ingestion::IngestionStore::Options store_options;
    store_options.path = d_->dir->Join("ingestion");
    store_options.durable = false;
    absl::StatusOr<std::unique_ptr<ingestion::IngestionStore>> store =
        ingestion::IngestionStore::Open(store_options);
    ASSERT_THAT(store, IsOk());
    d_->ingestion_store = *std::move(store);
    d_->ingestor = std::make_unique<ingestion::Ingestor>(d_->ingestion_store.get(), nullptr,
                                                         ingestion::Ingestor::Options{});
    d_->work = std::make_unique<ingestion::WorkQueue>(4);
    d_->ingestion_service =
        std::make_unique<ingestion::IngestionServiceImpl>(d_->ingestor.get(), d_->work.get());
    d_->scoring_service =
        std::make_unique<ScoringServiceImpl>(std::make_shared<const ProfileRegistry>());
    d_->checkpointer = std::make_unique<admin::Checkpointer>(
        std::vector<admin::Checkpointer::Store>{{"ingestion", d_->ingestion_store.get()}});
    d_->admin_service = std::make_unique<admin::AdminServiceImpl>(d_->checkpointer.get());

    AccessGuard::Options front_options;
    front_options.verifier = std::shared_ptr<TokenManager>(d_->tokens.get(), [](auto*) {});
    // Units placed by the divisions the ingestion store keeps, as in
    // budget-ingestion.
    front_options.unit_division = [store = d_->ingestion_store.get()](absl::string_view uscc,
                                                                      int32_t year) {
      return ingestion::LatestDivisionOf(*store, uscc, year);
    };
    front_options.submit_rate.per_second = 0;  // the rate has its own test
    d_->front_guard = std::make_shared<AccessGuard>(std::move(front_options));
    GrpcServerOptions front_server;
    front_server.security = ServerSecurity{};
    front_server.security->guard = d_->front_guard;
    absl::StatusOr<std::unique_ptr<GrpcServer>> front =
        GrpcServer::Start(front_server, {d_->ingestion_service.get(), d_->scoring_service.get(),
                                         d_->auth_service.get(), d_->admin_service.get()});
    ASSERT_THAT(front, IsOk());
    d_->front = *std::move(front);

    // --- the tokens ---
    absl::StatusOr<std::optional<std::string>> bootstrapped =
        d_->tokens->BootstrapAdmin(d_->dir->Join("admin.token"));
    ASSERT_THAT(bootstrapped, IsOk());
    ASSERT_TRUE(bootstrapped->has_value());
    absl::StatusOr<std::string> admin = auth::ReadTokenFile(d_->dir->Join("admin.token"));
    ASSERT_THAT(admin, IsOk());
    d_->admin = *admin;
    d_->service = Issue(d_->tokens.get(), Named(v1::PRINCIPAL_SERVICE, "budget-aggregation"));
    d_->unit_a = Issue(d_->tokens.get(), Unit(UsccA()));
    d_->unit_b = Issue(d_->tokens.get(), Unit(UsccB()));
    d_->bureau_in = Issue(d_->tokens.get(), Bureau("430602"));
    d_->bureau_out = Issue(d_->tokens.get(), Bureau("430603"));
    d_->expired = Issue(d_->tokens.get(), Unit(UsccA()), /*ttl_seconds=*/1);
    d_->revoked = Issue(d_->tokens.get(), Unit(UsccA()));
    absl::StatusOr<auth::TokenParts> revoked = auth::ParseToken(d_->revoked);
    ASSERT_THAT(revoked, IsOk());
    ASSERT_THAT(d_->tokens->Revoke(revoked->token_id), IsOk());
    // The admin's token id with a secret of the right shape.
    absl::StatusOr<auth::TokenParts> forged = auth::ParseToken(d_->admin);
    ASSERT_THAT(forged, IsOk());
    forged->secret = std::string(43, 'A');
    d_->forged = auth::FormatToken(*forged);

    // --- aggregation: checks tokens at the front, scope by its tree ---
    Aggregator::Options aggregator_options;
    aggregator_options.data_dir = d_->dir->Join("aggregation");
    aggregator_options.durable = false;
    absl::StatusOr<std::unique_ptr<Aggregator>> aggregator =
        Aggregator::Open(std::move(aggregator_options));
    ASSERT_THAT(aggregator, IsOk());
    d_->aggregator = *std::move(aggregator);
    d_->aggregation_service =
        std::make_unique<AggregationServiceImpl>(d_->aggregator.get(), nullptr);
    ClientSecurity to_front;
    to_front.token = d_->service;
    absl::StatusOr<std::shared_ptr<grpc::Channel>> auth_channel =
        auth::MakeClientChannel(d_->front->address(), to_front);
    ASSERT_THAT(auth_channel, IsOk());
    auth::RemoteTokenVerifier::Options remote;
    remote.ttl = kRemoteTtl;
    AccessGuard::Options aggregation_options;
    aggregation_options.verifier =
        std::make_shared<auth::RemoteTokenVerifier>(*auth_channel, remote);
    // Codes placed by the tree of the Aggregator served, as in
    // budget-aggregation.
    aggregation_options.node_path = [aggregator = d_->aggregator.get()](absl::string_view code,
                                                                        int32_t year) {
      return NodePathOf(aggregator, code, year);
    };
    d_->aggregation_guard = std::make_shared<AccessGuard>(std::move(aggregation_options));
    GrpcServerOptions aggregation_server;
    aggregation_server.security = ServerSecurity{};
    aggregation_server.security->guard = d_->aggregation_guard;
    absl::StatusOr<std::unique_ptr<GrpcServer>> aggregation =
        GrpcServer::Start(aggregation_server, {d_->aggregation_service.get()});
    ASSERT_THAT(aggregation, IsOk());
    d_->aggregation = *std::move(aggregation);

    // --- data: the tree (by the admin, over gRPC) and both units' filings ---
    v1::UpsertNodesRequest nodes;
    for (const v1::OrgNode& node : {
             Node("430600", v1::NODE_KIND_CITY, "", "430600"),
             Node("430602", v1::NODE_KIND_DISTRICT, "430600", "430602"),
             Node("430602-D01", v1::NODE_KIND_DEPARTMENT, "430602", "430602"),
             Node("430602-D02", v1::NODE_KIND_DEPARTMENT, "430602", "430602"),
             Node("430602-MV", v1::NODE_KIND_DEPARTMENT, "430602-D01", "430602"),
             Node(UsccA(), v1::NODE_KIND_UNIT, "430602-D01", "430602"),
             Node("430603", v1::NODE_KIND_DISTRICT, "430600", "430603"),
             Node(UsccB(), v1::NODE_KIND_UNIT, "430603", "430603"),
         }) {
      *nodes.add_nodes() = node;
    }
    grpc::ClientContext upsert_context;
    upsert_context.set_deadline(Deadline());
    v1::UpsertNodesResponse upserted;
    grpc::Status upsert =
        d_->Aggregation(d_->admin)->UpsertNodes(&upsert_context, nodes, &upserted);
    ASSERT_THAT(upsert, IsOk());

    for (const auto& [n, division, token] :
         {std::tuple<int, std::string, std::string>{kUnitA, "430602", d_->unit_a},
          std::tuple<int, std::string, std::string>{kUnitB, "430603", d_->unit_b}}) {
      v1::SubmitRequest request;
      *request.mutable_package() = ingestion::test_packages::PackageForUnit(n, division);
      request.mutable_package()->set_year(kYear);
      v1::SubmitResponse response;
      grpc::ClientContext context;
      context.set_deadline(Deadline());
      grpc::Status s = d_->Ingestion(token)->Submit(&context, request, &response);
      ASSERT_THAT(s, IsOk());
    }

    // Let the short-lived token run out before the tests use it.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  }

  static void TearDownTestSuite() {
    if (d_ != nullptr) d_->Stop();
    delete d_;
    d_ = nullptr;
  }

  void SetUp() override { ASSERT_NE(d_->aggregation, nullptr) << "the deployment did not start"; }

  inline static Deployment* d_ = nullptr;
};

template <class Stub, class Request, class Response>
grpc::Status Unary(std::unique_ptr<Stub> stub,
                   grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                   const Request& request) {
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  Response response;
  return ((*stub).*method)(&context, request, &response);
}

// Runs `command` in the shell; false if it fails.
inline bool Shell(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

// Writes ca.pem/ca.key and, signed by that CA for localhost and 127.0.0.1,
// server.pem/server.key and client.pem/client.key into `dir`, with the
// openssl command. False if openssl fails.
inline bool MakeTestCertificates(const TempDir& dir) {
  const std::string d = dir.path();
  if (!dir.WriteFile("san.cnf", "subjectAltName=DNS:localhost,IP:127.0.0.1\n").ok()) return false;
  if (!Shell("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=test-ca -keyout " + d +
             "/ca.key -out " + d + "/ca.pem")) {
    return false;
  }
  for (const std::string name : {"server", "client"}) {
    if (!Shell("openssl req -newkey rsa:2048 -nodes -subj /CN=" + name + " -keyout " + d + "/" +
               name + ".key -out " + d + "/" + name + ".csr") ||
        !Shell("openssl x509 -req -days 1 -in " + d + "/" + name + ".csr -CA " + d +
               "/ca.pem -CAkey " + d + "/ca.key -CAcreateserial -extfile " + d + "/san.cnf -out " +
               d + "/" + name + ".pem")) {
      return false;
    }
  }
  return true;
}

}  // namespace auth_integration_test
}  // namespace budgetperf

#endif  // BUDGETPERF_TESTS_INTEGRATION_AUTH_INTEGRATION_TEST_FIXTURE_H_
