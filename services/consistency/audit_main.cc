// budget-audit: one run of the cross-unit and cross-year consistency audit of
// a subtree of the organisation tree, for cron or a Kubernetes CronJob.
//
//   budget-audit --ingestion=127.0.0.1:7101 --aggregation=127.0.0.1:7103
//       --node=430602 --year=2023 [--csv=FILE] [--config=FILE] [--timeout=60]
//
// Reads the tree from aggregation and the packages of the year and the year
// before from ingestion, runs the rules, records each unit's findings in
// aggregation (so that dashboards count them per node), writes --csv, and
// prints a summary on stdout.
//
// With access control on, it runs as a bureau bound to --node (or an admin):
// --token, --token-file or BUDGETPERF_TOKEN; --tls-ca (and --tls-cert,
// --tls-key for mutual TLS) reach servers that speak TLS.
//
// Exit codes: 0 no error-severity finding; 1 error-severity findings (found,
// recorded and written: a result, not a failure); 2 the audit failed (bad
// flags or config, a service unreachable or refusing, the CSV not written).

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "common/auth/client.h"
#include "common/server/server_security.h"
#include "services/consistency/audit_job.h"
#include "services/consistency/audit_report.h"

namespace {

constexpr int kExitClean = 0;
constexpr int kExitErrors = 1;
constexpr int kExitFailed = 2;

// Writes `text` to `path` whole, or says why not.
bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "budget-audit: the cross-unit and cross-year consistency audit of a "
      "node's "
      "subtree; records its findings in aggregation"};
  app.footer(
      "Exit codes: 0 no error-severity finding; 1 error-severity findings "
      "(recorded);\n"
      "2 the audit failed (bad flags or config, a service unreachable, CSV not "
      "written).");
  budgetperf::AuditJobOptions options;
  std::string csv_path;
  std::string config_path;
  int timeout_seconds = 60;
  app.add_option("--ingestion", options.ingestion,
                 "HOST:PORT of budget-ingestion")
      ->required();
  app.add_option("--aggregation", options.aggregation,
                 "HOST:PORT of budget-aggregation")
      ->required();
  app.add_option(
         "--node", options.node,
         "code of the subtree's root in the organisation tree, e.g. 430602")
      ->required();
  app.add_option("--year", options.year,
                 "the year audited (compared with the year before)")
      ->required()
      ->check(CLI::Range(1901, 9999));
  app.add_option(
      "--csv", csv_path,
      "also write the findings to FILE as CSV (unit, rule_id, severity, field, "
      "value_found, expected, difference, message)");
  app.add_option(
         "--config", config_path,
         "the rules' severities, tolerances and enabling per region: a "
         "budgetperf.v1.ConsistencyConfig as textproto or JSON (default: the "
         "catalogue's)")
      ->check(CLI::ExistingFile);
  app.add_option("--timeout", timeout_seconds,
                 "seconds each call may take (a listing's stream as a whole)")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  std::string token, token_file, tls_ca, tls_cert, tls_key;
  app.add_option("--token", token,
                 "bearer token of a bureau bound to --node's subtree, or of an admin "
                 "(also --token-file, or the BUDGETPERF_TOKEN environment variable)");
  app.add_option("--token-file", token_file, "file holding the token (first line)");
  app.add_option("--tls-ca", tls_ca, "PEM CA the servers' certificates are checked against (TLS)");
  app.add_option("--tls-cert", tls_cert, "PEM client certificate, for mutual TLS (with --tls-key)");
  app.add_option("--tls-key", tls_key, "PEM private key of --tls-cert");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints usage or the error
    return code == 0 ? kExitClean : kExitFailed;
  }
  options.timeout = absl::Seconds(timeout_seconds);
  absl::StatusOr<std::string> resolved =
      budgetperf::auth::ResolveToken(token, token_file, "BUDGETPERF_TOKEN");
  if (!resolved.ok()) {
    std::cerr << "budget-audit: " << resolved.status().message() << "\n";
    return kExitFailed;
  }
  // The job's channels take the process's credentials and token.
  if (!resolved->empty()) budgetperf::auth::InstallProcessToken(*resolved);
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      budgetperf::auth::MakeChannelCredentials(tls_ca, tls_cert, tls_key);
  if (!credentials.ok()) {
    std::cerr << "budget-audit: " << credentials.status().message() << "\n";
    return kExitFailed;
  }
  budgetperf::SetDefaultChannelCredentials(*std::move(credentials));

  budgetperf::ConsistencyConfig config;
  if (!config_path.empty()) {
    absl::StatusOr<budgetperf::ConsistencyConfig> loaded =
        budgetperf::ConsistencyConfig::FromFile(config_path);
    if (!loaded.ok()) {
      std::cerr << "budget-audit: " << loaded.status().message() << "\n";
      return kExitFailed;
    }
    config = *std::move(loaded);
  }

  budgetperf::AuditJob job(options, config);
  absl::StatusOr<budgetperf::AuditRun> run = job.Audit();
  if (!run.ok()) {
    std::cerr << "budget-audit: " << run.status() << "\n";
    return kExitFailed;
  }
  const absl::Status recorded = job.Record(&*run);
  bool failed = !recorded.ok();
  if (failed) std::cerr << "budget-audit: " << recorded << "\n";
  if (!csv_path.empty() &&
      !WriteFile(csv_path, budgetperf::FindingsCsv(run->findings))) {
    std::cerr << "budget-audit: cannot write " << csv_path << "\n";
    failed = true;
  }

  const budgetperf::v1::FindingCounts& stored = run->package_findings;
  std::cout << "budget-audit: " << run->node.code() << " " << run->node.name()
            << ", " << run->year << ": " << run->packages
            << " packages audited (tree: " << run->tree_departments
            << " departments, " << run->tree_units << " units; "
            << run->prior_packages << " packages of " << run->year - 1
            << " to compare with; " << run->unscored << " not scored yet)\n"
            << "package rules stored with the filings: " << stored.error()
            << " 错误, " << stored.warning() << " 警告, "
            << stored.needs_explanation() << " 需说明\n"
            << "cross-unit and cross-year findings: " << run->findings.size()
            << "\n\n"
            << budgetperf::FindingsSummary(
                   run->findings, budgetperf::RuleCatalogue::Default(), 10);
  if (recorded.ok()) {
    std::cout << "\nrecorded in aggregation for " << run->recorded_units
              << " units";
    if (!run->unrecorded_units.empty()) {
      std::cout << "; not known to aggregation in " << run->year
                << ", not recorded:";
      for (const std::string& uscc : run->unrecorded_units)
        std::cout << " " << uscc;
    }
    std::cout << "\n";
  }
  if (!csv_path.empty() && !failed)
    std::cout << "CSV written to " << csv_path << "\n";
  std::cout.flush();
  if (failed) return kExitFailed;
  return run->HasErrors() ? kExitErrors : kExitClean;
}
