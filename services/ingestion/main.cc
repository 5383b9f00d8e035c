// budget-ingestion: serves budgetperf.v1.IngestionService.
//
//   budget-ingestion --listen=127.0.0.1:7101 --data=/var/lib/budgetperf/ingestion
//       --scoring=127.0.0.1:7102
//
// Prints "listening on HOST:PORT" once serving (the bound port when asked
// for port 0) and exits 0 on SIGTERM or SIGINT after finishing the calls in
// flight.

#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>

#include "CLI/CLI.hpp"
#include "common/server/grpc_server.h"
#include "services/ingestion/ingestion_server.h"

int main(int argc, char** argv) {
  // Before any thread exists, so that every thread inherits the mask and the
  // signals reach WaitForShutdownSignal.
  budgetperf::BlockShutdownSignals();

  CLI::App app{
      "budget-ingestion: validates, scores and stores self-evaluation packages "
      "(budgetperf.v1.IngestionService)"};
  budgetperf::ingestion::IngestionServer::Options options;
  options.listen = "127.0.0.1:7101";
  options.data_dir = "./data/ingestion";
  int scoring_deadline_ms = static_cast<int>(options.scoring_deadline.count());
  app.add_option("--listen", options.listen, "HOST:PORT to serve on; port 0 picks one")
      ->capture_default_str();
  app.add_option("--data", options.data_dir, "the RocksDB folder (created if absent)")
      ->capture_default_str();
  app.add_option("--scoring", options.scoring_address,
                 "HOST:PORT of budget-scoring; without it packages are stored as "
                 "SCORING_PENDING");
  app.add_flag("--durable,!--no-durable", options.durable,
               "sync every acknowledged write to disk (default on; --durable=false for bulk "
               "loads)");
  app.add_option("--max-message-bytes", options.max_message_bytes,
                 "largest request or reply accepted")
      ->capture_default_str()
      ->check(CLI::Range(1024, 1 << 30));
  app.add_option("--workers", options.worker_threads, "threads running the calls")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("--scoring-deadline-ms", scoring_deadline_ms,
                 "how long a Score call may take before the package is stored as pending")
      ->capture_default_str()
      ->check(CLI::Range(1, 600000));
  CLI11_PARSE(app, argc, argv);
  options.scoring_deadline = std::chrono::milliseconds(scoring_deadline_ms);

  absl::StatusOr<std::unique_ptr<budgetperf::ingestion::IngestionServer>> server =
      budgetperf::ingestion::IngestionServer::Start(std::move(options));
  if (!server.ok()) {
    std::cerr << "budget-ingestion: " << server.status().message() << "\n";
    return EXIT_FAILURE;
  }
  std::cout << "listening on " << (*server)->address() << std::endl;

  budgetperf::WaitForShutdownSignal();
  (*server)->Shutdown();
  return EXIT_SUCCESS;
}
