#include "tools/budgetctl/score_commands.h"

#include <iostream>
#include <memory>
#include <string>

#include "budgetperf/v1/scoring.grpc.pb.h"
#include "common/package/package_json.h"
#include "services/scoring/scorecard_text.h"

namespace budgetperf {
namespace budgetctl {
namespace {

struct ScoreArgs {
  std::string file;
  std::string profile;
};

int RunScore(const GlobalOptions& options, const ScoreArgs& args) {
  absl::StatusOr<v1::EvaluationPackage> package = LoadPackageJsonFile(args.file);
  if (!package.ok()) {
    std::cerr << "budgetctl: " << package.status().message() << "\n";
    return kExitFailure;
  }
  v1::ScoreRequest request;
  *request.mutable_package() = *std::move(package);
  request.set_profile(args.profile);
  auto stub = v1::ScoringService::NewStub(MakeChannel(options.scoring_address()));
  auto context = MakeContext(options);
  v1::ScoreResponse response;
  grpc::Status status = stub->Score(context.get(), request, &response);
  if (!status.ok()) return ReportRpcError(options.scoring_address(), status);
  std::cout << (options.json ? ToJson(response) : FormatScoreCard(response.scorecard()));
  return kExitOk;
}

}  // namespace

void AddScoreCommands(CLI::App& app, const GlobalOptions& options, int* exit_code) {
  auto args = std::make_shared<ScoreArgs>();
  CLI::App* score = app.add_subcommand(
      "score", "score a package file at --scoring without storing it; prints the scorecard");
  score->add_option("FILE", args->file, "the package (protobuf JSON)")->required();
  score->add_option("--profile", args->profile,
                    "the rule profile (default: the scoring server's, national-2020)");
  score->callback([&options, exit_code, args] { *exit_code = RunScore(options, *args); });
}

}  // namespace budgetctl
}  // namespace budgetperf
