// budget-scoring: serves budgetperf.v1.ScoringService.
//
//   budget-scoring --listen=127.0.0.1:7102 --profiles=/etc/budgetperf/profiles.json
//
// Prints "listening on HOST:PORT" once serving (the bound port when asked
// for port 0) and exits 0 on SIGTERM or SIGINT after finishing the calls in
// flight.

#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>

#include "CLI/CLI.hpp"
#include "common/auth/server_auth_flags.h"
#include "common/server/grpc_server.h"
#include "services/scoring/profile_registry.h"
#include "services/scoring/scoring_server.h"

int main(int argc, char** argv) {
  // Before any thread exists, so that every thread inherits the mask and the
  // signals reach WaitForShutdownSignal.
  budgetperf::BlockShutdownSignals();

  CLI::App app{"budget-scoring: re-scores self-evaluation packages "
               "(budgetperf.v1.ScoringService)"};
  std::string listen = "127.0.0.1:7102";
  std::string profiles_file;
  int max_message_bytes = budgetperf::kDefaultMaxMessageBytes;
  app.add_option("--listen", listen, "HOST:PORT to serve on; port 0 picks one")
      ->capture_default_str();
  app.add_option("--profiles", profiles_file,
                 "ScoringProfiles file (textproto or JSON); national-2020 is "
                 "always built in");
  app.add_option("--max-message-bytes", max_message_bytes,
                 "largest request or reply accepted")
      ->capture_default_str()
      ->check(CLI::Range(1024, 1 << 30));
  budgetperf::auth::ServerAuthFlags auth_flags("budget-scoring");
  auth_flags.Register(app, /*can_keep_tokens=*/false);
  CLI11_PARSE(app, argc, argv);
  if (absl::Status s = auth_flags.Apply(); !s.ok()) {
    std::cerr << "budget-scoring: " << s.message() << "\n";
    return EXIT_FAILURE;
  }

  budgetperf::ScoringServer::Options options;
  options.listen = listen;
  options.max_message_bytes = max_message_bytes;
  if (!profiles_file.empty()) {
    absl::StatusOr<budgetperf::ProfileRegistry> registry =
        budgetperf::ProfileRegistry::FromFile(profiles_file);
    if (!registry.ok()) {
      std::cerr << "budget-scoring: " << registry.status().message() << "\n";
      return EXIT_FAILURE;
    }
    options.profiles = *std::move(registry);
  }

  absl::StatusOr<std::unique_ptr<budgetperf::ScoringServer>> server =
      budgetperf::ScoringServer::Start(std::move(options));
  if (!server.ok()) {
    std::cerr << "budget-scoring: " << server.status().message() << "\n";
    return EXIT_FAILURE;
  }
  std::cout << "listening on " << (*server)->address() << std::endl;

  budgetperf::WaitForShutdownSignal();
  (*server)->Shutdown();
  return EXIT_SUCCESS;
}
