#include "common/auth/scope.h"

#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include <grpcpp/test/default_reactor_test_peer.h>

#include "absl/strings/str_cat.h"
#include "budgetperf/v1/aggregation.grpc.pb.h"
#include "common/codes/division_code.h"
#include "common/server/grpc_status.h"

namespace budgetperf {
namespace auth {

TreeScopeResolver::TreeScopeResolver(NodePathLookup path_of) : path_of_(std::move(path_of)) {}

absl::StatusOr<Placement> TreeScopeResolver::Locate(const v1::Principal& bureau,
                                                    absl::string_view code, int32_t year) {
  if (bureau.node_code().empty()) return Placement::kOutside;
  absl::StatusOr<std::vector<std::string>> path = path_of_(code, year);
  if (absl::IsNotFound(path.status())) return Placement::kUnknown;
  if (!path.ok()) return path.status();
  if (path->empty()) return Placement::kUnknown;
  if (path->front() == bureau.node_code()) return Placement::kSelf;
  for (size_t i = 1; i < path->size(); ++i) {
    if ((*path)[i] == bureau.node_code()) return Placement::kBelow;
  }
  return Placement::kOutside;
}

DivisionScopeResolver::DivisionScopeResolver(UnitDivisionLookup division_of)
    : division_of_(std::move(division_of)) {}

absl::StatusOr<Placement> DivisionScopeResolver::Locate(const v1::Principal& bureau,
                                                        absl::string_view code, int32_t year) {
  absl::StatusOr<std::optional<std::string>> division = division_of_(code, year);
  if (!division.ok()) return division.status();
  if (!division->has_value()) return Placement::kUnknown;
  if (!bureau.division_code().empty() && DivisionContains(bureau.division_code(), **division)) {
    return Placement::kBelow;
  }
  return Placement::kOutside;
}

AnyScopeResolver::AnyScopeResolver(std::vector<std::shared_ptr<ScopeResolver>> resolvers)
    : resolvers_(std::move(resolvers)) {}

void AnyScopeResolver::Add(std::shared_ptr<ScopeResolver> resolver) {
  absl::MutexLock lock(&mu_);
  resolvers_.push_back(std::move(resolver));
}

absl::StatusOr<Placement> AnyScopeResolver::Locate(const v1::Principal& bureau,
                                                   absl::string_view code, int32_t year) {
  std::vector<std::shared_ptr<ScopeResolver>> resolvers;
  {
    absl::MutexLock lock(&mu_);
    resolvers = resolvers_;
  }
  Placement best = Placement::kUnknown;
  absl::Status error;
  for (const std::shared_ptr<ScopeResolver>& resolver : resolvers) {
    absl::StatusOr<Placement> placement = resolver->Locate(bureau, code, year);
    if (!placement.ok()) {
      error = placement.status();
      continue;
    }
    if (*placement == Placement::kSelf || *placement == Placement::kBelow) return *placement;
    if (*placement == Placement::kOutside) best = Placement::kOutside;
  }
  if (best == Placement::kUnknown && !error.ok()) return error;
  return best;
}

GrpcNodePathLookup::GrpcNodePathLookup(std::shared_ptr<grpc::Channel> channel, Options options)
    : channel_(std::move(channel)), options_(options) {}

absl::StatusOr<std::vector<std::string>> GrpcNodePathLookup::operator()(absl::string_view code,
                                                                        int32_t year) {
  const std::string key = absl::StrCat(year, "|", code);
  const auto now = std::chrono::steady_clock::now();
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.until > now) return it->second.path;
  }
  v1::GetNodeRequest request;
  request.set_code(std::string(code));
  request.set_year(year);
  v1::GetNodeResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + options_.deadline);
  const grpc::Status status =
      v1::AggregationService::NewStub(channel_)->GetNode(&context, request, &response);
  absl::StatusOr<std::vector<std::string>> path;
  if (status.ok()) {
    path = std::vector<std::string>(response.path().begin(), response.path().end());
  } else if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    path = absl::NotFoundError(absl::StrCat(code, " is not in the tree"));
  } else {
    // Not cached: the next call tries again.
    return absl::UnavailableError(absl::StrCat("cannot place ", code,
                                               " in the org tree: aggregation answered ",
                                               FromGrpcStatus(status).ToString()));
  }
  absl::MutexLock lock(&mu_);
  if (cache_.size() >= options_.max_entries) cache_.clear();
  cache_[key] = Entry{path, now + options_.ttl};
  return path;
}

namespace {

// Runs a unary callback handler of a service in this process without a
// call, and waits (up to 5 s) for its answer: gRPC's own way of invoking a
// callback handler directly (DefaultReactorTestPeer), which binds the
// context's DefaultReactor to a callback. Handlers that answer through
// their DefaultReactor work, on this thread or any other.
template <class Request, class Response, class Handler>
absl::StatusOr<Response> CallInProcess(Handler handler, Request request) {
  // Everything the handler may touch lives on the heap: should it answer
  // after the wait gave up, the state is left to it (leaked) rather than
  // freed under it.
  struct Call {
    grpc::CallbackServerContext context;
    Request request;
    Response response;
    std::mutex mu;
    std::condition_variable done;
    bool finished = false;
    grpc::Status status;
  };
  auto* call = new Call;
  call->request = std::move(request);
  grpc::testing::DefaultReactorTestPeer peer(&call->context, [call](grpc::Status status) {
    std::lock_guard<std::mutex> lock(call->mu);
    call->status = std::move(status);
    call->finished = true;
    call->done.notify_all();
  });
  handler(&call->context, &call->request, &call->response);
  {
    std::unique_lock<std::mutex> lock(call->mu);
    if (!call->done.wait_for(lock, std::chrono::seconds(5), [call] { return call->finished; })) {
      return absl::UnavailableError("the service did not answer in time");
    }
  }
  // The reactor marks the status set after our callback returns; only then
  // is it done with the context.
  while (!peer.test_status_set()) std::this_thread::yield();
  absl::StatusOr<Response> answer = call->status.ok()
                                        ? absl::StatusOr<Response>(std::move(call->response))
                                        : absl::StatusOr<Response>(FromGrpcStatus(call->status));
  delete call;
  return answer;
}

}  // namespace

NodePathLookup InProcessNodePathLookup(v1::AggregationService::CallbackService* service) {
  return
      [service](absl::string_view code, int32_t year) -> absl::StatusOr<std::vector<std::string>> {
        v1::GetNodeRequest request;
        request.set_code(std::string(code));
        request.set_year(year);
        absl::StatusOr<v1::GetNodeResponse> node =
            CallInProcess<v1::GetNodeRequest, v1::GetNodeResponse>(
                [service](grpc::CallbackServerContext* c, const v1::GetNodeRequest* q,
                          v1::GetNodeResponse* r) { return service->GetNode(c, q, r); },
                std::move(request));
        if (!node.ok()) return node.status();
        return std::vector<std::string>(node->path().begin(), node->path().end());
      };
}

UnitDivisionLookup InProcessUnitDivisionLookup(v1::IngestionService::CallbackService* service,
                                               std::chrono::milliseconds ttl) {
  struct Cache {
    absl::Mutex mu;
    absl::flat_hash_map<
        std::string, std::pair<std::optional<std::string>, std::chrono::steady_clock::time_point>>
        entries ABSL_GUARDED_BY(mu);
  };
  auto cache = std::make_shared<Cache>();
  return [service, ttl, cache](absl::string_view uscc,
                               int32_t year) -> absl::StatusOr<std::optional<std::string>> {
    const std::string key = absl::StrCat(year, "|", uscc);
    const auto now = std::chrono::steady_clock::now();
    {
      absl::MutexLock lock(&cache->mu);
      auto it = cache->entries.find(key);
      if (it != cache->entries.end() && it->second.second > now) return it->second.first;
    }
    v1::GetEvaluationRequest request;
    request.set_uscc(std::string(uscc));
    request.set_year(year);
    absl::StatusOr<v1::GetEvaluationResponse> latest =
        CallInProcess<v1::GetEvaluationRequest, v1::GetEvaluationResponse>(
            [service](grpc::CallbackServerContext* c, const v1::GetEvaluationRequest* q,
                      v1::GetEvaluationResponse* r) { return service->GetEvaluation(c, q, r); },
            std::move(request));
    std::optional<std::string> division;
    if (latest.ok()) {
      division = latest->evaluation().package().unit().division_code();
    } else if (!absl::IsNotFound(latest.status()) && !absl::IsInvalidArgument(latest.status())) {
      return latest.status();
    }
    absl::MutexLock lock(&cache->mu);
    if (cache->entries.size() >= 100000) cache->entries.clear();
    cache->entries[key] = {division, now + ttl};
    return division;
  };
}

}  // namespace auth
}  // namespace budgetperf
