// Micro-benchmarks of aggregation's hot paths: key encoding, the rollup
// arithmetic, an apply (read-modify-write of every ancestor, one write
// batch), and the dashboard's two queries, cached and not. Run:
//   build/bin/budget-microbench --benchmark_filter=Aggregation --benchmark_min_time=0.5
// The store is a RocksDB folder in $TMPDIR without fsync: the figures are
// the CPU cost of the logic, not of the disk.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "services/aggregation/aggregation_keys.h"
#include "services/aggregation/aggregation_test_util.h"
#include "services/aggregation/aggregator.h"
#include "services/aggregation/measures.h"
#include "tests/testing/temp_dir.h"

namespace budgetperf {
namespace {

namespace keys = aggregation_keys;
using aggregation_testing::Figures;
using aggregation_testing::MakeApply;
using aggregation_testing::MakePackage;
using aggregation_testing::MakeScore;
using aggregation_testing::MakeUscc;
using aggregation_testing::Node;

constexpr char kDistrict[] = "430602";

void BM_AggregationKeyCodeYear(benchmark::State& state) {
  const std::string uscc = MakeUscc(kDistrict, 1234);
  for (auto _ : state) {
    std::string key = keys::CodeYearKey(uscc, 2023);
    benchmark::DoNotOptimize(key);
  }
}
BENCHMARK(BM_AggregationKeyCodeYear);

void BM_AggregationKeyScoreIndex(benchmark::State& state) {
  const std::string uscc = MakeUscc(kDistrict, 1234);
  for (auto _ : state) {
    std::string key = keys::ScoreIndexKey(kDistrict, 2023, keys::kComputedScore, 9250, uscc);
    benchmark::DoNotOptimize(key);
  }
}
BENCHMARK(BM_AggregationKeyScoreIndex);

void BM_AggregationKeyInt32RoundTrip(benchmark::State& state) {
  int32_t value = -5000;
  for (auto _ : state) {
    const std::string bytes = keys::EncodeInt32(value);
    value = keys::DecodeInt32(bytes) + 1;
    benchmark::DoNotOptimize(value);
  }
}
BENCHMARK(BM_AggregationKeyInt32RoundTrip);

v1::RollupMeasures UnitFigures() {
  const v1::ScoreCardSummary score = MakeScore(9000, v1::GRADE_EXCELLENT, 9300, v1::GRADE_EXCELLENT);
  return FiguresOfPackage(MakePackage(MakeUscc(kDistrict, 1), 2023, Figures()), &score);
}

void BM_AggregationAddSums(benchmark::State& state) {
  const v1::RollupMeasures unit = UnitFigures();
  v1::RollupMeasures total;
  for (auto _ : state) {
    benchmark::DoNotOptimize(AddSums(&total, unit, +1).ok());
  }
}
BENCHMARK(BM_AggregationAddSums);

void BM_AggregationFillDerived(benchmark::State& state) {
  v1::RollupMeasures total = UnitFigures();
  for (auto _ : state) {
    ClearDerived(&total);
    FillDerived(&total, 200);
    benchmark::DoNotOptimize(total);
  }
}
BENCHMARK(BM_AggregationFillDerived);

// A district of `departments` × `units_per_department` units, each filed
// once.
class District {
 public:
  District(int departments, int units_per_department) {
    dir_ = std::make_unique<testutil::TempDir>(*testutil::TempDir::Create("aggregation-bench"));
    Aggregator::Options options;
    options.data_dir = dir_->Join("db");
    options.durable = false;
    aggregator_ = *Aggregator::Open(options);
    v1::UpsertNodesRequest upsert;
    *upsert.add_nodes() = Node(kDistrict, v1::NODE_KIND_DISTRICT, "");
    int serial = 0;
    for (int d = 0; d < departments; ++d) {
      const std::string department = absl::StrCat(kDistrict, "-D", d);
      *upsert.add_nodes() = Node(department, v1::NODE_KIND_DEPARTMENT, kDistrict);
      for (int u = 0; u < units_per_department; ++u) {
        units_.push_back(MakeUscc(kDistrict, ++serial));
        *upsert.add_nodes() = Node(units_.back(), v1::NODE_KIND_UNIT, department);
      }
    }
    (void)aggregator_->UpsertNodes(upsert);
    for (size_t i = 0; i < units_.size(); ++i) Apply(i, 1);
  }

  // Files version `version` of unit `i`, its figures moved by i and version.
  void Apply(size_t i, int32_t version) {
    (void)aggregator_->ApplyEvaluation(Request(i, version));
  }

  // The delivery Apply makes.
  v1::ApplyEvaluationRequest Request(size_t i, int32_t version) const {
    Figures f;
    f.executed_fen = 50'000'000 + static_cast<int64_t>(i) * 1000 + version;
    const v1::ScoreCardSummary score =
        MakeScore(7000 + static_cast<int32_t>((i * 37 + version) % 3000), v1::GRADE_GOOD, 9000,
                  v1::GRADE_EXCELLENT);
    return MakeApply(MakePackage(units_[i], 2023, f), version, &score);
  }

  Aggregator& aggregator() { return *aggregator_; }
  size_t size() const { return units_.size(); }

 private:
  std::unique_ptr<testutil::TempDir> dir_;
  std::unique_ptr<Aggregator> aggregator_;
  std::vector<std::string> units_;
};

// A newer version of a unit: its figures out of and into the unit, its
// department and the district, the score index and extremes, one batch.
void BM_AggregationApplyNewVersion(benchmark::State& state) {
  District district(10, 50);
  int32_t version = 1;
  size_t i = 0;
  for (auto _ : state) {
    if (i == 0) ++version;
    district.Apply(i, version);
    i = (i + 1) % district.size();
  }
}
BENCHMARK(BM_AggregationApplyNewVersion)->Unit(benchmark::kMicrosecond);

// The same newer versions, state.range(0) per ApplyBatch (what the outbox
// sends in a round: consecutive units, so they share departments and the
// district). Compare items_per_second with BM_AggregationApplyNewVersion's
// 1/time: the cost per version.
void BM_AggregationApplyBatchNewVersions(benchmark::State& state) {
  District district(10, 50);
  const size_t batch = static_cast<size_t>(state.range(0));
  int32_t version = 1;
  size_t i = 0;
  std::vector<v1::ApplyEvaluationRequest> requests;
  std::vector<const v1::ApplyEvaluationRequest*> items;
  for (auto _ : state) {
    requests.clear();
    for (size_t n = 0; n < batch; ++n) {
      if (i == 0) ++version;
      requests.push_back(district.Request(i, version));
      i = (i + 1) % district.size();
    }
    items.clear();
    for (const v1::ApplyEvaluationRequest& r : requests) items.push_back(&r);
    auto results = district.aggregator().ApplyBatch(items);
    benchmark::DoNotOptimize(results);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_AggregationApplyBatchNewVersions)
    ->Arg(16)
    ->Arg(256)
    ->Unit(benchmark::kMicrosecond);

void BM_AggregationGetRollupCached(benchmark::State& state) {
  District district(10, 50);
  v1::GetRollupRequest request;
  request.set_node_code(kDistrict);
  request.set_year(2023);
  for (auto _ : state) {
    auto response = district.aggregator().GetRollup(request);
    benchmark::DoNotOptimize(response);
  }
}
BENCHMARK(BM_AggregationGetRollupCached);

// The first page of the district's departments sorted by a measure; with
// `invalidate`, an apply before each call drops the cached order, so the
// call reads, decorates and sorts every child again.
void BM_AggregationDrilldownFirstPage(benchmark::State& state) {
  const bool invalidate = state.range(1) != 0;
  District district(static_cast<int>(state.range(0)), 5);
  v1::DrilldownRequest request;
  request.set_node_code(kDistrict);
  request.set_year(2023);
  request.set_sort_by("funds.executed_fen");
  request.set_descending(true);
  request.set_page_size(20);
  int32_t version = 1;
  for (auto _ : state) {
    if (invalidate) {
      state.PauseTiming();
      district.Apply(0, ++version);
      state.ResumeTiming();
    }
    auto response = district.aggregator().Drilldown(request);
    benchmark::DoNotOptimize(response);
  }
}
BENCHMARK(BM_AggregationDrilldownFirstPage)
    ->ArgNames({"children", "invalidated"})
    ->Args({100, 0})
    ->Args({100, 1})
    ->Args({1000, 1})
    ->Unit(benchmark::kMicrosecond);

// What a cached Drilldown page still costs on the wire: the reply of 20
// children serialised (server) and parsed (client). The echo baseline sends
// the same number of bytes as one string.
v1::DrilldownResponse DrilldownPage() {
  District district(100, 5);
  v1::DrilldownRequest request;
  request.set_node_code(kDistrict);
  request.set_year(2023);
  request.set_sort_by("funds.executed_fen");
  request.set_descending(true);
  request.set_page_size(20);
  return *district.aggregator().Drilldown(request);
}

void BM_AggregationDrilldownPageSerialize(benchmark::State& state) {
  const v1::DrilldownResponse page = DrilldownPage();
  for (auto _ : state) {
    std::string bytes = page.SerializeAsString();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * page.ByteSizeLong()));
}
BENCHMARK(BM_AggregationDrilldownPageSerialize);

void BM_AggregationDrilldownPageParse(benchmark::State& state) {
  const std::string bytes = DrilldownPage().SerializeAsString();
  for (auto _ : state) {
    v1::DrilldownResponse page;
    benchmark::DoNotOptimize(page.ParseFromString(bytes));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_AggregationDrilldownPageParse);

}  // namespace
}  // namespace budgetperf
