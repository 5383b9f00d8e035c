#include "services/aggregation/query_cache.h"

#include <memory>

#include "gtest/gtest.h"

namespace budgetperf {
namespace {

std::shared_ptr<const v1::Rollup> MakeRollup(const std::string& code, int32_t year) {
  auto rollup = std::make_shared<v1::Rollup>();
  rollup->set_node_code(code);
  rollup->set_year(year);
  return rollup;
}

TEST(QueryCacheTest, AReadOlderThanAnInvalidationIsNotKept) {
  QueryCache cache;
  const uint64_t before = cache.epoch();
  cache.Invalidate({{"430602", 2023}});  // a commit landed while the read ran
  cache.PutRollup(before, MakeRollup("430602", 2023));
  EXPECT_EQ(cache.FindRollup("430602", 2023), nullptr);
  cache.PutRollup(cache.epoch(), MakeRollup("430602", 2023));
  EXPECT_NE(cache.FindRollup("430602", 2023), nullptr);
}

TEST(QueryCacheTest, InvalidateDropsTheNodesRollupsAndDrilldowns) {
  QueryCache cache;
  auto children = std::make_shared<QueryCache::Children>();
  children->node = MakeRollup("D1", 2023);
  children->rows.push_back(MakeRollup("U1", 2023));
  cache.PutRollup(cache.epoch(), MakeRollup("D1", 2023));
  cache.PutRollup(cache.epoch(), MakeRollup("D1", 2022));
  cache.PutChildren(cache.epoch(), "D1", 2023, "q", children);
  cache.PutChildren(cache.epoch(), "D2", 2023, "q", children);
  EXPECT_NE(cache.FindChildren("D1", 2023, "q"), nullptr);
  EXPECT_EQ(cache.FindChildren("D1", 2023, "other query"), nullptr);

  cache.Invalidate({{"D1", 2023}});
  EXPECT_EQ(cache.FindRollup("D1", 2023), nullptr);
  EXPECT_EQ(cache.FindChildren("D1", 2023, "q"), nullptr);
  EXPECT_NE(cache.FindRollup("D1", 2022), nullptr);  // another year
  EXPECT_NE(cache.FindChildren("D2", 2023, "q"), nullptr);
  cache.Clear();
  EXPECT_EQ(cache.rollup_count(), 0u);
  EXPECT_EQ(cache.children_count(), 0u);
}

TEST(QueryCacheTest, StaysWithinItsBounds) {
  QueryCache::Limits limits;
  limits.max_rollups = 3;
  limits.max_children_rows = 2;
  QueryCache cache(limits);
  for (int i = 0; i < 10; ++i) cache.PutRollup(cache.epoch(), MakeRollup("N", 2000 + i));
  EXPECT_LE(cache.rollup_count(), 3u);
  auto one = std::make_shared<QueryCache::Children>();
  one->rows.push_back(MakeRollup("U", 2023));
  for (int i = 0; i < 5; ++i) cache.PutChildren(cache.epoch(), "N", 2000 + i, "q", one);
  EXPECT_LE(cache.children_count(), 2u);
}

TEST(QueryCacheTest, DrilldownKeyIgnoresPagingOnly) {
  v1::DrilldownRequest a;
  a.set_sort_by("funds.executed_fen");
  a.set_descending(true);
  v1::DrilldownRequest b = a;
  b.set_page_size(7);
  b.set_page_token("14");
  EXPECT_EQ(DrilldownQueryKey(a), DrilldownQueryKey(b));
  b.set_descending(false);
  EXPECT_NE(DrilldownQueryKey(a), DrilldownQueryKey(b));
  v1::DrilldownRequest c = a;
  c.add_filters()->mutable_range()->set_measure("units.filed");
  EXPECT_NE(DrilldownQueryKey(a), DrilldownQueryKey(c));
}

}  // namespace
}  // namespace budgetperf
