// Micro-benchmarks of the per-package hot paths: reading a package (JSON and
// binary), parsing indicator values, scoring. Run:
//   build/bin/budget-microbench --benchmark_min_time=0.5
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "common/indicator/indicator_value.h"
#include "common/money/money.h"
#include "common/package/package_json.h"
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

void BM_ParsePackageJson(benchmark::State& state) {
  const std::string json = PackageToJson(Packages()[3], /*pretty=*/false);
  for (auto _ : state) {
    auto package = ParsePackageJson(json);
    benchmark::DoNotOptimize(package);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
}
BENCHMARK(BM_ParsePackageJson);

void BM_PrintPackageJson(benchmark::State& state) {
  for (auto _ : state) {
    std::string json = PackageToJson(Packages()[3], /*pretty=*/false);
    benchmark::DoNotOptimize(json);
  }
}
BENCHMARK(BM_PrintPackageJson);

void BM_ParsePackageBinary(benchmark::State& state) {
  const std::string bytes = Packages()[3].SerializeAsString();
  for (auto _ : state) {
    v1::EvaluationPackage package;
    benchmark::DoNotOptimize(package.ParseFromString(bytes));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_ParsePackageBinary);

void BM_SerializePackageBinary(benchmark::State& state) {
  for (auto _ : state) {
    std::string bytes = Packages()[3].SerializeAsString();
    benchmark::DoNotOptimize(bytes);
  }
}
BENCHMARK(BM_SerializePackageBinary);

void BM_ParseIndicatorValue(benchmark::State& state) {
  const std::vector<std::string> texts = {"2600户", "≥95%", "≤765万元", "916.60万元", "2023年度",
                                          "达成预期指标", "/", "＞90%"};
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParseIndicatorValue(texts[i++ % texts.size()]));
  }
}
BENCHMARK(BM_ParseIndicatorValue);

// Texts never seen before: ParseIndicatorValue remembers the last few
// hundred it read on each thread, which BM_ParseIndicatorValue measures.
void BM_ParseIndicatorValueUnseen(benchmark::State& state) {
  const std::vector<std::string> units = {"户", "%", "万元", "天", "人次", "个"};
  std::vector<std::string> texts;
  for (int i = 0; i < 4096; ++i) texts.push_back(absl::StrCat("≥", 1000 + i, units[i % 6]));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParseIndicatorValue(texts[i++ % texts.size()]));
  }
}
BENCHMARK(BM_ParseIndicatorValueUnseen);

void BM_ParseWanYuan(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(ParseWanYuan("385.37"));
}
BENCHMARK(BM_ParseWanYuan);

void BM_ScorePackage(benchmark::State& state) {
  const v1::ScoringProfile profile = NationalProfile2020();
  size_t i = 0;
  for (auto _ : state) {
    auto card = ScorePackage(Packages()[i++ % Packages().size()], profile);
    benchmark::DoNotOptimize(card);
  }
}
BENCHMARK(BM_ScorePackage);

}  // namespace
}  // namespace budgetperf

BENCHMARK_MAIN();
