#include "tools/budgetctl/submit_commands.h"

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "budgetperf/v1/ingestion.grpc.pb.h"
#include "common/package/package_json.h"
#include "common/server/grpc_status.h"
#include "services/ingestion/validation_errors.h"
#include "tools/budgetctl/evaluation_text.h"

namespace budgetperf {
namespace budgetctl {
namespace {

struct SubmitArgs {
  std::string file;
  std::string idempotency_key;
};

struct UnitYearArgs {
  std::string uscc;
  int year = 0;
  int version = 0;  // 0: the latest
};

int RunSubmit(const GlobalOptions& options, const SubmitArgs& args) {
  absl::StatusOr<v1::EvaluationPackage> package = LoadPackageJsonFile(args.file);
  if (!package.ok()) {
    std::cerr << "budgetctl: " << package.status().message() << "\n";
    return kExitFailure;
  }
  v1::SubmitRequest request;
  *request.mutable_package() = *std::move(package);
  request.set_idempotency_key(args.idempotency_key);

  auto stub = v1::IngestionService::NewStub(MakeChannel(options.server));
  auto context = MakeContext(options);
  v1::SubmitResponse response;
  grpc::Status status = stub->Submit(context.get(), request, &response);
  if (!status.ok()) {
    if (std::optional<v1::ValidationErrors> errors =
            ingestion::GetValidationErrors(FromGrpcStatus(status))) {
      std::cout << (options.json ? ToJson(*errors) : FormatViolations(*errors));
      return kExitRefused;
    }
    if (std::optional<v1::BlockingFindings> blocking =
            ingestion::GetBlockingFindings(FromGrpcStatus(status))) {
      std::cout << (options.json ? ToJson(*blocking) : FormatBlockingFindings(*blocking));
      return kExitRefused;
    }
    return ReportRpcError(options.server, status);
  }
  std::cout << (options.json ? ToJson(response) : FormatSubmitResponse(response));
  return kExitOk;
}

int RunGet(const GlobalOptions& options, const UnitYearArgs& args) {
  v1::GetEvaluationRequest request;
  request.set_uscc(args.uscc);
  request.set_year(args.year);
  if (args.version > 0) request.set_version(args.version);
  auto stub = v1::IngestionService::NewStub(MakeChannel(options.server));
  auto context = MakeContext(options);
  v1::GetEvaluationResponse response;
  grpc::Status status = stub->GetEvaluation(context.get(), request, &response);
  if (!status.ok()) return ReportRpcError(options.server, status);
  std::cout << (options.json ? ToJson(response) : FormatEvaluation(response));
  return kExitOk;
}

int RunHistory(const GlobalOptions& options, const UnitYearArgs& args) {
  v1::ListVersionsRequest request;
  request.set_uscc(args.uscc);
  request.set_year(args.year);
  auto stub = v1::IngestionService::NewStub(MakeChannel(options.server));
  auto context = MakeContext(options);
  v1::ListVersionsResponse response;
  grpc::Status status = stub->ListVersions(context.get(), request, &response);
  if (!status.ok()) return ReportRpcError(options.server, status);
  std::cout << (options.json ? ToJson(response) : FormatHistory(response));
  return kExitOk;
}

void AddUnitYear(CLI::App* command, UnitYearArgs* args) {
  command->add_option("USCC", args->uscc, "the unit's 统一社会信用代码")->required();
  command->add_option("YEAR", args->year, "the year (年度), e.g. 2023")->required();
}

}  // namespace

void AddSubmitCommands(CLI::App& app, const GlobalOptions& options, int* exit_code) {
  // Owned by the callbacks, which live as long as the app.
  auto submit_args = std::make_shared<SubmitArgs>();
  CLI::App* submit = app.add_subcommand(
      "submit",
      "file a package (protobuf JSON of budgetperf.v1.EvaluationPackage); prints the version "
      "stored, its status, its consistency findings and warnings, or (exit 1) every violation "
      "if it is refused, or the blocking findings if its region's config refuses it");
  submit->add_option("FILE", submit_args->file, "the package, e.g. tests/data/seed-2023.json")
      ->required();
  submit->add_option("--idempotency-key", submit_args->idempotency_key,
                     "makes retries safe: the same key and package return the first answer");
  submit->callback(
      [&options, exit_code, submit_args] { *exit_code = RunSubmit(options, *submit_args); });

  auto get_args = std::make_shared<UnitYearArgs>();
  CLI::App* get = app.add_subcommand(
      "get",
      "show a stored version (the latest by default): amounts in 万元, consistency findings, "
      "warnings, scorecard");
  AddUnitYear(get, get_args.get());
  get->add_option("--version", get_args->version, "the version to show (default: latest)")
      ->check(CLI::PositiveNumber);
  get->callback([&options, exit_code, get_args] { *exit_code = RunGet(options, *get_args); });

  auto history_args = std::make_shared<UnitYearArgs>();
  CLI::App* history =
      app.add_subcommand("history", "list every version of a unit's package for a year");
  AddUnitYear(history, history_args.get());
  history->callback(
      [&options, exit_code, history_args] { *exit_code = RunHistory(options, *history_args); });
}

}  // namespace budgetctl
}  // namespace budgetperf
