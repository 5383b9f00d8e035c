#include "services/aggregation/ingestion_source.h"

#include <utility>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "common/server/grpc_status.h"
#include "common/server/peer_channel.h"
#include "common/server/server_security.h"

namespace budgetperf {
namespace {

// Evaluations per ListEvaluations message (ingestion keeps a message near
// 1 MiB, well under the channel's 16 MiB, whatever this asks for).
constexpr int32_t kListingBatch = 256;

}  // namespace

v1::ApplyEvaluationRequest ApplyRequestFor(const v1::StoredEvaluation& stored) {
  v1::ApplyEvaluationRequest request;
  *request.mutable_package() = stored.package();
  request.set_version(stored.version());
  request.set_submitted_at_unix_ms(stored.submitted_at_unix_ms());
  // scoring_status says whether it was scored; versions stored before that
  // field existed say it in `status` (HAS_ERRORS may hide a SCORED one).
  const bool scored = stored.scoring_status() == v1::SCORED ||
                      (stored.scoring_status() == v1::EVALUATION_STATUS_UNSPECIFIED &&
                       stored.status() == v1::SCORED);
  if (scored && stored.has_scorecard()) *request.mutable_score() = stored.scorecard().summary();
  *request.mutable_findings() = stored.findings();
  return request;
}

IngestionEvaluationSource::IngestionEvaluationSource(std::string address,
                                                     absl::Duration timeout)
    : address_(std::move(address)),
      timeout_(timeout),
      stub_(v1::IngestionService::NewStub(
          MakePeerChannel(address_, DefaultChannelCredentials()))) {}

std::string IngestionEvaluationSource::Describe() const {
  return absl::StrCat("ingestion ", address_);
}

absl::Status IngestionEvaluationSource::ForEachLatest(
    int32_t year, const std::function<absl::Status(const v1::ApplyEvaluationRequest&)>& fn) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  v1::ListEvaluationsRequest request;
  request.set_year(year);
  request.set_view(v1::EVALUATION_VIEW_FULL);
  request.set_batch(kListingBatch);
  std::unique_ptr<grpc::ClientReader<v1::ListEvaluationsResponse>> reader =
      stub_->ListEvaluations(&context, request);
  v1::ListEvaluationsResponse message;
  absl::Status stopped;
  while (stopped.ok() && reader->Read(&message)) {
    // A server that predates `batch` sends one evaluation per message.
    if (message.batch_size() == 0) {
      stopped = fn(ApplyRequestFor(message.evaluation()));
      continue;
    }
    for (const v1::ListEvaluationsResponse& item : message.batch()) {
      stopped = fn(ApplyRequestFor(item.evaluation()));
      if (!stopped.ok()) break;
    }
  }
  if (!stopped.ok()) {
    context.TryCancel();
    while (reader->Read(&message)) {
    }
  }
  const grpc::Status finished = reader->Finish();
  if (!stopped.ok()) return stopped;
  absl::Status status = FromGrpcStatus(finished);
  if (!status.ok()) {
    return absl::Status(status.code(), absl::StrCat("listing evaluations of ", year, " at ",
                                                    Describe(), ": ", status.message()));
  }
  return absl::OkStatus();
}

}  // namespace budgetperf
