// budget-aggregation: serves budgetperf.v1.AggregationService.
//
//   budget-aggregation --listen=127.0.0.1:7103
//       --data=/var/lib/budgetperf/aggregation --ingestion=127.0.0.1:7101
//
// Prints "listening on HOST:PORT" once serving (the bound port when asked
// for port 0) and exits 0 on SIGTERM or SIGINT after finishing the calls in
// flight.

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/strings/string_view.h"
#include "common/auth/server_auth_flags.h"
#include "common/server/grpc_server.h"
#include "services/aggregation/aggregation_server.h"

int main(int argc, char** argv) {
  // Before any thread exists, so that every thread inherits the mask and the
  // signals reach WaitForShutdownSignal.
  budgetperf::BlockShutdownSignals();

  CLI::App app{"budget-aggregation: the organisation tree and the rollups "
               "(budgetperf.v1.AggregationService)"};
  budgetperf::AggregationServer::Options options;
  options.listen = "127.0.0.1:7103";
  options.data_dir = "./data/aggregation";
  app.add_option("--listen", options.listen, "HOST:PORT to serve on; port 0 picks one")
      ->capture_default_str();
  app.add_option("--data", options.data_dir, "the RocksDB folder (created if missing)")
      ->capture_default_str();
  app.add_option("--ingestion", options.ingestion_address,
                 "ingestion's HOST:PORT, read by Recompute; without it Recompute "
                 "re-sums the applied versions");
  app.add_flag("--durable,!--no-durable", options.durable,
               "fsync every write (on by default; --no-durable only for throwaway data)");
  app.add_option("--max-message-bytes", options.max_message_bytes,
                 "largest request or reply accepted")
      ->capture_default_str()
      ->check(CLI::Range(1024, 1 << 30));
  budgetperf::auth::ServerAuthFlags auth_flags("budget-aggregation");
  auth_flags.Register(app, /*can_keep_tokens=*/false);
  CLI11_PARSE(app, argc, argv);
  // Bureaus' codes are placed by this server's own tree. The guard exists
  // before the server (Apply also sets the credentials its clients use),
  // which is opened, then set here, then serves: the lookup always finds it.
  budgetperf::AggregationServer* opened = nullptr;
  budgetperf::auth::ScopeLookups lookups;
  lookups.node_path = [&opened](absl::string_view code, int32_t year) {
    return budgetperf::NodePathOf(opened->aggregator(), code, year);
  };
  if (absl::Status s = auth_flags.Apply(std::move(lookups)); !s.ok()) {
    std::cerr << "budget-aggregation: " << s.message() << "\n";
    return EXIT_FAILURE;
  }

  absl::StatusOr<std::unique_ptr<budgetperf::AggregationServer>> server =
      budgetperf::AggregationServer::Open(std::move(options));
  if (!server.ok()) {
    std::cerr << "budget-aggregation: " << server.status().message() << "\n";
    return EXIT_FAILURE;
  }
  opened = server->get();
  if (absl::Status s = (*server)->Serve(); !s.ok()) {
    std::cerr << "budget-aggregation: " << s.message() << "\n";
    return EXIT_FAILURE;
  }
  std::cout << "listening on " << (*server)->address() << std::endl;

  budgetperf::WaitForShutdownSignal();
  (*server)->Shutdown();
  return EXIT_SUCCESS;
}
