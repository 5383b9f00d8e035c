#include "services/consistency/audit_job.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "budgetperf/v1/aggregation.grpc.pb.h"
#include "budgetperf/v1/ingestion.grpc.pb.h"
#include "common/codes/uscc.h"
#include "common/server/grpc_status.h"
#include "common/server/peer_channel.h"
#include "common/server/server_security.h"

namespace budgetperf {
namespace {

// Packages of a whole district come in one listing; allow big messages.
constexpr int kMaxMessageBytes = 64 * 1024 * 1024;

// Units per RecordFindingsBatch call (two records each, well under
// aggregation's 10,000 and its message limit with a few findings each).
constexpr size_t kUnitsPerRecordBatch = 1000;
// ... and a call stays well under gRPC's default 4 MiB message limit.
constexpr size_t kRecordBatchBytes = 2 * 1024 * 1024;

// Evaluations per ListEvaluations message: one message (and one trip
// through the server's work queue) per evaluation cost most of the audit.
constexpr int32_t kListingBatch = 256;

// Last year's packages looked up one by one: calls in flight at once.
constexpr int kLookupsInFlight = 32;

std::shared_ptr<grpc::Channel> Channel(const std::string& address) {
  PeerChannelOptions channel;
  channel.max_receive_bytes = kMaxMessageBytes;
  channel.max_send_bytes = kMaxMessageBytes;
  return MakePeerChannel(address, DefaultChannelCredentials(), channel);
}

// A call context with the run's deadline per call.
std::unique_ptr<grpc::ClientContext> Context(absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

// The failed call as an absl::Status naming the service and the call, so
// that the operator knows which peer to look at.
absl::Status CallError(const grpc::Status& status, absl::string_view service,
                       absl::string_view address, absl::string_view call) {
  const absl::Status s = FromGrpcStatus(status);
  return absl::Status(s.code(), absl::StrCat(service, " at ", address, ": ",
                                             call, ": ", s.message()));
}

void AddCounts(const v1::FindingCounts& add, v1::FindingCounts* to) {
  to->set_total(to->total() + add.total());
  to->set_error(to->error() + add.error());
  to->set_warning(to->warning() + add.warning());
  to->set_needs_explanation(to->needs_explanation() + add.needs_explanation());
}

}  // namespace

bool AuditRun::HasErrors() const {
  for (const v1::Finding& f : findings) {
    if (f.severity() == v1::SEVERITY_ERROR) return true;
  }
  return false;
}

AuditJob::AuditJob(AuditJobOptions options, ConsistencyConfig config)
    : options_(std::move(options)), config_(std::move(config)) {}

absl::StatusOr<AuditRun> AuditJob::Audit() {
  const std::string& agg_address = options_.aggregation;
  const std::string& ing_address = options_.ingestion;
  auto aggregation = v1::AggregationService::NewStub(Channel(agg_address));
  auto ingestion = v1::IngestionService::NewStub(Channel(ing_address));
  const int32_t year = options_.year;

  AuditRun run;
  run.year = year;
  AuditInput input;
  input.year = year;

  // The node, and the division code to list packages by: its own, else the
  // nearest ancestor's.
  v1::GetNodeRequest node_request;
  node_request.set_code(options_.node);
  node_request.set_year(year);
  v1::GetNodeResponse node_response;
  grpc::Status status = aggregation->GetNode(Context(options_.timeout).get(),
                                             node_request, &node_response);
  if (!status.ok()) {
    return CallError(status, "aggregation", agg_address,
                     absl::StrCat("GetNode ", options_.node, " ", year));
  }
  run.node = node_response.node();
  run.division_code = run.node.division_code();
  for (size_t i = 1; i < static_cast<size_t>(node_response.path_size()) &&
                     run.division_code.empty();
       ++i) {
    v1::GetNodeRequest up;
    up.set_code(node_response.path(static_cast<int>(i)));
    up.set_year(year);
    v1::GetNodeResponse ancestor;
    status =
        aggregation->GetNode(Context(options_.timeout).get(), up, &ancestor);
    if (!status.ok()) {
      return CallError(status, "aggregation", agg_address,
                       absl::StrCat("GetNode ", up.code(), " ", year));
    }
    run.division_code = ancestor.node().division_code();
  }

  // The subtree, breadth first.
  std::set<std::string> codes;  // USCCs that belong to the subtree
  std::deque<std::string> pending = {options_.node};
  input.nodes.push_back(run.node);
  std::set<std::string> seen = {options_.node};
  auto add_codes = [&](const v1::OrgNode& n) {
    if (n.kind() == v1::NODE_KIND_UNIT) {
      ++run.tree_units;
      codes.insert(n.uscc().empty() ? n.code() : n.uscc());
    } else if (n.kind() == v1::NODE_KIND_DEPARTMENT) {
      ++run.tree_departments;
      codes.insert(n.code());  // a department filing under its own USCC
    }
  };
  add_codes(run.node);
  while (!pending.empty()) {
    v1::ListNodesRequest request;
    request.set_parent_code(pending.front());
    request.set_year(year);
    pending.pop_front();
    v1::ListNodesResponse response;
    status = aggregation->ListNodes(Context(options_.timeout).get(), request,
                                    &response);
    if (!status.ok()) {
      return CallError(
          status, "aggregation", agg_address,
          absl::StrCat("ListNodes ", request.parent_code(), " ", year));
    }
    for (const v1::OrgNode& child : response.nodes()) {
      if (!seen.insert(child.code()).second) continue;
      input.nodes.push_back(child);
      add_codes(child);
      if (child.kind() != v1::NODE_KIND_UNIT) pending.push_back(child.code());
    }
  }
  // Units that roll up here without being in the tree.
  v1::CoverageRequest coverage_request;
  coverage_request.set_node_code(options_.node);
  coverage_request.set_year(year);
  v1::CoverageResponse coverage;
  status = aggregation->Coverage(Context(options_.timeout).get(),
                                 coverage_request, &coverage);
  if (!status.ok()) {
    return CallError(status, "aggregation", agg_address,
                     absl::StrCat("Coverage ", options_.node, " ", year));
  }
  for (const v1::UnassignedUnit& unit : coverage.unassigned()) {
    codes.insert(unit.uscc());
  }

  // The packages: this year's of the subtree, last year's of the same units.
  auto list = [&](int32_t list_year, const std::set<std::string>& wanted,
                  std::vector<AuditPackage>* out,
                  v1::FindingCounts* stored_findings) -> absl::Status {
    v1::ListEvaluationsRequest request;
    request.set_year(list_year);
    request.set_division_code(run.division_code);
    request.set_view(v1::EVALUATION_VIEW_FULL);
    request.set_batch(kListingBatch);
    auto context = Context(options_.timeout);
    std::unique_ptr<grpc::ClientReader<v1::ListEvaluationsResponse>> reader =
        ingestion->ListEvaluations(context.get(), request);
    auto take = [&](v1::ListEvaluationsResponse* item) {
      if (wanted.count(item->summary().uscc()) == 0) return;
      AuditPackage package;
      v1::StoredEvaluation* evaluation = item->mutable_evaluation();
      package.package = std::move(*evaluation->mutable_package());
      if (item->summary().has_scorecard_summary()) {
        package.score = item->summary().scorecard_summary();
      }
      if (stored_findings != nullptr) {
        AddCounts(item->summary().finding_counts(), stored_findings);
      }
      out->push_back(std::move(package));
    };
    v1::ListEvaluationsResponse response;
    while (reader->Read(&response)) {
      // A server that predates `batch` sends one evaluation per message.
      if (response.batch_size() == 0) {
        take(&response);
        continue;
      }
      for (v1::ListEvaluationsResponse& item : *response.mutable_batch()) take(&item);
    }
    const grpc::Status finished = reader->Finish();
    if (!finished.ok()) {
      return CallError(
          finished, "ingestion", ing_address,
          absl::StrCat("ListEvaluations ", list_year, " ", run.division_code));
    }
    return absl::OkStatus();
  };
  // Last year's packages of the subtree's units that the division's listing
  // does not have (filed under another division), looked up by USCC with
  // many calls in flight: one at a time, a district whose units did not file
  // last year (every unit "missing") spent as long here as on the listing.
  auto look_up = [&](const std::set<std::string>& wanted,
                     std::vector<AuditPackage>* out) -> absl::Status {
    struct Lookup {
      grpc::ClientContext context;
      v1::GetEvaluationRequest request;
      v1::GetEvaluationResponse response;
    };
    absl::Mutex mu;
    int in_flight = 0;
    absl::Status failed;
    for (const std::string& uscc : wanted) {
      {
        absl::MutexLock lock(&mu);
        mu.Await(absl::Condition(
            +[](int* n) { return *n < kLookupsInFlight; }, &in_flight));
        if (!failed.ok()) break;
        ++in_flight;
      }
      auto* lookup = new Lookup();
      lookup->context.set_deadline(absl::ToChronoTime(absl::Now() + options_.timeout));
      lookup->request.set_uscc(uscc);
      lookup->request.set_year(year - 1);
      ingestion->async()->GetEvaluation(
          &lookup->context, &lookup->request, &lookup->response,
          [&, lookup](grpc::Status s) {
            absl::MutexLock lock(&mu);
            if (s.ok()) {
              out->push_back(
                  {std::move(*lookup->response.mutable_evaluation()->mutable_package()), {}});
            } else if (s.error_code() != grpc::StatusCode::NOT_FOUND && failed.ok()) {
              failed = CallError(s, "ingestion", ing_address,
                                 absl::StrCat("GetEvaluation ", lookup->request.uscc(), " ",
                                              year - 1));
            }
            --in_flight;
            delete lookup;
          });
    }
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(+[](int* n) { return *n == 0; }, &in_flight));
    if (!failed.ok()) return failed;
    // In USCC order, as the one-at-a-time lookups gave them.
    std::sort(out->begin(), out->end(), [](const AuditPackage& a, const AuditPackage& b) {
      return a.package.unit().uscc() < b.package.unit().uscc();
    });
    return absl::OkStatus();
  };

  // Last year's (listing, then look-ups) on a thread of its own, while this
  // year's are listed: for every unit of the subtree, kept below for those
  // that filed this year.
  std::vector<AuditPackage> prior;
  std::vector<AuditPackage> prior_elsewhere;
  absl::Status prior_read;
  std::thread prior_thread([&] {
    prior_read = list(year - 1, codes, &prior, nullptr);
    if (!prior_read.ok()) return;
    // Only codes that can have filed: the tree's grouping nodes ("430602",
    // "430602-D01") are not USCCs, and ingestion refuses them as keys.
    std::set<std::string> not_listed;
    for (const std::string& code : codes) {
      if (ValidateUscc(code).ok()) not_listed.insert(code);
    }
    for (const AuditPackage& p : prior) not_listed.erase(p.package.unit().uscc());
    prior_read = look_up(not_listed, &prior_elsewhere);
  });
  absl::Status listed =
      list(year, codes, &input.current, &run.package_findings);
  prior_thread.join();
  if (!listed.ok()) return listed;
  if (!prior_read.ok()) return prior_read;
  std::set<std::string> current;
  for (const AuditPackage& p : input.current) {
    current.insert(p.package.unit().uscc());
    if (!p.score.has_value()) ++run.unscored;
  }
  for (std::vector<AuditPackage>* from : {&prior, &prior_elsewhere}) {
    for (AuditPackage& p : *from) {
      if (current.count(p.package.unit().uscc()) > 0) input.prior.push_back(std::move(p));
    }
  }
  run.packages = static_cast<int64_t>(input.current.size());
  run.prior_packages = static_cast<int64_t>(input.prior.size());
  run.units.assign(current.begin(), current.end());

  run.findings = RunAuditRules(input, config_, options_.rules);
  // Freed on a thread of its own: the caller goes on to Record meanwhile.
  if (release_.joinable()) release_.join();
  release_ = std::thread([spent = std::move(input)]() mutable {
    AuditInput dropped = std::move(spent);
  });
  return run;
}

AuditJob::~AuditJob() {
  if (release_.joinable()) release_.join();
}

absl::Status AuditJob::Record(AuditRun* run) {
  const std::string& address = options_.aggregation;
  auto aggregation = v1::AggregationService::NewStub(Channel(address));
  std::map<std::string, std::vector<const v1::Finding*>> by_unit;
  for (const v1::Finding& f : run->findings)
    by_unit[f.unit_uscc()].push_back(&f);
  run->recorded_units = 0;
  run->unrecorded_units.clear();
  static const std::pair<const char*, v1::RuleScope> kSources[] = {
      {kCrossUnitSource, v1::RULE_SCOPE_CROSS_UNIT},
      {kCrossYearSource, v1::RULE_SCOPE_CROSS_YEAR}};
  auto request_for = [&](const std::string& uscc, const char* source, v1::RuleScope scope) {
    v1::RecordFindingsRequest request;
    request.set_code(uscc);
    request.set_year(run->year);
    request.set_source(source);
    for (const v1::Finding* f : by_unit[uscc]) {
      if (f->scope() == scope) *request.add_findings() = *f;
    }
    return request;
  };

  // Many units per call, each call one write at aggregation: one call and
  // one synced write per unit and source made recording the longest part of
  // a district's audit.
  size_t next = 0;
  while (next < run->units.size()) {
    v1::RecordFindingsBatchRequest batch;
    size_t end = next;
    size_t bytes = 0;
    while (end < run->units.size() && end - next < kUnitsPerRecordBatch &&
           bytes < kRecordBatchBytes) {
      for (const auto& [source, scope] : kSources) {
        v1::RecordFindingsRequest* record = batch.add_records();
        *record = request_for(run->units[end], source, scope);
        bytes += record->ByteSizeLong() + 8;
      }
      ++end;
    }
    v1::RecordFindingsBatchResponse response;
    const grpc::Status status = aggregation->RecordFindingsBatch(
        Context(options_.timeout).get(), batch, &response);
    if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) break;  // an older server
    if (!status.ok()) {
      return CallError(status, "aggregation", address,
                       absl::StrCat("RecordFindingsBatch of ", end - next, " units from ",
                                    run->units[next], " ", run->year));
    }
    if (response.results_size() != batch.records_size()) {
      return absl::InternalError(absl::StrCat("aggregation at ", address,
                                              ": RecordFindingsBatch answered ",
                                              response.results_size(), " results for ",
                                              batch.records_size(), " records"));
    }
    for (size_t u = next; u < end; ++u) {
      // A unit aggregation does not know is unknown for both sources.
      if (response.results(static_cast<int>(2 * (u - next))).found()) {
        ++run->recorded_units;
      } else {
        run->unrecorded_units.push_back(run->units[u]);
      }
    }
    next = end;
  }

  // What an older aggregation without RecordFindingsBatch gets: one call
  // per unit and source.
  for (size_t u = next; u < run->units.size(); ++u) {
    const std::string& uscc = run->units[u];
    bool unknown = false;
    for (const auto& [source, scope] : kSources) {
      v1::RecordFindingsResponse response;
      const grpc::Status status = aggregation->RecordFindings(
          Context(options_.timeout).get(), request_for(uscc, source, scope), &response);
      if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
        unknown = true;
        break;
      }
      if (!status.ok()) {
        return CallError(
            status, "aggregation", address,
            absl::StrCat("RecordFindings ", uscc, " ", run->year, " ", source));
      }
    }
    if (unknown) {
      run->unrecorded_units.push_back(uscc);
    } else {
      ++run->recorded_units;
    }
  }
  return absl::OkStatus();
}

}  // namespace budgetperf
