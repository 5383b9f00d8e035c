// budget-ingestion: serves budgetperf.v1.IngestionService.
//
//   budget-ingestion --listen=127.0.0.1:7101 --data=/var/lib/budgetperf/ingestion
//       --scoring=127.0.0.1:7102 --aggregation=127.0.0.1:7103
//       --consistency-config=/etc/budgetperf/consistency.textproto
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
#include "services/consistency/consistency_config.h"
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
  int aggregation_deadline_ms = static_cast<int>(options.aggregation_deadline.count());
  std::string consistency_config;
  app.add_option("--listen", options.listen, "HOST:PORT to serve on; port 0 picks one")
      ->capture_default_str();
  app.add_option("--data", options.data_dir, "the RocksDB folder (created if absent)")
      ->capture_default_str();
  app.add_option("--scoring", options.scoring_address,
                 "HOST:PORT of budget-scoring; without it packages are stored as "
                 "SCORING_PENDING");
  app.add_option("--aggregation", options.aggregation_address,
                 "HOST:PORT of budget-aggregation; every stored version (and its score, once "
                 "scored) is delivered there from the outbox, retried while it is down. "
                 "Without it nothing is delivered");
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
  app.add_option("--aggregation-deadline-ms", aggregation_deadline_ms,
                 "how long an ApplyEvaluation call may take before it is retried")
      ->capture_default_str()
      ->check(CLI::Range(1, 600000));
  app.add_option("--consistency-config", consistency_config,
                 "the package rules' severities, tolerances and blocking per region: a "
                 "budgetperf.v1.ConsistencyConfig as textproto or JSON (default: the rule "
                 "catalogue's defaults, nothing blocking)")
      ->check(CLI::ExistingFile);
  budgetperf::auth::ServerAuthFlags auth_flags("budget-ingestion");
  auth_flags.Register(app, /*can_keep_tokens=*/true);
  CLI11_PARSE(app, argc, argv);
  // Bureaus' units are placed by the divisions this server keeps. The guard
  // exists before the server (Apply also sets the credentials its clients
  // use), which is opened, then set here, then serves: the lookup always
  // finds it.
  budgetperf::ingestion::IngestionServer* opened = nullptr;
  budgetperf::auth::ScopeLookups lookups;
  lookups.unit_division = [&opened](absl::string_view uscc, int32_t year) {
    return budgetperf::ingestion::LatestDivisionOf(opened->store(), uscc, year);
  };
  if (absl::Status s = auth_flags.Apply(std::move(lookups)); !s.ok()) {
    std::cerr << "budget-ingestion: " << s.message() << "\n";
    return EXIT_FAILURE;
  }
  options.scoring_deadline = std::chrono::milliseconds(scoring_deadline_ms);
  options.aggregation_deadline = std::chrono::milliseconds(aggregation_deadline_ms);
  if (!consistency_config.empty()) {
    absl::StatusOr<budgetperf::ConsistencyConfig> config =
        budgetperf::ConsistencyConfig::FromFile(consistency_config);
    if (!config.ok()) {
      std::cerr << "budget-ingestion: " << config.status().message() << "\n";
      return EXIT_FAILURE;
    }
    options.consistency = *std::move(config);
  }

  absl::StatusOr<std::unique_ptr<budgetperf::ingestion::IngestionServer>> server =
      budgetperf::ingestion::IngestionServer::Open(std::move(options));
  if (!server.ok()) {
    std::cerr << "budget-ingestion: " << server.status().message() << "\n";
    return EXIT_FAILURE;
  }
  opened = server->get();
  if (absl::Status s = (*server)->Serve(); !s.ok()) {
    std::cerr << "budget-ingestion: " << s.message() << "\n";
    return EXIT_FAILURE;
  }
  std::cout << "listening on " << (*server)->address() << std::endl;

  budgetperf::WaitForShutdownSignal();
  (*server)->Shutdown();
  return EXIT_SUCCESS;
}
