// budget-loadgen: a closed-loop load generator for the budgetperf services,
// with the bare echo baseline run in the same invocation.
//
//   budget-loadgen --target=127.0.0.1:7100 --workload=submit --concurrency=8
//       --duration=10 --echo
//
// runs the workload for 10 s from 8 workers, then (with --echo) starts
// build/bin/budget-echo, runs the same number of workers against it with the
// same request and reply sizes, and prints both lines and their ratio.
// Workloads: see the --workload help. Each prints calls/s and p50/p95/p99/max.

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "CLI/CLI.hpp"
#include "absl/strings/str_format.h"
#include "bench/echo/echo.grpc.pb.h"
#include "bench/loadgen/bulk_load.h"
#include "bench/loadgen/closed_loop.h"
#include "bench/loadgen/workloads.h"
#include "common/server/grpc_status.h"
#include "common/server/peer_channel.h"
#include "tests/testing/server_process.h"

namespace budgetperf::bench {
namespace {

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target, int index) {
  PeerChannelOptions channel;
  channel.max_receive_bytes = 64 * 1024 * 1024;
  channel.max_send_bytes = 64 * 1024 * 1024;
  // Separate connections per channel: one TCP connection can cap throughput.
  channel.channel_id = index;
  return MakePeerChannel(target, grpc::InsecureChannelCredentials(), channel);
}

LoadResult RunEcho(const std::string& address, const LoadOptions& options, size_t request_bytes,
                   size_t reply_bytes, int channels) {
  std::vector<std::unique_ptr<EchoService::Stub>> stubs;
  for (int i = 0; i < channels; ++i) stubs.push_back(EchoService::NewStub(MakeChannel(address, i)));
  EchoRequest request;
  request.set_payload(std::string(request_bytes, 'p'));
  request.set_reply_bytes(static_cast<int32_t>(reply_bytes));
  return RunClosedLoop(absl::StrFormat("echo (%zu B → %zu B)", request_bytes, reply_bytes), options,
                       [&](int worker, uint64_t) {
                         grpc::ClientContext context;
                         EchoResponse response;
                         return FromGrpcStatus(
                             stubs[static_cast<size_t>(worker) % stubs.size()]->Echo(
                                 &context, request, &response));
                       });
}

}  // namespace
}  // namespace budgetperf::bench

int main(int argc, char** argv) {
  using namespace budgetperf::bench;
  CLI::App app{"Closed-loop load generator for budgetperf, with the echo baseline."};
  std::string target = "127.0.0.1:7100";
  std::string workload = "submit";
  int concurrency = 8;
  double duration_s = 10;
  double warmup_s = 1;
  double rate = 0;
  bool echo = false;
  int channels = 2;
  std::string node = "430602";
  int year = 2023;
  uint64_t seed = 1;
  app.add_option("--target", target, "HOST:PORT of the service (budgetd or a single service)")
      ->capture_default_str();
  app.add_option("--workload", workload, WorkloadHelp())->capture_default_str();
  app.add_option("--concurrency", concurrency, "closed-loop workers")->capture_default_str();
  app.add_option("--duration", duration_s, "seconds measured")->capture_default_str();
  app.add_option("--warmup", warmup_s, "seconds run before measuring")->capture_default_str();
  app.add_option("--rate", rate, "target calls/s for all workers together (0: closed loop)")
      ->capture_default_str();
  app.add_option("--channels", channels, "gRPC channels (connections) shared by the workers")
      ->capture_default_str();
  app.add_option("--node", node, "org node for rollup workloads")->capture_default_str();
  app.add_option("--year", year, "year for the workloads")->capture_default_str();
  app.add_option("--seed", seed, "generator seed for submit workloads")->capture_default_str();
  app.add_flag("--echo", echo,
               "also start build/bin/budget-echo and run the same load against it, with the "
               "same request and reply sizes");
  int bulk_units = 0;
  int bulk_streams = 4;
  int bulk_departments = 100;
  std::string org_csv;
  app.add_option("--bulk", bulk_units,
                 "instead of a closed loop: stream a generated district of N units through "
                 "SubmitStream and report packages/s");
  app.add_option("--streams", bulk_streams, "concurrent SubmitStreams for --bulk")
      ->capture_default_str();
  app.add_option("--departments", bulk_departments, "departments of the --bulk district")
      ->capture_default_str();
  app.add_option("--org-csv", org_csv, "with --bulk: also write the district's org tree here");
  CLI11_PARSE(app, argc, argv);

  if (bulk_units > 0) {
    BulkLoadOptions bulk;
    bulk.target = target;
    bulk.division_code = node;
    bulk.units = bulk_units;
    bulk.departments = bulk_departments;
    bulk.streams = bulk_streams;
    bulk.year = year;
    bulk.seed = seed;
    bulk.org_csv_path = org_csv;
    auto loaded = RunBulkLoad(bulk);
    if (!loaded.ok()) {
      std::cerr << "budget-loadgen: bulk load: " << loaded.status() << std::endl;
      return 2;
    }
    std::cout << absl::StrFormat(
                     "bulk %lld packages over %d streams in %.1f s: %.0f packages/s "
                     "(accepted %lld, rejected %lld, failed %lld)",
                     static_cast<long long>(loaded->sent), bulk_streams, loaded->seconds,
                     loaded->sent / std::max(loaded->seconds, 1e-9),
                     static_cast<long long>(loaded->accepted),
                     static_cast<long long>(loaded->rejected),
                     static_cast<long long>(loaded->failed))
              << std::endl;
    return loaded->accepted == loaded->sent ? 0 : 1;
  }

  LoadOptions options;
  options.concurrency = concurrency;
  options.duration = std::chrono::milliseconds(static_cast<int64_t>(duration_s * 1000));
  options.warmup = std::chrono::milliseconds(static_cast<int64_t>(warmup_s * 1000));
  options.target_rate = rate;

  WorkloadOptions workload_options;
  workload_options.target = target;
  workload_options.channels = channels;
  workload_options.node = node;
  workload_options.year = year;
  workload_options.seed = seed;
  auto made = MakeWorkload(workload, workload_options);
  if (!made.ok()) {
    std::cerr << "budget-loadgen: " << made.status() << std::endl;
    return 2;
  }
  std::unique_ptr<Workload> work = std::move(made).value();
  if (absl::Status ready = work->Prepare(); !ready.ok()) {
    std::cerr << "budget-loadgen: preparing " << workload << ": " << ready << std::endl;
    return 2;
  }
  LoadResult result = RunClosedLoop(workload, options, [&](int worker, uint64_t sequence) {
    return work->Call(worker, sequence);
  });
  std::cout << FormatResult(result) << std::endl;
  if (echo) {
    const std::filesystem::path echo_binary =
        std::filesystem::path(argv[0]).parent_path() / "budget-echo";
    auto server =
        budgetperf::testutil::ServerProcess::Start(echo_binary.string(), {"--listen=127.0.0.1:0"});
    if (!server.ok()) {
      std::cerr << "budget-loadgen: starting the echo baseline: " << server.status() << std::endl;
      return 2;
    }
    LoadResult baseline = RunEcho((*server)->address(), options, work->request_bytes(),
                                  work->reply_bytes(), channels);
    std::cout << FormatResult(baseline) << std::endl;
    std::cout << absl::StrFormat("ratio %s / echo: %.1f%%", workload,
                                 100.0 * result.calls_per_second() /
                                     std::max(1.0, baseline.calls_per_second()))
              << std::endl;
    (void)(*server)->Terminate();
  }
  return result.errors == 0 ? 0 : 1;
}
