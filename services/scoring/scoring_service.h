#ifndef BUDGETPERF_SERVICES_SCORING_SCORING_SERVICE_H_
#define BUDGETPERF_SERVICES_SCORING_SCORING_SERVICE_H_

// The gRPC face of scoring: budgetperf.v1.ScoringService on the callback API.
// It only unpacks requests, calls the scorer (scorer.h) and packs replies;
// every rule lives in the plain library. budgetd registers this class beside
// the other services on its one port; budget-scoring serves it alone through
// ScoringServer (scoring_server.h).

#include <memory>

#include <grpcpp/grpcpp.h>

#include "budgetperf/v1/scoring.grpc.pb.h"
#include "services/scoring/profile_registry.h"

namespace budgetperf {

// Stateless: each call scores the request's package by the named profile
// (the registry's default when the name is empty). INVALID_ARGUMENT for an
// unknown profile. The registry is shared and read-only, so calls run
// concurrently without locks.
class ScoringServiceImpl final : public v1::ScoringService::CallbackService {
 public:
  explicit ScoringServiceImpl(std::shared_ptr<const ProfileRegistry> profiles);

  // Score(ScoreRequest) → ScoreResponse{scorecard}.
  grpc::ServerUnaryReactor* Score(grpc::CallbackServerContext* context,
                                  const v1::ScoreRequest* request,
                                  v1::ScoreResponse* response) override;

  // ListProfiles → every profile and the default's name.
  grpc::ServerUnaryReactor* ListProfiles(
      grpc::CallbackServerContext* context,
      const v1::ListProfilesRequest* request,
      v1::ListProfilesResponse* response) override;

 private:
  std::shared_ptr<const ProfileRegistry> profiles_;
};

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_SCORING_SCORING_SERVICE_H_
