#include "services/scoring/scoring_service.h"

#include <utility>

#include "absl/status/status.h"
#include "common/server/grpc_status.h"
#include "services/scoring/scorer.h"

namespace budgetperf {

ScoringServiceImpl::ScoringServiceImpl(
    std::shared_ptr<const ProfileRegistry> profiles)
    : profiles_(std::move(profiles)) {}

grpc::ServerUnaryReactor* ScoringServiceImpl::Score(
    grpc::CallbackServerContext* context, const v1::ScoreRequest* request,
    v1::ScoreResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  // Scoring takes microseconds per package, so it runs on the callback
  // thread rather than being handed to a pool.
  absl::Status status = [&]() -> absl::Status {
    absl::StatusOr<const v1::ScoringProfile*> profile =
        profiles_->Find(request->profile());
    if (!profile.ok()) return profile.status();
    absl::StatusOr<v1::ScoreCard> card =
        ScorePackage(request->package(), **profile);
    if (!card.ok()) return card.status();
    *response->mutable_scorecard() = *std::move(card);
    return absl::OkStatus();
  }();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

grpc::ServerUnaryReactor* ScoringServiceImpl::ListProfiles(
    grpc::CallbackServerContext* context, const v1::ListProfilesRequest*,
    v1::ListProfilesResponse* response) {
  for (const v1::ScoringProfile& profile : profiles_->profiles()) {
    *response->add_profiles() = profile;
  }
  response->set_default_profile(profiles_->default_profile());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace budgetperf
