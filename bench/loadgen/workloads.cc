#include "bench/loadgen/workloads.h"

#include <atomic>
#include <map>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/arena.h"
#include "budgetperf/v1/aggregation.grpc.pb.h"
#include "budgetperf/v1/ingestion.grpc.pb.h"
#include "budgetperf/v1/scoring.grpc.pb.h"
#include "common/codes/uscc.h"
#include "common/server/grpc_status.h"
#include "common/server/peer_channel.h"
#include "common/status/status_macros.h"
#include "tools/generator/sample_generator.h"

namespace budgetperf::bench {
namespace {

std::shared_ptr<grpc::Channel> Channel(const std::string& target, int index) {
  PeerChannelOptions channel;
  channel.max_receive_bytes = 64 * 1024 * 1024;
  channel.max_send_bytes = 64 * 1024 * 1024;
  channel.channel_id = index;  // a distinct connection per channel
  return MakePeerChannel(target, grpc::InsecureChannelCredentials(), channel);
}

// Generated packages of a sample district, made once.
std::vector<v1::EvaluationPackage> SamplePackages(uint64_t seed, int year, int count) {
  SampleGenerator generator(seed);
  SampleDistrict district = generator.District("430602", "岳阳楼区", 8, count);
  std::vector<v1::EvaluationPackage> packages;
  for (const SampleUnit& unit : district.units) packages.push_back(generator.Package(unit, year));
  return packages;
}

// ScoringService.Score on generated packages.
class ScoreWorkload : public Workload {
 public:
  explicit ScoreWorkload(WorkloadOptions options) : options_(std::move(options)) {}
  absl::Status Prepare() override {
    for (int i = 0; i < options_.channels; ++i) {
      stubs_.push_back(v1::ScoringService::NewStub(Channel(options_.target, i)));
    }
    for (auto& package : SamplePackages(options_.seed, options_.year, 64)) {
      v1::ScoreRequest request;
      *request.mutable_package() = std::move(package);
      requests_.push_back(std::move(request));
    }
    grpc::ClientContext context;
    v1::ScoreResponse response;
    RETURN_IF_ERROR(FromGrpcStatus(stubs_[0]->Score(&context, requests_[0], &response)));
    request_bytes_ = requests_[0].ByteSizeLong();
    reply_bytes_ = response.ByteSizeLong();
    return absl::OkStatus();
  }
  absl::Status Call(int worker, uint64_t sequence) override {
    grpc::ClientContext context;
    v1::ScoreResponse response;
    return FromGrpcStatus(stubs_[static_cast<size_t>(worker) % stubs_.size()]->Score(
        &context, requests_[(sequence * 7 + static_cast<uint64_t>(worker)) % requests_.size()],
        &response));
  }
  size_t request_bytes() const override { return request_bytes_; }
  size_t reply_bytes() const override { return reply_bytes_; }

 private:
  WorkloadOptions options_;
  std::vector<std::unique_ptr<v1::ScoringService::Stub>> stubs_;
  std::vector<v1::ScoreRequest> requests_;
  size_t request_bytes_ = 0;
  size_t reply_bytes_ = 0;
};


// A valid USCC for the n-th synthetic unit of the load, so every Submit
// files a distinct (unit, year) like a real backfill would.
std::string LoadUscc(uint64_t n) {
  std::string body = "12430602";
  for (int i = 0; i < 9; ++i) {
    body.push_back(kUsccCharset[n % kUsccCharset.size()]);
    n /= kUsccCharset.size();
  }
  return body + *UsccCheckCharacter(body);
}

// IngestionService.Submit of generated packages, each under a unit of its own.
// Each worker keeps its own copies of the templates and only rewrites the
// USCC before a call: copying a whole package per call cost the client more
// CPU than the echo baseline's entire call, on the cores the server shares.
class SubmitWorkload : public Workload {
 public:
  explicit SubmitWorkload(WorkloadOptions options) : options_(std::move(options)) {}
  absl::Status Prepare() override {
    for (int i = 0; i < options_.channels; ++i) {
      stubs_.push_back(v1::IngestionService::NewStub(Channel(options_.target, i)));
    }
    for (v1::EvaluationPackage& package : SamplePackages(options_.seed, options_.year, 64)) {
      v1::SubmitRequest& request = templates_.emplace_back();
      *request.mutable_package() = std::move(package);
    }
    // One call outside the clock, for the sizes and to fail early.
    v1::SubmitRequest request = templates_[0xFFFFFFF0ULL % templates_.size()];
    SetUnit(&request, 0, 0xFFFFFFF0ULL);
    grpc::ClientContext context;
    v1::SubmitResponse response;
    RETURN_IF_ERROR(FromGrpcStatus(stubs_[0]->Submit(&context, request, &response)));
    request_bytes_ = request.ByteSizeLong();
    reply_bytes_ = response.ByteSizeLong();
    return absl::OkStatus();
  }
  absl::Status Call(int worker, uint64_t sequence) override {
    std::vector<v1::SubmitRequest>& mine = WorkerRequests(worker);
    v1::SubmitRequest& request = mine[sequence % mine.size()];
    SetUnit(&request, worker, sequence);
    grpc::ClientContext context;
    v1::SubmitResponse response;
    return FromGrpcStatus(
        stubs_[static_cast<size_t>(worker) % stubs_.size()]->Submit(&context, request, &response));
  }
  size_t request_bytes() const override { return request_bytes_; }
  size_t reply_bytes() const override { return reply_bytes_; }

 private:
  void SetUnit(v1::SubmitRequest* request, int worker, uint64_t sequence) const {
    const uint64_t unit = (options_.seed << 40) ^ (static_cast<uint64_t>(worker) << 32) ^ sequence;
    request->mutable_package()->mutable_unit()->set_uscc(LoadUscc(unit));
  }

  // The worker's copies of the templates, made on its first call (in the
  // warm-up).
  std::vector<v1::SubmitRequest>& WorkerRequests(int worker) {
    absl::MutexLock lock(&mu_);
    std::unique_ptr<std::vector<v1::SubmitRequest>>& mine = per_worker_[worker];
    if (mine == nullptr) mine = std::make_unique<std::vector<v1::SubmitRequest>>(templates_);
    return *mine;
  }

  WorkloadOptions options_;
  std::vector<std::unique_ptr<v1::IngestionService::Stub>> stubs_;
  std::vector<v1::SubmitRequest> templates_;
  absl::Mutex mu_;
  std::map<int, std::unique_ptr<std::vector<v1::SubmitRequest>>> per_worker_ ABSL_GUARDED_BY(mu_);
  size_t request_bytes_ = 0;
  size_t reply_bytes_ = 0;
};

// IngestionService.GetEvaluation of a few stored packages (filed in Prepare).
class GetWorkload : public Workload {
 public:
  explicit GetWorkload(WorkloadOptions options) : options_(std::move(options)) {}
  absl::Status Prepare() override {
    for (int i = 0; i < options_.channels; ++i) {
      stubs_.push_back(v1::IngestionService::NewStub(Channel(options_.target, i)));
    }
    int n = 0;
    for (auto& package : SamplePackages(options_.seed, options_.year, 24)) {
      v1::SubmitRequest request;
      *request.mutable_package() = std::move(package);
      request.mutable_package()->mutable_unit()->set_uscc(LoadUscc(0xBEEF00ULL + n++));
      request.set_idempotency_key(absl::StrCat("loadgen-get-", request.package().unit().uscc()));
      grpc::ClientContext context;
      v1::SubmitResponse response;
      RETURN_IF_ERROR(FromGrpcStatus(stubs_[0]->Submit(&context, request, &response)));
      v1::GetEvaluationRequest get;
      get.set_uscc(response.uscc());
      get.set_year(response.year());
      requests_.push_back(get);
    }
    grpc::ClientContext context;
    v1::GetEvaluationResponse response;
    RETURN_IF_ERROR(FromGrpcStatus(stubs_[0]->GetEvaluation(&context, requests_[0], &response)));
    request_bytes_ = requests_[0].ByteSizeLong();
    reply_bytes_ = response.ByteSizeLong();
    return absl::OkStatus();
  }
  absl::Status Call(int worker, uint64_t sequence) override {
    grpc::ClientContext context;
    v1::GetEvaluationResponse response;
    return FromGrpcStatus(stubs_[static_cast<size_t>(worker) % stubs_.size()]->GetEvaluation(
        &context, requests_[sequence % requests_.size()], &response));
  }
  size_t request_bytes() const override { return request_bytes_; }
  size_t reply_bytes() const override { return reply_bytes_; }

 private:
  WorkloadOptions options_;
  std::vector<std::unique_ptr<v1::IngestionService::Stub>> stubs_;
  std::vector<v1::GetEvaluationRequest> requests_;
  size_t request_bytes_ = 0;
  size_t reply_bytes_ = 0;
};

// AggregationService.GetRollup or the first page of Drilldown of --node for
// --year: the dashboard's two calls. The node must have been loaded.
class RollupWorkload : public Workload {
 public:
  RollupWorkload(WorkloadOptions options, bool drilldown)
      : options_(std::move(options)), drilldown_(drilldown) {}
  absl::Status Prepare() override {
    for (int i = 0; i < options_.channels; ++i) {
      stubs_.push_back(v1::AggregationService::NewStub(Channel(options_.target, i)));
    }
    rollup_.set_node_code(options_.node);
    rollup_.set_year(options_.year);
    drill_.set_node_code(options_.node);
    drill_.set_year(options_.year);
    drill_.set_sort_by("funds.executed_fen");
    drill_.set_descending(true);
    drill_.set_page_size(20);
    grpc::ClientContext context;
    if (drilldown_) {
      v1::DrilldownResponse response;
      RETURN_IF_ERROR(FromGrpcStatus(stubs_[0]->Drilldown(&context, drill_, &response)));
      request_bytes_ = drill_.ByteSizeLong();
      reply_bytes_ = response.ByteSizeLong();
    } else {
      v1::GetRollupResponse response;
      RETURN_IF_ERROR(FromGrpcStatus(stubs_[0]->GetRollup(&context, rollup_, &response)));
      request_bytes_ = rollup_.ByteSizeLong();
      reply_bytes_ = response.ByteSizeLong();
    }
    return absl::OkStatus();
  }
  absl::Status Call(int worker, uint64_t) override {
    grpc::ClientContext context;
    auto& stub = stubs_[static_cast<size_t>(worker) % stubs_.size()];
    // Replies are parsed onto an arena, as a dashboard's backend would: a
    // page of 20 rollups is hundreds of small nested messages, and malloc'ing and
    // freeing each one cost the client more than the server spends.
    google::protobuf::Arena arena;
    if (drilldown_) {
      auto* response = google::protobuf::Arena::CreateMessage<v1::DrilldownResponse>(&arena);
      return FromGrpcStatus(stub->Drilldown(&context, drill_, response));
    }
    auto* response = google::protobuf::Arena::CreateMessage<v1::GetRollupResponse>(&arena);
    return FromGrpcStatus(stub->GetRollup(&context, rollup_, response));
  }
  size_t request_bytes() const override { return request_bytes_; }
  size_t reply_bytes() const override { return reply_bytes_; }

 private:
  WorkloadOptions options_;
  bool drilldown_;
  std::vector<std::unique_ptr<v1::AggregationService::Stub>> stubs_;
  v1::GetRollupRequest rollup_;
  v1::DrilldownRequest drill_;
  size_t request_bytes_ = 0;
  size_t reply_bytes_ = 0;
};

}  // namespace

std::string WorkloadHelp() {
  return "score: ScoringService.Score on generated packages; "
         "submit: IngestionService.Submit, a new unit each call; "
         "get: IngestionService.GetEvaluation of stored packages; "
         "rollup: AggregationService.GetRollup of --node/--year; "
         "drilldown: the first page (20) of AggregationService.Drilldown of --node/--year";
}

absl::StatusOr<std::unique_ptr<Workload>> MakeWorkload(const std::string& name,
                                                       const WorkloadOptions& options) {
  if (name == "score") return std::unique_ptr<Workload>(new ScoreWorkload(options));
  if (name == "submit") return std::unique_ptr<Workload>(new SubmitWorkload(options));
  if (name == "get") return std::unique_ptr<Workload>(new GetWorkload(options));
  if (name == "rollup") return std::unique_ptr<Workload>(new RollupWorkload(options, false));
  if (name == "drilldown") return std::unique_ptr<Workload>(new RollupWorkload(options, true));
  return absl::InvalidArgumentError(
      absl::StrCat("--workload \"", name, "\": unknown; one of: ", WorkloadHelp()));
}

}  // namespace budgetperf::bench
