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

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
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
#include "services/aggregation/aggregation_service.h"
#include "services/aggregation/aggregator.h"
#include "services/ingestion/ingestion_service.h"
#include "services/ingestion/ingestion_store.h"
#include "services/ingestion/ingestor.h"
#include "services/ingestion/test_packages.h"
#include "services/ingestion/work_queue.h"
#include "services/scoring/profile_registry.h"
#include "services/scoring/scoring_service.h"
#include "tests/testing/command.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace budgetperf {
namespace {

using ::budgetperf::auth::AccessGuard;
using ::budgetperf::auth::ClientSecurity;
using ::budgetperf::auth::TokenManager;
using ::budgetperf::testing::TempDir;

constexpr int32_t kYear = 2023;
// Unit A files in 430602 (岳阳楼区), unit B in 430603 (云溪区).
constexpr int kUnitA = 1;
constexpr int kUnitB = 2;
// How long the aggregation server trusts a token it has checked.
constexpr std::chrono::milliseconds kRemoteTtl{1500};

std::string UsccA() { return ingestion::testing::TestUscc(kUnitA); }
std::string UsccB() { return ingestion::testing::TestUscc(kUnitB); }

v1::Principal Unit(const std::string& uscc) {
  v1::Principal p;
  p.set_kind(v1::PRINCIPAL_UNIT);
  p.set_uscc(uscc);
  return p;
}

v1::Principal Bureau(const std::string& node) {
  v1::Principal p;
  p.set_kind(v1::PRINCIPAL_BUREAU);
  p.set_node_code(node);
  p.set_division_code(node);
  p.set_name(absl::StrCat("bureau of ", node));
  return p;
}

v1::Principal Named(v1::PrincipalKind kind, const std::string& name) {
  v1::Principal p;
  p.set_kind(kind);
  p.set_name(name);
  return p;
}

v1::OrgNode Node(const std::string& code, v1::NodeKind kind, const std::string& parent,
                 const std::string& division) {
  v1::OrgNode node;
  node.set_code(code);
  node.set_name(absl::StrCat("node ", code));
  node.set_kind(kind);
  node.set_parent_code(parent);
  node.set_division_code(division);
  return node;
}

std::chrono::system_clock::time_point Deadline() {
  return std::chrono::system_clock::now() + std::chrono::seconds(20);
}

// What the matrix expects of a call.
enum class Expect { kOk, kDenied, kUnauthenticated };

const char* ExpectName(Expect e) {
  switch (e) {
    case Expect::kOk:
      return "OK";
    case Expect::kDenied:
      return "PERMISSION_DENIED";
    default:
      return "UNAUTHENTICATED";
  }
}

grpc::StatusCode ExpectedCode(Expect e) {
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

  std::mutex channels_mu;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels;

  std::shared_ptr<grpc::Channel> Channel(const std::string& address, const std::string& token) {
    std::lock_guard<std::mutex> lock(channels_mu);
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
    channels.clear();
    if (aggregation != nullptr) aggregation->Shutdown(std::chrono::milliseconds(0));
    if (front != nullptr) front->Shutdown(std::chrono::milliseconds(0));
    aggregation.reset();
    front.reset();
    work.reset();  // runs what was posted, then joins
  }
};

std::string Issue(TokenManager* tokens, const v1::Principal& p, int64_t ttl_seconds = 0) {
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
    ASSERT_TRUE(dir.ok()) << dir.status();
    d_->dir = std::make_unique<TempDir>(*std::move(dir));

    // --- the front: ingestion, scoring and the token store ---
    absl::StatusOr<std::unique_ptr<auth::AuthStore>> auth_store =
        auth::AuthStore::Open(d_->dir->Join("auth"));
    ASSERT_TRUE(auth_store.ok()) << auth_store.status();
    d_->auth_store = *std::move(auth_store);
    d_->tokens = std::make_unique<TokenManager>(d_->auth_store.get(), TokenManager::Options{});
    d_->auth_service = std::make_unique<auth::AuthServiceImpl>(d_->tokens.get());

    ingestion::IngestionStore::Options store_options;
    store_options.path = d_->dir->Join("ingestion");
    store_options.durable = false;
    absl::StatusOr<std::unique_ptr<ingestion::IngestionStore>> store =
        ingestion::IngestionStore::Open(store_options);
    ASSERT_TRUE(store.ok()) << store.status();
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
    // No scope given: the guard places units by the divisions of the
    // IngestionService it guards, as in budget-ingestion.
    front_options.submit_rate.per_second = 0;  // the rate has its own test
    d_->front_guard = std::make_shared<AccessGuard>(std::move(front_options));
    GrpcServerOptions front_server;
    front_server.security = ServerSecurity{};
    front_server.security->guard = d_->front_guard;
    absl::StatusOr<std::unique_ptr<GrpcServer>> front =
        GrpcServer::Start(front_server, {d_->ingestion_service.get(), d_->scoring_service.get(),
                                         d_->auth_service.get(), d_->admin_service.get()});
    ASSERT_TRUE(front.ok()) << front.status();
    d_->front = *std::move(front);

    // --- the tokens ---
    absl::StatusOr<std::optional<std::string>> bootstrapped =
        d_->tokens->BootstrapAdmin(d_->dir->Join("admin.token"));
    ASSERT_TRUE(bootstrapped.ok() && bootstrapped->has_value());
    absl::StatusOr<std::string> admin = auth::ReadTokenFile(d_->dir->Join("admin.token"));
    ASSERT_TRUE(admin.ok()) << admin.status();
    d_->admin = *admin;
    d_->service = Issue(d_->tokens.get(), Named(v1::PRINCIPAL_SERVICE, "budget-aggregation"));
    d_->unit_a = Issue(d_->tokens.get(), Unit(UsccA()));
    d_->unit_b = Issue(d_->tokens.get(), Unit(UsccB()));
    d_->bureau_in = Issue(d_->tokens.get(), Bureau("430602"));
    d_->bureau_out = Issue(d_->tokens.get(), Bureau("430603"));
    d_->expired = Issue(d_->tokens.get(), Unit(UsccA()), /*ttl_seconds=*/1);
    d_->revoked = Issue(d_->tokens.get(), Unit(UsccA()));
    absl::StatusOr<auth::TokenParts> revoked = auth::ParseToken(d_->revoked);
    ASSERT_TRUE(revoked.ok());
    ASSERT_TRUE(d_->tokens->Revoke(revoked->token_id).ok());
    // The admin's token id with a secret of the right shape.
    absl::StatusOr<auth::TokenParts> forged = auth::ParseToken(d_->admin);
    ASSERT_TRUE(forged.ok());
    forged->secret = std::string(43, 'A');
    d_->forged = auth::FormatToken(*forged);

    // --- aggregation: checks tokens at the front, scope by its tree ---
    Aggregator::Options aggregator_options;
    aggregator_options.data_dir = d_->dir->Join("aggregation");
    aggregator_options.durable = false;
    absl::StatusOr<std::unique_ptr<Aggregator>> aggregator =
        Aggregator::Open(std::move(aggregator_options));
    ASSERT_TRUE(aggregator.ok()) << aggregator.status();
    d_->aggregator = *std::move(aggregator);
    d_->aggregation_service =
        std::make_unique<AggregationServiceImpl>(d_->aggregator.get(), nullptr);
    ClientSecurity to_front;
    to_front.token = d_->service;
    absl::StatusOr<std::shared_ptr<grpc::Channel>> auth_channel =
        auth::MakeClientChannel(d_->front->address(), to_front);
    ASSERT_TRUE(auth_channel.ok());
    auth::RemoteTokenVerifier::Options remote;
    remote.ttl = kRemoteTtl;
    AccessGuard::Options aggregation_options;
    aggregation_options.verifier =
        std::make_shared<auth::RemoteTokenVerifier>(*auth_channel, remote);
    // No scope given: the guard places codes by the tree of the
    // AggregationService it guards, as in budget-aggregation.
    d_->aggregation_guard = std::make_shared<AccessGuard>(std::move(aggregation_options));
    GrpcServerOptions aggregation_server;
    aggregation_server.security = ServerSecurity{};
    aggregation_server.security->guard = d_->aggregation_guard;
    absl::StatusOr<std::unique_ptr<GrpcServer>> aggregation =
        GrpcServer::Start(aggregation_server, {d_->aggregation_service.get()});
    ASSERT_TRUE(aggregation.ok()) << aggregation.status();
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
    ASSERT_TRUE(upsert.ok()) << upsert.error_message();

    for (const auto& [n, division, token] :
         {std::tuple<int, std::string, std::string>{kUnitA, "430602", d_->unit_a},
          std::tuple<int, std::string, std::string>{kUnitB, "430603", d_->unit_b}}) {
      v1::SubmitRequest request;
      *request.mutable_package() = ingestion::testing::PackageForUnit(n, division);
      request.mutable_package()->set_year(kYear);
      v1::SubmitResponse response;
      grpc::ClientContext context;
      context.set_deadline(Deadline());
      grpc::Status s = d_->Ingestion(token)->Submit(&context, request, &response);
      ASSERT_TRUE(s.ok()) << s.error_message();
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

  static Deployment* d_;
};

Deployment* AuthIntegrationTest::d_ = nullptr;

// ---------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------

// What a caller acts on.
struct Target {
  std::string uscc;      // a unit
  int unit_number;       // ingestion::testing's number of that unit
  std::string division;  // its division code
  std::string node;      // an org node for node-scoped calls
  std::string district;  // a node under which to create one
};

struct Caller {
  const char* name;
  std::string Deployment::*token;
  Target target;
};

Target OfUnitA() { return {UsccA(), kUnitA, "430602", UsccA(), "430602"}; }
Target OfUnitB() { return {UsccB(), kUnitB, "430603", UsccB(), "430603"}; }
Target InDistrict430602() { return {UsccA(), kUnitA, "430602", "430602-D01", "430602"}; }

std::vector<Caller> Callers() {
  return {
      {"unit own", &Deployment::unit_a, OfUnitA()},
      {"unit other", &Deployment::unit_a, OfUnitB()},
      {"bureau inside", &Deployment::bureau_in, InDistrict430602()},
      {"bureau outside", &Deployment::bureau_out, InDistrict430602()},
      {"admin", &Deployment::admin, InDistrict430602()},
      {"no token", nullptr, InDistrict430602()},
      {"forged token", &Deployment::forged, InDistrict430602()},
      {"expired token", &Deployment::expired, InDistrict430602()},
      {"revoked token", &Deployment::revoked, InDistrict430602()},
  };
}

using Op = std::function<grpc::Status(Deployment*, const std::string& token, const Target&)>;

template <class Stub, class Request, class Response>
grpc::Status Unary(std::unique_ptr<Stub> stub,
                   grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                   const Request& request) {
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  Response response;
  return ((*stub).*method)(&context, request, &response);
}

std::atomic<int> new_node_counter{0};

std::vector<std::pair<std::string, Op>> Ops() {
  std::vector<std::pair<std::string, Op>> ops;
  ops.emplace_back("Submit", [](Deployment* d, const std::string& token, const Target& t) {
    v1::SubmitRequest r;
    *r.mutable_package() = ingestion::testing::PackageForUnit(t.unit_number, t.division);
    r.mutable_package()->set_year(kYear);
    return Unary(d->Ingestion(token), &v1::IngestionService::Stub::Submit, r);
  });
  ops.emplace_back("SubmitStream", [](Deployment* d, const std::string& token, const Target& t) {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    v1::SubmitStreamResponse response;
    std::unique_ptr<v1::IngestionService::Stub> stub = d->Ingestion(token);
    std::unique_ptr<grpc::ClientWriter<v1::SubmitRequest>> writer =
        stub->SubmitStream(&context, &response);
    v1::SubmitRequest r;
    *r.mutable_package() = ingestion::testing::PackageForUnit(t.unit_number, t.division);
    r.mutable_package()->set_year(kYear);
    writer->Write(r);
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    if (status.ok() && response.accepted() != 1) {
      return grpc::Status(grpc::StatusCode::INTERNAL, "the streamed package was not stored");
    }
    return status;
  });
  ops.emplace_back("GetEvaluation", [](Deployment* d, const std::string& token, const Target& t) {
    v1::GetEvaluationRequest r;
    r.set_uscc(t.uscc);
    r.set_year(kYear);
    return Unary(d->Ingestion(token), &v1::IngestionService::Stub::GetEvaluation, r);
  });
  ops.emplace_back("ListVersions", [](Deployment* d, const std::string& token, const Target& t) {
    v1::ListVersionsRequest r;
    r.set_uscc(t.uscc);
    r.set_year(kYear);
    return Unary(d->Ingestion(token), &v1::IngestionService::Stub::ListVersions, r);
  });
  ops.emplace_back("ListEvaluations", [](Deployment* d, const std::string& token, const Target& t) {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    v1::ListEvaluationsRequest r;
    r.set_year(kYear);
    r.set_division_code(t.division);
    r.set_view(v1::EVALUATION_VIEW_SUMMARY);
    std::unique_ptr<v1::IngestionService::Stub> stub = d->Ingestion(token);
    std::unique_ptr<grpc::ClientReader<v1::ListEvaluationsResponse>> reader =
        stub->ListEvaluations(&context, r);
    v1::ListEvaluationsResponse item;
    while (reader->Read(&item)) {
    }
    return reader->Finish();
  });
  ops.emplace_back("GetRollup", [](Deployment* d, const std::string& token, const Target& t) {
    v1::GetRollupRequest r;
    r.set_node_code(t.node);
    r.set_year(kYear);
    return Unary(d->Aggregation(token), &v1::AggregationService::Stub::GetRollup, r);
  });
  ops.emplace_back("Drilldown", [](Deployment* d, const std::string& token, const Target& t) {
    v1::DrilldownRequest r;
    r.set_node_code(t.node);
    r.set_year(kYear);
    return Unary(d->Aggregation(token), &v1::AggregationService::Stub::Drilldown, r);
  });
  ops.emplace_back("Coverage", [](Deployment* d, const std::string& token, const Target& t) {
    v1::CoverageRequest r;
    r.set_node_code(t.node);
    r.set_year(kYear);
    return Unary(d->Aggregation(token), &v1::AggregationService::Stub::Coverage, r);
  });
  ops.emplace_back("RecordFindings", [](Deployment* d, const std::string& token, const Target& t) {
    v1::RecordFindingsRequest r;
    r.set_code(t.node);
    r.set_year(kYear);
    r.set_source("auth-test");
    r.mutable_counts()->set_warning(1);
    return Unary(d->Aggregation(token), &v1::AggregationService::Stub::RecordFindings, r);
  });
  ops.emplace_back("GetFindings", [](Deployment* d, const std::string& token, const Target& t) {
    v1::GetFindingsRequest r;
    r.set_code(t.node);
    r.set_year(kYear);
    return Unary(d->Aggregation(token), &v1::AggregationService::Stub::GetFindings, r);
  });
  ops.emplace_back("UpsertNodes", [](Deployment* d, const std::string& token, const Target& t) {
    v1::UpsertNodesRequest r;
    *r.add_nodes() = Node(absl::StrCat(t.district, "-N", ++new_node_counter),
                          v1::NODE_KIND_DEPARTMENT, t.district, t.division);
    return Unary(d->Aggregation(token), &v1::AggregationService::Stub::UpsertNodes, r);
  });
  ops.emplace_back("MoveNode", [](Deployment* d, const std::string& token, const Target& t) {
    // A department of 430602 (or, for a unit, its own node) goes back and
    // forth between the district's two other departments.
    const std::string code = t.district == "430602" && t.node != t.uscc ? "430602-MV" : t.node;
    v1::GetNodeRequest where;
    where.set_code(code);
    absl::StatusOr<v1::GetNodeResponse> node = d->aggregator->GetNode(where);
    v1::MoveNodeRequest r;
    r.set_code(code);
    r.set_new_parent_code(node.ok() && node->node().parent_code() == "430602-D01" ? "430602-D02"
                                                                                  : "430602-D01");
    r.set_from_year(kYear);
    return Unary(d->Aggregation(token), &v1::AggregationService::Stub::MoveNode, r);
  });
  ops.emplace_back("IssueToken", [](Deployment* d, const std::string& token, const Target& t) {
    v1::IssueTokenRequest r;
    *r.mutable_principal() = Unit(t.uscc);
    r.set_ttl_seconds(3600);
    return Unary(d->Auth(token), &v1::AuthService::Stub::IssueToken, r);
  });
  ops.emplace_back("ListTokens", [](Deployment* d, const std::string& token, const Target&) {
    v1::ListTokensRequest r;
    return Unary(d->Auth(token), &v1::AuthService::Stub::ListTokens, r);
  });
  ops.emplace_back("Checkpoint", [](Deployment* d, const std::string& token, const Target&) {
    static std::atomic<int> backups{0};
    v1::CheckpointRequest r;
    r.set_dir(d->dir->Join(absl::StrCat("backup-", ++backups)));
    return Unary(d->Admin(token), &v1::AdminService::Stub::Checkpoint, r);
  });
  ops.emplace_back("RevokeToken", [](Deployment* d, const std::string& token, const Target& t) {
    absl::StatusOr<auth::TokenParts> victim =
        auth::ParseToken(Issue(d->tokens.get(), Unit(t.uscc)));
    v1::RevokeTokenRequest r;
    r.set_token_id(victim.ok() ? victim->token_id : "");
    return Unary(d->Auth(token), &v1::AuthService::Stub::RevokeToken, r);
  });
  return ops;
}

// For each op, what the first five callers get (unit own, unit other, bureau
// inside, bureau outside, admin); the four bad tokens always get
// UNAUTHENTICATED.
std::map<std::string, std::vector<Expect>> Expectations() {
  const Expect O = Expect::kOk;
  const Expect D = Expect::kDenied;
  return {
      {"Submit", {O, D, D, D, O}},          {"SubmitStream", {O, D, D, D, O}},
      {"GetEvaluation", {O, D, O, D, O}},   {"ListVersions", {O, D, O, D, O}},
      {"ListEvaluations", {D, D, O, D, O}}, {"GetRollup", {O, D, O, D, O}},
      {"Drilldown", {O, D, O, D, O}},       {"Coverage", {O, D, O, D, O}},
      {"RecordFindings", {D, D, O, D, O}},  {"GetFindings", {O, D, O, D, O}},
      {"UpsertNodes", {D, D, O, D, O}},     {"MoveNode", {D, D, O, D, O}},
      {"IssueToken", {D, D, D, D, O}},      {"ListTokens", {D, D, D, D, O}},
      {"RevokeToken", {D, D, D, D, O}},     {"Checkpoint", {D, D, D, D, O}},
  };
}

TEST_F(AuthIntegrationTest, WholeMatrix) {
  const std::vector<Caller> callers = Callers();
  const std::map<std::string, std::vector<Expect>> expectations = Expectations();
  int cells = 0;
  for (const auto& [op_name, op] : Ops()) {
    auto row = expectations.find(op_name);
    ASSERT_NE(row, expectations.end()) << op_name;
    for (size_t i = 0; i < callers.size(); ++i) {
      const Caller& caller = callers[i];
      const Expect expect = i < row->second.size() ? row->second[i] : Expect::kUnauthenticated;
      const std::string token = caller.token == nullptr ? "" : d_->*caller.token;
      const grpc::Status status = op(d_, token, caller.target);
      EXPECT_EQ(status.error_code(), ExpectedCode(expect))
          << op_name << " by " << caller.name << ": expected " << ExpectName(expect) << ", got "
          << status.error_code() << " " << status.error_message();
      ++cells;
    }
  }
  EXPECT_EQ(cells, 16 * 9);
}

// Bad tokens never reach a handler: nothing they sent is stored.
TEST_F(AuthIntegrationTest, RefusedCallsChangeNothing) {
  auto versions_of = [](const std::string& uscc) {
    v1::ListVersionsRequest r;
    r.set_uscc(uscc);
    r.set_year(kYear);
    v1::ListVersionsResponse response;
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    grpc::Status s = d_->Ingestion(d_->admin)->ListVersions(&context, r, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response.versions_size();
  };
  const int before_b = versions_of(UsccB());
  for (const std::string& token :
       {std::string(), d_->forged, d_->expired, d_->revoked, d_->unit_a, d_->bureau_out}) {
    v1::SubmitRequest r;
    *r.mutable_package() = ingestion::testing::PackageForUnit(kUnitB, "430603");
    r.mutable_package()->set_year(kYear);
    grpc::Status s = Unary(d_->Ingestion(token), &v1::IngestionService::Stub::Submit, r);
    EXPECT_FALSE(s.ok());
  }
  EXPECT_EQ(versions_of(UsccB()), before_b);
}

// A unit may stream only its own packages: the stream is checked message by
// message, and the first foreign package ends it before it is stored.
TEST_F(AuthIntegrationTest, SubmitStreamChecksEachPackage) {
  auto versions_of = [](const std::string& uscc) {
    v1::ListVersionsRequest r;
    r.set_uscc(uscc);
    r.set_year(kYear);
    v1::ListVersionsResponse response;
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    EXPECT_TRUE(d_->Ingestion(d_->admin)->ListVersions(&context, r, &response).ok());
    return response.versions_size();
  };
  const int before_a = versions_of(UsccA());
  const int before_b = versions_of(UsccB());

  grpc::ClientContext context;
  context.set_deadline(Deadline());
  v1::SubmitStreamResponse response;
  std::unique_ptr<v1::IngestionService::Stub> stub = d_->Ingestion(d_->unit_a);
  auto writer = stub->SubmitStream(&context, &response);
  for (const auto& [n, division] : {std::pair<int, std::string>{kUnitA, "430602"},
                                    std::pair<int, std::string>{kUnitB, "430603"},
                                    std::pair<int, std::string>{kUnitA, "430602"}}) {
    v1::SubmitRequest r;
    *r.mutable_package() = ingestion::testing::PackageForUnit(n, division);
    r.mutable_package()->set_year(kYear);
    if (!writer->Write(r)) break;  // the server has ended the call
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  EXPECT_EQ(versions_of(UsccA()), before_a + 1) << "the own package before the foreign one";
  EXPECT_EQ(versions_of(UsccB()), before_b) << "the foreign package is not stored";

  // A stream of own packages goes through whole.
  grpc::ClientContext ok_context;
  ok_context.set_deadline(Deadline());
  v1::SubmitStreamResponse ok_response;
  auto ok_writer = stub->SubmitStream(&ok_context, &ok_response);
  for (int i = 0; i < 3; ++i) {
    v1::SubmitRequest r;
    *r.mutable_package() = ingestion::testing::PackageForUnit(kUnitA, "430602");
    r.mutable_package()->set_year(kYear);
    ASSERT_TRUE(ok_writer->Write(r));
  }
  ok_writer->WritesDone();
  grpc::Status ok = ok_writer->Finish();
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(ok_response.accepted(), 3);
}

// A bureau's listing holds its own division's units only, whatever it asks.
TEST_F(AuthIntegrationTest, BureauListingsAreNarrowedToItsDivision) {
  auto list = [](const std::string& token, const std::string& division) {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    v1::ListEvaluationsRequest r;
    r.set_year(kYear);
    r.set_division_code(division);
    r.set_view(v1::EVALUATION_VIEW_SUMMARY);
    std::unique_ptr<v1::IngestionService::Stub> stub = d_->Ingestion(token);
    auto reader = stub->ListEvaluations(&context, r);
    std::set<std::string> units;
    v1::ListEvaluationsResponse item;
    while (reader->Read(&item)) units.insert(item.summary().uscc());
    grpc::Status s = reader->Finish();
    EXPECT_TRUE(s.ok()) << s.error_message();
    return units;
  };
  EXPECT_EQ(list(d_->bureau_in, ""), std::set<std::string>{UsccA()});
  EXPECT_EQ(list(d_->bureau_in, "430600"), std::set<std::string>{UsccA()});
  EXPECT_EQ(list(d_->bureau_out, ""), std::set<std::string>{UsccB()});
  EXPECT_EQ(list(d_->admin, ""), (std::set<std::string>{UsccA(), UsccB()}));
}

// A refusal reads the same whether the unit or node asked about exists.
TEST_F(AuthIntegrationTest, RefusalsDoNotTellWhetherAUnitExists) {
  const std::string unknown = ingestion::testing::TestUscc(77777);
  auto get = [](const std::string& token, const std::string& uscc) {
    v1::GetEvaluationRequest r;
    r.set_uscc(uscc);
    r.set_year(kYear);
    return Unary(d_->Ingestion(token), &v1::IngestionService::Stub::GetEvaluation, r);
  };
  auto rollup = [](const std::string& token, const std::string& node) {
    v1::GetRollupRequest r;
    r.set_node_code(node);
    r.set_year(kYear);
    return Unary(d_->Aggregation(token), &v1::AggregationService::Stub::GetRollup, r);
  };
  struct Probe {
    grpc::Status existing, missing;
    std::string existing_code, missing_code;
  };
  for (const Probe& p : {
           Probe{get(d_->unit_a, UsccB()), get(d_->unit_a, unknown), UsccB(), unknown},
           Probe{get(d_->bureau_out, UsccA()), get(d_->bureau_out, unknown), UsccA(), unknown},
           Probe{rollup(d_->bureau_out, "430602-D01"), rollup(d_->bureau_out, "430602-D99"),
                 "430602-D01", "430602-D99"},
           Probe{rollup(d_->unit_a, UsccB()), rollup(d_->unit_a, unknown), UsccB(), unknown},
       }) {
    EXPECT_EQ(p.existing.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(p.missing.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(absl::StrReplaceAll(p.existing.error_message(), {{p.existing_code, "X"}}),
              absl::StrReplaceAll(p.missing.error_message(), {{p.missing_code, "X"}}));
  }
  // The same unknown unit asked by its own principal is simply not found.
  EXPECT_EQ(get(d_->admin, unknown).error_code(), grpc::StatusCode::NOT_FOUND);
}

// Handlers see who is calling: the AuthService records the issuer.
TEST_F(AuthIntegrationTest, HandlersSeeTheAuthenticatedPrincipal) {
  v1::IssueTokenRequest r;
  *r.mutable_principal() = Bureau("430602");
  r.set_description("dashboard");
  v1::IssueTokenResponse response;
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  ASSERT_TRUE(d_->Auth(d_->admin)->IssueToken(&context, r, &response).ok());
  EXPECT_EQ(response.record().issued_by(), "admin admin");
  EXPECT_TRUE(response.record().secret_sha256().empty());
  // The token issued over gRPC works at once, at both servers.
  v1::GetRollupRequest rollup;
  rollup.set_node_code("430602");
  rollup.set_year(kYear);
  EXPECT_TRUE(
      Unary(d_->Aggregation(response.token()), &v1::AggregationService::Stub::GetRollup, rollup)
          .ok());
}

// Revocation is immediate where the store is, and reaches the other servers
// once their cached answer expires (kRemoteTtl here, 10 s by default).
TEST_F(AuthIntegrationTest, RevocationReachesOtherServersWithinTheCacheTime) {
  const std::string token = Issue(d_->tokens.get(), Bureau("430602"));
  v1::GetRollupRequest rollup;
  rollup.set_node_code("430602");
  rollup.set_year(kYear);
  v1::GetEvaluationRequest get;
  get.set_uscc(UsccA());
  get.set_year(kYear);
  ASSERT_TRUE(Unary(d_->Aggregation(token), &v1::AggregationService::Stub::GetRollup, rollup).ok());
  ASSERT_TRUE(Unary(d_->Ingestion(token), &v1::IngestionService::Stub::GetEvaluation, get).ok());

  v1::RevokeTokenRequest revoke;
  revoke.set_token_id(auth::ParseToken(token)->token_id);
  ASSERT_TRUE(Unary(d_->Auth(d_->admin), &v1::AuthService::Stub::RevokeToken, revoke).ok());
  EXPECT_EQ(
      Unary(d_->Ingestion(token), &v1::IngestionService::Stub::GetEvaluation, get).error_code(),
      grpc::StatusCode::UNAUTHENTICATED);

  std::this_thread::sleep_for(kRemoteTtl + std::chrono::milliseconds(200));
  grpc::Status later =
      Unary(d_->Aggregation(token), &v1::AggregationService::Stub::GetRollup, rollup);
  EXPECT_EQ(later.error_code(), grpc::StatusCode::UNAUTHENTICATED) << later.error_message();
}

// Only services may ask the front to check tokens; a unit cannot use it to
// probe other tokens.
TEST_F(AuthIntegrationTest, AuthenticateIsForServices) {
  v1::AuthenticateRequest r;
  r.set_token(d_->unit_b);
  v1::AuthenticateResponse response;
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  ASSERT_TRUE(d_->Auth(d_->service)->Authenticate(&context, r, &response).ok());
  EXPECT_TRUE(response.valid());
  EXPECT_EQ(response.principal().uscc(), UsccB());
  r.set_token(d_->revoked);
  grpc::ClientContext context2;
  context2.set_deadline(Deadline());
  ASSERT_TRUE(d_->Auth(d_->service)->Authenticate(&context2, r, &response).ok());
  EXPECT_FALSE(response.valid());
  EXPECT_EQ(Unary(d_->Auth(d_->unit_a), &v1::AuthService::Stub::Authenticate, r).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Unary(d_->Auth(d_->admin), &v1::AuthService::Stub::Authenticate, r).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// Scoring keeps no data: any authenticated caller, nobody else.
TEST_F(AuthIntegrationTest, ScoringNeedsAToken) {
  v1::ListProfilesRequest r;
  EXPECT_TRUE(Unary(d_->Scoring(d_->unit_a), &v1::ScoringService::Stub::ListProfiles, r).ok());
  EXPECT_TRUE(Unary(d_->Scoring(d_->bureau_out), &v1::ScoringService::Stub::ListProfiles, r).ok());
  EXPECT_EQ(Unary(d_->Scoring(""), &v1::ScoringService::Stub::ListProfiles, r).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

// Bureau scope at another server, through aggregation's GetNode with a
// service token: how budget-ingestion places units when run with --org-tree.
TEST_F(AuthIntegrationTest, RemoteTreeLookupPlacesUnits) {
  auth::GrpcNodePathLookup lookup(d_->Channel(d_->aggregation->address(), d_->service), {});
  auth::TreeScopeResolver resolver(
      [&lookup](absl::string_view code, int32_t year) { return lookup(code, year); });
  EXPECT_EQ(*resolver.Locate(Bureau("430602"), UsccA(), kYear), auth::Placement::kBelow);
  EXPECT_EQ(*resolver.Locate(Bureau("430603"), UsccA(), kYear), auth::Placement::kOutside);
  EXPECT_EQ(*resolver.Locate(Bureau("430602"), "nowhere", kYear), auth::Placement::kUnknown);
  auth::GrpcNodePathLookup no_token(d_->Channel(d_->aggregation->address(), ""), {});
  EXPECT_TRUE(absl::IsUnavailable(no_token(UsccA(), kYear).status()));
}

// Health checks need no token (probes carry none).
TEST_F(AuthIntegrationTest, HealthNeedsNoToken) {
  grpc::GenericStub stub(d_->Channel(d_->front->address(), ""));
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  grpc::ByteBuffer request;  // HealthCheckRequest{service: ""} is empty
  grpc::Slice empty;
  request = grpc::ByteBuffer(&empty, 1);
  grpc::ByteBuffer response;
  std::mutex mu;
  std::condition_variable done;
  bool finished = false;
  grpc::Status status;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) {
                   std::lock_guard<std::mutex> lock(mu);
                   status = std::move(s);
                   finished = true;
                   done.notify_all();
                 });
  std::unique_lock<std::mutex> lock(mu);
  done.wait(lock, [&] { return finished; });
  EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
}

// ---------------------------------------------------------------------------
// Servers of their own: the rate, TLS, refusing to start
// ---------------------------------------------------------------------------

class AuthServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TempDir> dir = TempDir::Create("auth-server");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = std::make_unique<TempDir>(*std::move(dir));
    absl::StatusOr<std::unique_ptr<auth::AuthStore>> store =
        auth::AuthStore::Open(dir_->Join("auth"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    tokens_ = std::make_unique<TokenManager>(store_.get(), TokenManager::Options{});
    service_ = std::make_unique<auth::AuthServiceImpl>(tokens_.get());
    admin_ = Issue(tokens_.get(), Named(v1::PRINCIPAL_ADMIN, "ops"));
  }

  std::shared_ptr<AccessGuard> MakeGuard(double rate = 0, double burst = 0) {
    AccessGuard::Options options;
    options.verifier = std::shared_ptr<TokenManager>(tokens_.get(), [](auto*) {});
    options.submit_rate.per_second = rate;
    options.submit_rate.burst = burst;
    return std::make_shared<AccessGuard>(std::move(options));
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<auth::AuthStore> store_;
  std::unique_ptr<TokenManager> tokens_;
  std::unique_ptr<auth::AuthServiceImpl> service_;
  std::string admin_;
};

TEST_F(AuthServerTest, SubmitIsRateLimitedPerUnit) {
  ingestion::IngestionStore::Options store_options;
  store_options.path = dir_->Join("ingestion");
  store_options.durable = false;
  auto store = ingestion::IngestionStore::Open(store_options);
  ASSERT_TRUE(store.ok());
  ingestion::Ingestor ingestor(store->get(), nullptr, {});
  ingestion::WorkQueue work(2);
  ingestion::IngestionServiceImpl service(&ingestor, &work);
  GrpcServerOptions options;
  options.security = ServerSecurity{};
  options.security->guard = MakeGuard(/*rate=*/0.5, /*burst=*/2);
  auto server = GrpcServer::Start(options, {&service});
  ASSERT_TRUE(server.ok()) << server.status();

  const std::string unit = Issue(tokens_.get(), Unit(UsccA()));
  ClientSecurity security;
  security.token = unit;
  auto channel = auth::MakeClientChannel((*server)->address(), security);
  ASSERT_TRUE(channel.ok());
  ClientSecurity as_admin;
  as_admin.token = admin_;
  auto admin_channel = auth::MakeClientChannel((*server)->address(), as_admin);
  ASSERT_TRUE(admin_channel.ok());
  v1::SubmitRequest r;
  *r.mutable_package() = ingestion::testing::PackageForUnit(kUnitA, "430602");
  std::vector<grpc::StatusCode> codes;
  for (int i = 0; i < 3; ++i) {
    codes.push_back(
        Unary(v1::IngestionService::NewStub(*channel), &v1::IngestionService::Stub::Submit, r)
            .error_code());
  }
  EXPECT_EQ(codes, (std::vector<grpc::StatusCode>{grpc::StatusCode::OK, grpc::StatusCode::OK,
                                                  grpc::StatusCode::RESOURCE_EXHAUSTED}));
  // Admins (bulk loads) are not limited.
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(
        Unary(v1::IngestionService::NewStub(*admin_channel), &v1::IngestionService::Stub::Submit, r)
            .ok());
  }
  (*server)->Shutdown(std::chrono::milliseconds(0));
}

// Runs `command` in the shell; false if it fails.
bool Shell(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

// Writes ca.pem/ca.key and, signed by that CA for localhost and 127.0.0.1,
// server.pem/server.key and client.pem/client.key into `dir`, with the
// openssl command. False if openssl fails.
bool MakeTestCertificates(const TempDir& dir) {
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

TEST_F(AuthServerTest, MutualTls) {
  const std::string d = dir_->path();
  ASSERT_TRUE(MakeTestCertificates(*dir_))
      << "openssl is needed for the TLS tests (deploy/setup.sh installs it)";

  GrpcServerOptions options;
  options.security = ServerSecurity{};
  options.security->tls_cert_file = d + "/server.pem";
  options.security->tls_key_file = d + "/server.key";
  options.security->tls_ca_file = d + "/ca.pem";
  options.security->guard = MakeGuard();
  auto server = GrpcServer::Start(options, {service_.get()});
  ASSERT_TRUE(server.ok()) << server.status();

  auto list_tokens = [&](const ClientSecurity& security) {
    auto channel = auth::MakeClientChannel((*server)->address(), security);
    EXPECT_TRUE(channel.ok()) << channel.status();
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::ListTokensResponse response;
    return v1::AuthService::NewStub(*channel)->ListTokens(&context, v1::ListTokensRequest(),
                                                          &response);
  };
  ClientSecurity full;
  full.tls_ca_file = d + "/ca.pem";
  full.tls_cert_file = d + "/client.pem";
  full.tls_key_file = d + "/client.key";
  full.token = admin_;
  grpc::Status ok = list_tokens(full);
  EXPECT_TRUE(ok.ok()) << ok.error_message();

  ClientSecurity no_token = full;
  no_token.token.clear();
  EXPECT_EQ(list_tokens(no_token).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  ClientSecurity no_client_cert;
  no_client_cert.tls_ca_file = d + "/ca.pem";
  no_client_cert.token = admin_;
  EXPECT_FALSE(list_tokens(no_client_cert).ok()) << "mutual TLS requires a client certificate";

  ClientSecurity plaintext;
  plaintext.token = admin_;
  EXPECT_FALSE(list_tokens(plaintext).ok());
  (*server)->Shutdown(std::chrono::milliseconds(0));
}

TEST_F(AuthServerTest, PlaintextBeyondLoopbackNeedsInsecure) {
  GrpcServerOptions options;
  options.listen = "0.0.0.0:0";
  options.security = ServerSecurity{};
  options.security->guard = MakeGuard();
  auto refused = GrpcServer::Start(options, {service_.get()});
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(refused.status()));
  EXPECT_NE(refused.status().message().find("--tls-cert"), std::string::npos);
  EXPECT_NE(refused.status().message().find("--insecure"), std::string::npos);

  options.security->insecure = true;
  auto started = GrpcServer::Start(options, {service_.get()});
  ASSERT_TRUE(started.ok()) << started.status();
  (*started)->Shutdown(std::chrono::milliseconds(0));

  GrpcServerOptions half;
  half.security = ServerSecurity{};
  half.security->tls_cert_file = dir_->Join("missing.pem");
  EXPECT_TRUE(absl::IsInvalidArgument(GrpcServer::Start(half, {service_.get()}).status()));
}

// A service the guard has no policy for is not served at all.
TEST_F(AuthServerTest, ServicesWithoutPolicyAreNotServed) {
  class Unknown final : public grpc::Service {};
  Unknown unknown;
  GrpcServerOptions options;
  options.security = ServerSecurity{};
  options.security->guard = MakeGuard();
  auto server = GrpcServer::Start(options, {&unknown});
  EXPECT_TRUE(absl::IsFailedPrecondition(server.status())) << server.status();
}

// ---------------------------------------------------------------------------
// The real binaries, wired with their flags
// ---------------------------------------------------------------------------

using ::budgetperf::testing::BinaryPath;
using ::budgetperf::testing::ServerProcess;

// A split deployment of processes: budget-ingestion keeps the tokens
// (--auth-store, bootstrapping the admin token), budget-aggregation and
// budget-scoring check tokens there (--auth, --service-token-file).
TEST(AuthBinariesTest, SplitDeployment) {
  absl::StatusOr<TempDir> dir = TempDir::Create("auth-binaries");
  ASSERT_TRUE(dir.ok()) << dir.status();
  auto ingestion_process = ServerProcess::Start(
      BinaryPath("budget-ingestion"), {"--listen=127.0.0.1:0", "--data=" + dir->Join("ingestion"),
                                "--auth-store=" + dir->Join("auth"),
                                "--bootstrap-admin-token-file=" + dir->Join("admin.token")});
  ASSERT_TRUE(ingestion_process.ok()) << ingestion_process.status();
  const std::string ingestion = (*ingestion_process)->address();
  absl::StatusOr<std::string> admin = auth::ReadTokenFile(dir->Join("admin.token"));
  ASSERT_TRUE(admin.ok()) << admin.status();

  // Tokens for the other servers, a unit and a bureau, over gRPC.
  auto issue = [&](const v1::Principal& principal) {
    v1::IssueTokenRequest r;
    *r.mutable_principal() = principal;
    v1::IssueTokenResponse response;
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    ClientSecurity security;
    security.token = *admin;
    grpc::Status s = v1::AuthService::NewStub(*auth::MakeClientChannel(ingestion, security))
                         ->IssueToken(&context, r, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response.token();
  };
  for (const char* name : {"budget-aggregation", "budget-scoring"}) {
    ASSERT_TRUE(auth::WritePrivateFile(dir->Join(std::string(name) + ".token"),
                                       issue(Named(v1::PRINCIPAL_SERVICE, name)))
                    .ok());
  }
  const std::string unit = issue(Unit(UsccA()));
  const std::string bureau = issue(Bureau("430602"));
  const std::string other_bureau = issue(Bureau("430603"));

  auto aggregation_process = ServerProcess::Start(
      BinaryPath("budget-aggregation"),
      {"--listen=127.0.0.1:0", "--data=" + dir->Join("aggregation"), "--ingestion=" + ingestion,
       "--auth=" + ingestion, "--service-token-file=" + dir->Join("budget-aggregation.token")});
  ASSERT_TRUE(aggregation_process.ok()) << aggregation_process.status();
  const std::string aggregation = (*aggregation_process)->address();
  auto scoring_process = ServerProcess::Start(
      BinaryPath("budget-scoring"), {"--listen=127.0.0.1:0", "--auth=" + ingestion,
                              "--service-token-file=" + dir->Join("budget-scoring.token")});
  ASSERT_TRUE(scoring_process.ok()) << scoring_process.status();
  const std::string scoring = (*scoring_process)->address();

  {
    auto channel = [](const std::string& address, const std::string& token) {
      ClientSecurity security;
      security.token = token;
      return *auth::MakeClientChannel(address, security);
    };
    // Ingestion: the unit files; bureaus read by division.
    v1::SubmitRequest submit;
    *submit.mutable_package() = ingestion::testing::PackageForUnit(kUnitA, "430602");
    submit.mutable_package()->set_year(kYear);
    EXPECT_EQ(Unary(v1::IngestionService::NewStub(channel(ingestion, "")),
                    &v1::IngestionService::Stub::Submit, submit)
                  .error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    grpc::Status filed = Unary(v1::IngestionService::NewStub(channel(ingestion, unit)),
                               &v1::IngestionService::Stub::Submit, submit);
    ASSERT_TRUE(filed.ok()) << filed.error_message();
    v1::GetEvaluationRequest get;
    get.set_uscc(UsccA());
    get.set_year(kYear);
    EXPECT_TRUE(Unary(v1::IngestionService::NewStub(channel(ingestion, bureau)),
                      &v1::IngestionService::Stub::GetEvaluation, get)
                    .ok());
    EXPECT_EQ(Unary(v1::IngestionService::NewStub(channel(ingestion, other_bureau)),
                    &v1::IngestionService::Stub::GetEvaluation, get)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);

    // Aggregation: tokens checked at ingestion, scope by its own tree.
    v1::UpsertNodesRequest nodes;
    *nodes.add_nodes() = Node("430602", v1::NODE_KIND_DISTRICT, "", "430602");
    *nodes.add_nodes() = Node("430602-D01", v1::NODE_KIND_DEPARTMENT, "430602", "430602");
    *nodes.add_nodes() = Node(UsccA(), v1::NODE_KIND_UNIT, "430602-D01", "430602");
    grpc::Status upsert = Unary(v1::AggregationService::NewStub(channel(aggregation, *admin)),
                                &v1::AggregationService::Stub::UpsertNodes, nodes);
    ASSERT_TRUE(upsert.ok()) << upsert.error_message();
    v1::GetRollupRequest rollup;
    rollup.set_node_code("430602-D01");
    rollup.set_year(kYear);
    EXPECT_TRUE(Unary(v1::AggregationService::NewStub(channel(aggregation, bureau)),
                      &v1::AggregationService::Stub::GetRollup, rollup)
                    .ok());
    EXPECT_EQ(Unary(v1::AggregationService::NewStub(channel(aggregation, other_bureau)),
                    &v1::AggregationService::Stub::GetRollup, rollup)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(Unary(v1::AggregationService::NewStub(channel(aggregation, "")),
                    &v1::AggregationService::Stub::GetRollup, rollup)
                  .error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    // Recompute reads ingestion with aggregation's service token, which the
    // binary attaches to its own calls.
    v1::RecomputeRequest recompute;
    recompute.set_node_code("430602");
    recompute.set_year(kYear);
    recompute.set_dry_run(true);
    v1::RecomputeResponse recomputed;
    grpc::ClientContext recompute_context;
    recompute_context.set_deadline(Deadline());
    grpc::Status recompute_status = v1::AggregationService::NewStub(channel(aggregation, *admin))
                                        ->Recompute(&recompute_context, recompute, &recomputed);
    EXPECT_TRUE(recompute_status.ok()) << recompute_status.error_message();
    EXPECT_EQ(recomputed.source(), "ingestion " + ingestion);
    // Unit A's filing, read from ingestion with aggregation's service token,
    // is not applied yet (no outbox delivery in this deployment).
    ASSERT_EQ(recomputed.reapplied_units_size(), 1);
    EXPECT_EQ(recomputed.reapplied_units(0), UsccA());

    // Scoring: any token, but a token.
    v1::ListProfilesRequest profiles;
    EXPECT_TRUE(Unary(v1::ScoringService::NewStub(channel(scoring, unit)),
                      &v1::ScoringService::Stub::ListProfiles, profiles)
                    .ok());
    EXPECT_EQ(Unary(v1::ScoringService::NewStub(channel(scoring, "")),
                    &v1::ScoringService::Stub::ListProfiles, profiles)
                  .error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }

  // budgetctl: the admin commands and --token-file.
  const std::string ctl = BinaryPath("budgetctl") + " --server=" + ingestion + " ";
  EXPECT_EQ(std::system(
                (ctl + "--token-file=" + dir->Join("admin.token") + " admin token list > /dev/null")
                    .c_str()),
            0);
  EXPECT_NE(std::system((ctl + "admin token list > /dev/null 2>&1").c_str()), 0);
  EXPECT_EQ(std::system((ctl + "--token-file=" + dir->Join("admin.token") +
                         " admin token issue --kind unit --uscc " + UsccB() + " > " +
                         dir->Join("b.token") + " 2>/dev/null")
                            .c_str()),
            0);
  absl::StatusOr<std::string> b_token = auth::ReadTokenFile(dir->Join("b.token"));
  EXPECT_TRUE(b_token.ok()) << b_token.status();

  EXPECT_TRUE((*scoring_process)->Terminate().ok());
  EXPECT_TRUE((*aggregation_process)->Terminate().ok());
  EXPECT_TRUE((*ingestion_process)->Terminate().ok());
}

// budgetd takes the same flags: it keeps the tokens itself (--auth-store),
// places units by its own org tree, and budget-audit runs against it as the
// district's bureau with --token-file.
TEST(AuthBinariesTest, BudgetdAndTheAuditWithTokens) {
  absl::StatusOr<TempDir> dir = TempDir::Create("auth-budgetd");
  ASSERT_TRUE(dir.ok()) << dir.status();
  auto budgetd_process = ServerProcess::Start(
      BinaryPath("budgetd"), {"--listen=127.0.0.1:0", "--data=" + dir->Join("data"),
                       "--auth-store=" + dir->Join("auth"),
                       "--bootstrap-admin-token-file=" + dir->Join("admin.token")});
  ASSERT_TRUE(budgetd_process.ok()) << budgetd_process.status();
  const std::string budgetd = (*budgetd_process)->address();
  absl::StatusOr<std::string> admin = auth::ReadTokenFile(dir->Join("admin.token"));
  ASSERT_TRUE(admin.ok()) << admin.status();
  auto channel = [&](const std::string& token) {
    ClientSecurity security;
    security.token = token;
    return *auth::MakeClientChannel(budgetd, security);
  };
  auto issue = [&](const v1::Principal& principal) {
    v1::IssueTokenRequest r;
    *r.mutable_principal() = principal;
    v1::IssueTokenResponse response;
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    grpc::Status s = v1::AuthService::NewStub(channel(*admin))->IssueToken(&context, r, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response.token();
  };
  const std::string unit = issue(Unit(UsccA()));
  const std::string bureau = issue(Bureau("430602"));
  const std::string other_bureau = issue(Bureau("430603"));
  ASSERT_TRUE(auth::WritePrivateFile(dir->Join("bureau.token"), bureau).ok());
  ASSERT_TRUE(auth::WritePrivateFile(dir->Join("other.token"), other_bureau).ok());

  v1::UpsertNodesRequest nodes;
  *nodes.add_nodes() = Node("430602", v1::NODE_KIND_DISTRICT, "", "430602");
  *nodes.add_nodes() = Node("430602-D01", v1::NODE_KIND_DEPARTMENT, "430602", "430602");
  *nodes.add_nodes() = Node(UsccA(), v1::NODE_KIND_UNIT, "430602-D01", "430602");
  grpc::Status upsert = Unary(v1::AggregationService::NewStub(channel(*admin)),
                              &v1::AggregationService::Stub::UpsertNodes, nodes);
  ASSERT_TRUE(upsert.ok()) << upsert.error_message();

  v1::SubmitRequest submit;
  *submit.mutable_package() = ingestion::testing::PackageForUnit(kUnitA, "430602");
  submit.mutable_package()->set_year(kYear);
  EXPECT_EQ(Unary(v1::IngestionService::NewStub(channel("")),
                  &v1::IngestionService::Stub::Submit, submit)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Unary(v1::IngestionService::NewStub(channel(bureau)),
                  &v1::IngestionService::Stub::Submit, submit)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status filed =
      Unary(v1::IngestionService::NewStub(channel(unit)), &v1::IngestionService::Stub::Submit,
            submit);
  ASSERT_TRUE(filed.ok()) << filed.error_message();

  v1::GetRollupRequest rollup;
  rollup.set_node_code("430602");
  rollup.set_year(kYear);
  EXPECT_TRUE(Unary(v1::AggregationService::NewStub(channel(bureau)),
                    &v1::AggregationService::Stub::GetRollup, rollup)
                  .ok());
  EXPECT_EQ(Unary(v1::AggregationService::NewStub(channel(other_bureau)),
                  &v1::AggregationService::Stub::GetRollup, rollup)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Unary(v1::AggregationService::NewStub(channel(unit)),
                  &v1::AggregationService::Stub::GetRollup, rollup)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // The audit: exit 0 or 1 as the district's bureau; 2 (failed) without a
  // token or as another district's bureau.
  auto audit = [&](const std::string& token_file) {
    std::vector<std::string> args = {"--ingestion=" + budgetd, "--aggregation=" + budgetd,
                                     "--node=430602", "--year=" + std::to_string(kYear)};
    if (!token_file.empty()) args.push_back("--token-file=" + dir->Join(token_file));
    return ::budgetperf::testing::RunCommand(*dir, BinaryPath("budget-audit"), args);
  };
  const ::budgetperf::testing::CommandRun as_bureau = audit("bureau.token");
  EXPECT_TRUE(as_bureau.exit_code == 0 || as_bureau.exit_code == 1)
      << as_bureau.exit_code << "\n" << as_bureau.out << as_bureau.err;
  const ::budgetperf::testing::CommandRun anonymous = audit("");
  EXPECT_EQ(anonymous.exit_code, 2) << anonymous.out << anonymous.err;
  const ::budgetperf::testing::CommandRun other = audit("other.token");
  EXPECT_EQ(other.exit_code, 2) << other.out << other.err;

  EXPECT_TRUE((*budgetd_process)->Terminate().ok());
}

TEST(AuthBinariesTest, PlaintextBeyondLoopbackNeedsInsecure) {
  auto refused = ServerProcess::Start(BinaryPath("budget-scoring"), {"--listen=0.0.0.0:0"});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("exit"), std::string::npos) << refused.status();
  auto started = ServerProcess::Start(BinaryPath("budget-scoring"), {"--listen=0.0.0.0:0", "--insecure"});
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_TRUE((*started)->Terminate().ok());
}

// Mutual TLS end to end: budget-scoring serves TLS, requires client
// certificates, and checks tokens at budget-ingestion over TLS too,
// presenting its own certificate with its service token.
TEST(AuthBinariesTest, MutualTlsBetweenServers) {
  absl::StatusOr<TempDir> dir = TempDir::Create("auth-binaries-tls");
  ASSERT_TRUE(dir.ok()) << dir.status();
  ASSERT_TRUE(MakeTestCertificates(*dir)) << "openssl is needed for the TLS tests";
  const std::string d = dir->path();
  const std::vector<std::string> tls = {"--tls-cert=" + d + "/server.pem",
                                        "--tls-key=" + d + "/server.key",
                                        "--tls-ca=" + d + "/ca.pem"};
  std::vector<std::string> ingestion_args = {"--listen=127.0.0.1:0", "--data=" + d + "/ingestion",
                                             "--auth-store=" + d + "/auth",
                                             "--bootstrap-admin-token-file=" + d + "/admin.token"};
  ingestion_args.insert(ingestion_args.end(), tls.begin(), tls.end());
  auto ingestion_process = ServerProcess::Start(BinaryPath("budget-ingestion"), ingestion_args);
  ASSERT_TRUE(ingestion_process.ok()) << ingestion_process.status();
  const std::string ingestion = (*ingestion_process)->address();

  ClientSecurity client;
  client.tls_ca_file = d + "/ca.pem";
  client.tls_cert_file = d + "/client.pem";
  client.tls_key_file = d + "/client.key";
  absl::StatusOr<std::string> admin = auth::ReadTokenFile(d + "/admin.token");
  ASSERT_TRUE(admin.ok()) << admin.status();
  ClientSecurity as_admin = client;
  as_admin.token = *admin;
  v1::IssueTokenRequest issue;
  *issue.mutable_principal() = Named(v1::PRINCIPAL_SERVICE, "budget-scoring");
  v1::IssueTokenResponse issued;
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  grpc::Status s = v1::AuthService::NewStub(*auth::MakeClientChannel(ingestion, as_admin))
                       ->IssueToken(&context, issue, &issued);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_TRUE(auth::WritePrivateFile(d + "/scoring.token", issued.token()).ok());
  const std::string unit = [&] {
    v1::IssueTokenRequest r;
    *r.mutable_principal() = Unit(UsccA());
    v1::IssueTokenResponse response;
    grpc::ClientContext c;
    c.set_deadline(Deadline());
    EXPECT_TRUE(v1::AuthService::NewStub(*auth::MakeClientChannel(ingestion, as_admin))
                    ->IssueToken(&c, r, &response)
                    .ok());
    return response.token();
  }();

  std::vector<std::string> scoring_args = {"--listen=127.0.0.1:0", "--auth=" + ingestion,
                                           "--service-token-file=" + d + "/scoring.token"};
  scoring_args.insert(scoring_args.end(), tls.begin(), tls.end());
  auto scoring_process = ServerProcess::Start(BinaryPath("budget-scoring"), scoring_args);
  ASSERT_TRUE(scoring_process.ok()) << scoring_process.status();
  ClientSecurity as_unit = client;
  as_unit.token = unit;
  v1::ListProfilesRequest profiles;
  grpc::Status listed = Unary(
      v1::ScoringService::NewStub(*auth::MakeClientChannel((*scoring_process)->address(), as_unit)),
      &v1::ScoringService::Stub::ListProfiles, profiles);
  EXPECT_TRUE(listed.ok()) << listed.error_message();
  ClientSecurity plaintext;
  plaintext.token = unit;
  EXPECT_FALSE(Unary(v1::ScoringService::NewStub(
                         *auth::MakeClientChannel((*scoring_process)->address(), plaintext)),
                     &v1::ScoringService::Stub::ListProfiles, profiles)
                   .ok());

  EXPECT_TRUE((*scoring_process)->Terminate().ok());
  EXPECT_TRUE((*ingestion_process)->Terminate().ok());
}

}  // namespace
}  // namespace budgetperf
