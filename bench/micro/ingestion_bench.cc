// Micro-benchmarks of the Submit path's steps, in process and without gRPC:
// validation, normalisation, the package consistency rules, the idempotency
// hash, the store's key encoding and write batch, and Ingestor::Submit as a
// whole (non-durable store: the CPU, not the disk). Run:
//   build/bin/budget-microbench --benchmark_filter='Validate|Check|Submit'
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "common/codes/uscc.h"
#include "services/consistency/package_checker.h"
#include "services/ingestion/ingestion_store.h"
#include "services/ingestion/ingestor.h"
#include "services/ingestion/package_validator.h"
#include "services/scoring/profile_registry.h"
#include "services/scoring/scorer.h"
#include "tools/generator/sample_generator.h"

namespace budgetperf {
namespace {

const std::vector<v1::EvaluationPackage>& Packages() {
  static const auto* packages = [] {
    auto* out = new std::vector<v1::EvaluationPackage>;
    SampleGenerator generator(1);
    for (const SampleUnit& unit : generator.District("430602", "岳阳楼区", 8, 56).units) {
      out->push_back(generator.Package(unit, 2023));
    }
    return out;
  }();
  return *packages;
}

// A valid, distinct USCC for the n-th benchmark unit.
std::string BenchUscc(uint64_t n) {
  std::string body = "12430602";
  for (int i = 0; i < 9; ++i) {
    body.push_back(kUsccCharset[n % kUsccCharset.size()]);
    n /= kUsccCharset.size();
  }
  return body + *UsccCheckCharacter(body);
}

// A fresh store folder, removed with the object.
class TempStore {
 public:
  TempStore() {
    path_ = std::filesystem::temp_directory_path() /
            ("budget-microbench-" + std::to_string(::getpid()) + "-" + std::to_string(next_++));
    ingestion::IngestionStore::Options options;
    options.path = path_.string();
    options.durable = false;
    store_ = *ingestion::IngestionStore::Open(options);
  }
  ~TempStore() {
    store_.reset();
    std::filesystem::remove_all(path_);
  }
  ingestion::IngestionStore* get() { return store_.get(); }

 private:
  static inline int next_ = 0;
  std::filesystem::path path_;
  std::unique_ptr<ingestion::IngestionStore> store_;
};

void BM_ValidatePackage(benchmark::State& state) {
  ingestion::PackageValidator validator;
  size_t i = 0;
  for (auto _ : state) {
    auto violations = validator.Validate(Packages()[i++ % Packages().size()]);
    benchmark::DoNotOptimize(violations);
  }
}
BENCHMARK(BM_ValidatePackage);

// Includes the copy Normalize works on (Submit makes the same one).
void BM_NormalizePackage(benchmark::State& state) {
  ingestion::PackageValidator validator;
  size_t i = 0;
  for (auto _ : state) {
    v1::EvaluationPackage package = Packages()[i++ % Packages().size()];
    auto warnings = validator.Normalize(&package);
    benchmark::DoNotOptimize(warnings);
  }
}
BENCHMARK(BM_NormalizePackage);

void BM_CopyPackage(benchmark::State& state) {
  size_t i = 0;
  for (auto _ : state) {
    v1::EvaluationPackage package = Packages()[i++ % Packages().size()];
    benchmark::DoNotOptimize(package);
  }
}
BENCHMARK(BM_CopyPackage);

void BM_CheckPackage(benchmark::State& state) {
  const PackageChecker checker;
  size_t i = 0;
  for (auto _ : state) {
    auto findings = checker.Check(Packages()[i++ % Packages().size()]);
    benchmark::DoNotOptimize(findings);
  }
}
BENCHMARK(BM_CheckPackage);

void BM_PackageSha256(benchmark::State& state) {
  size_t i = 0;
  for (auto _ : state) {
    auto sha = ingestion::PackageSha256(Packages()[i++ % Packages().size()]);
    benchmark::DoNotOptimize(sha);
  }
}
BENCHMARK(BM_PackageSha256);

void BM_StoreKeys(benchmark::State& state) {
  const std::string uscc = BenchUscc(7);
  int32_t version = 0;
  for (auto _ : state) {
    ++version;
    auto a = ingestion::store_keys::EvaluationKey(uscc, 2023, version);
    auto b = ingestion::store_keys::UnitYearKey(uscc, 2023);
    auto c = ingestion::store_keys::YearIndexKey(2023, "430602", uscc);
    auto d = ingestion::store_keys::OutboxKey(static_cast<uint64_t>(version));
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
    benchmark::DoNotOptimize(c);
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_StoreKeys);

// One accepted version's batch (evaluation, latest, listing, outbox) into a
// non-durable store.
void BM_CommitNewVersion(benchmark::State& state) {
  TempStore store;
  ingestion::PackageValidator validator;
  std::vector<v1::StoredEvaluation> evaluations;
  for (const v1::EvaluationPackage& package : Packages()) {
    v1::StoredEvaluation& e = evaluations.emplace_back();
    *e.mutable_package() = package;
    validator.Normalize(e.mutable_package());
    *e.mutable_findings() = {PackageChecker().Check(e.package()).begin(),
                             PackageChecker().Check(e.package()).end()};
    e.set_version(1);
  }
  uint64_t n = 0;
  for (auto _ : state) {
    ingestion::NewVersion change;
    change.evaluation = evaluations[n % evaluations.size()];
    change.evaluation.mutable_package()->mutable_unit()->set_uscc(BenchUscc(n));
    change.outbox.push_back(ingestion::MakeOutboxRecord(change.evaluation.package().unit().uscc(),
                                                        2023, 1,
                                                        ingestion::OUTBOX_DELIVER_AGGREGATION, 0));
    ++n;
    benchmark::DoNotOptimize(store.get()->CommitNewVersion(change));
  }
}
BENCHMARK(BM_CommitNewVersion);

class BenchScorer final : public ingestion::Scorer {
 public:
  absl::StatusOr<v1::ScoreCard> Score(const v1::EvaluationPackage& package) override {
    return ScorePackage(package, profile_);
  }

 private:
  const v1::ScoringProfile profile_ = NationalProfile2020();
};

// Ingestor::Submit end to end (validate, hash, normalise, check, score,
// commit with an aggregation outbox record), a new unit each call.
void BM_IngestorSubmit(benchmark::State& state) {
  TempStore store;
  BenchScorer scorer;
  ingestion::Ingestor::Options options;
  options.deliver_to_aggregation = true;
  ingestion::Ingestor ingestor(store.get(), &scorer, options);
  std::vector<v1::SubmitRequest> requests;
  for (const v1::EvaluationPackage& package : Packages()) {
    *requests.emplace_back().mutable_package() = package;
  }
  uint64_t n = 0;
  for (auto _ : state) {
    v1::SubmitRequest& request = requests[n % requests.size()];
    request.mutable_package()->mutable_unit()->set_uscc(BenchUscc(n));
    ++n;
    auto response = ingestor.Submit(request);
    if (!response.ok()) state.SkipWithError(std::string(response.status().message()).c_str());
    benchmark::DoNotOptimize(response);
  }
}
BENCHMARK(BM_IngestorSubmit);

}  // namespace
}  // namespace budgetperf
