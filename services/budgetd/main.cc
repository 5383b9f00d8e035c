// budgetd: the whole suite in one process — ingestion, scoring and
// aggregation on one port, with one data folder. The embedded default for a
// single machine; the separate binaries are for a real deployment.
//
//   budgetd --listen=127.0.0.1:7100 --data=./data
//   budgetd --listen=0.0.0.0:7100 --data=/var/lib/budgetperf
//       --tls-cert=server.pem --tls-key=server.key
//       --auth-store=/var/lib/budgetperf/auth --bootstrap-admin-token-file=admin.token
//
// Takes the access-control and TLS flags of the separate binaries
// (common/auth/server_auth_flags.h); with --auth-store it keeps the tokens and
// serves AuthService itself, and bureaus' scope comes from its own org tree.
//
// Prints "listening on HOST:PORT" once serving and exits 0 on SIGTERM or
// SIGINT after finishing the calls in flight.

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/strings/string_view.h"
#include "common/auth/server_auth_flags.h"
#include "common/server/grpc_server.h"
#include "services/budgetd/budgetd_server.h"

int main(int argc, char** argv) {
  budgetperf::BlockShutdownSignals();
  CLI::App app{"budgetd: ingestion, scoring and aggregation in one process, on one port"};
  budgetperf::BudgetdServer::Options options;
  options.listen = "127.0.0.1:7100";
  std::string profiles_file, consistency_file;
  app.add_option("--listen", options.listen, "HOST:PORT to serve on; port 0 picks one")
      ->capture_default_str();
  app.add_option("--data", options.data_dir,
                 "the data folder (ingestion/ and aggregation/ RocksDB folders under it)")
      ->capture_default_str();
  app.add_option("--profiles", profiles_file,
                 "scoring profiles (ScoringProfiles, textproto or JSON); national-2020 is built in");
  app.add_option("--consistency-config", consistency_file,
                 "package-rule severities, tolerances and blocking per region "
                 "(ConsistencyConfig, textproto or JSON)");
  app.add_flag("--durable,!--no-durable", options.durable,
               "fsync every acknowledged write (on by default)");
  app.add_option("--workers", options.worker_threads, "threads running the calls")
      ->capture_default_str();
  app.add_option("--max-message-bytes", options.max_message_bytes,
                 "largest request or reply accepted")
      ->capture_default_str()
      ->check(CLI::Range(1024, 1 << 30));
  budgetperf::auth::ServerAuthFlags auth_flags("budgetd");
  auth_flags.Register(app, /*can_keep_tokens=*/true);
  CLI11_PARSE(app, argc, argv);
  // Bureaus are placed by budgetd's own tree and filings. The guard exists
  // before the server (Apply also sets the process's credentials), which is
  // opened, then set here, then serves: the lookups always find it.
  budgetperf::BudgetdServer* opened = nullptr;
  budgetperf::auth::ScopeLookups lookups;
  lookups.node_path = [&opened](absl::string_view code, int32_t year) {
    return budgetperf::NodePathOf(opened->aggregator(), code, year);
  };
  lookups.unit_division = [&opened](absl::string_view uscc, int32_t year) {
    return budgetperf::ingestion::LatestDivisionOf(opened->ingestion_store(), uscc, year);
  };
  if (absl::Status s = auth_flags.Apply(std::move(lookups)); !s.ok()) {
    std::cerr << "budgetd: " << s.message() << "\n";
    return EXIT_FAILURE;
  }

  if (!profiles_file.empty()) {
    auto profiles = budgetperf::ProfileRegistry::FromFile(profiles_file);
    if (!profiles.ok()) {
      std::cerr << "budgetd: --profiles: " << profiles.status().message() << "\n";
      return EXIT_FAILURE;
    }
    options.profiles = *std::move(profiles);
  }
  if (!consistency_file.empty()) {
    auto config = budgetperf::ConsistencyConfig::FromFile(consistency_file);
    if (!config.ok()) {
      std::cerr << "budgetd: --consistency-config: " << config.status().message() << "\n";
      return EXIT_FAILURE;
    }
    options.consistency = *std::move(config);
  }
  auto server = budgetperf::BudgetdServer::Open(std::move(options));
  if (!server.ok()) {
    std::cerr << "budgetd: " << server.status().message() << "\n";
    return EXIT_FAILURE;
  }
  opened = server->get();
  if (absl::Status s = (*server)->Serve(); !s.ok()) {
    std::cerr << "budgetd: " << s.message() << "\n";
    return EXIT_FAILURE;
  }
  std::cout << "listening on " << (*server)->address() << std::endl;
  budgetperf::WaitForShutdownSignal();
  (*server)->Shutdown();
  return EXIT_SUCCESS;
}
