#include "bench/loadgen/bulk_load.h"

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "budgetperf/v1/ingestion.grpc.pb.h"
#include "common/server/grpc_status.h"
#include "common/server/peer_channel.h"
#include "tools/generator/sample_generator.h"

namespace budgetperf::bench {

absl::StatusOr<BulkLoadResult> RunBulkLoad(const BulkLoadOptions& options) {
  SampleGenerator generator(options.seed);
  const SampleDistrict district = generator.District(options.division_code, options.district_name,
                                                     options.departments, options.units);
  if (!options.org_csv_path.empty()) {
    std::ofstream(options.org_csv_path) << OrgCsv(district.org);
  }
  const int streams = std::max(1, options.streams);
  std::vector<absl::Status> errors(static_cast<size_t>(streams));
  std::atomic<int64_t> accepted{0}, rejected{0}, failed{0}, sent{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int s = 0; s < streams; ++s) {
    threads.emplace_back([&, s] {
      PeerChannelOptions channel;
      channel.max_receive_bytes = 256 * 1024 * 1024;
      channel.max_send_bytes = -1;
      channel.channel_id = s;
      auto stub = v1::IngestionService::NewStub(
          MakePeerChannel(options.target, grpc::InsecureChannelCredentials(), channel));
      grpc::ClientContext context;
      v1::SubmitStreamResponse response;
      auto writer = stub->SubmitStream(&context, &response);
      v1::SubmitRequest request;
      for (size_t i = static_cast<size_t>(s); i < district.units.size();
           i += static_cast<size_t>(streams)) {
        *request.mutable_package() = generator.Package(district.units[i], options.year);
        if (!writer->Write(request)) break;
        ++sent;
      }
      writer->WritesDone();
      grpc::Status status = writer->Finish();
      if (!status.ok()) {
        errors[static_cast<size_t>(s)] = FromGrpcStatus(status);
        return;
      }
      accepted += response.accepted() + response.replayed();
      rejected += response.rejected();
      failed += response.failed();
    });
  }
  for (auto& t : threads) t.join();
  for (const absl::Status& e : errors) {
    if (!e.ok()) return e;
  }
  BulkLoadResult result;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.sent = sent;
  result.accepted = accepted;
  result.rejected = rejected;
  result.failed = failed;
  return result;
}

}  // namespace budgetperf::bench
