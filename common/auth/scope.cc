#include "common/auth/scope.h"

#include <utility>

#include <grpcpp/grpcpp.h>

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

}  // namespace auth
}  // namespace budgetperf
