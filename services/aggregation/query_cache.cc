#include "services/aggregation/query_cache.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace budgetperf {

uint64_t QueryCache::epoch() const {
  absl::ReaderMutexLock lock(&mu_);
  return epoch_;
}

std::shared_ptr<const v1::Rollup> QueryCache::FindRollup(absl::string_view code,
                                                         int32_t year) const {
  const Key key(std::string(code), year);
  absl::ReaderMutexLock lock(&mu_);
  auto it = rollups_.find(key);
  return it == rollups_.end() ? nullptr : it->second;
}

void QueryCache::PutRollup(uint64_t epoch, std::shared_ptr<const v1::Rollup> rollup) {
  Key key(rollup->node_code(), rollup->year());
  absl::MutexLock lock(&mu_);
  if (epoch != epoch_) return;  // built from a read older than an invalidation
  if (rollups_.size() >= limits_.max_rollups) rollups_.clear();
  rollups_[std::move(key)] = std::move(rollup);
}

std::shared_ptr<const QueryCache::Children> QueryCache::FindChildren(
    absl::string_view node, int32_t year, absl::string_view query) const {
  const Key key(std::string(node), year);
  absl::ReaderMutexLock lock(&mu_);
  auto it = children_.find(key);
  if (it == children_.end()) return nullptr;
  auto entry = it->second.find(query);
  return entry == it->second.end() ? nullptr : entry->second;
}

void QueryCache::PutChildren(uint64_t epoch, absl::string_view node, int32_t year,
                             std::string query, std::shared_ptr<const Children> children) {
  absl::MutexLock lock(&mu_);
  if (epoch != epoch_) return;
  if (children->rows.size() > limits_.max_children_rows) return;  // too big to keep
  if (children_rows_ + children->rows.size() > limits_.max_children_rows) {
    children_.clear();
    children_rows_ = 0;
  }
  std::shared_ptr<const Children>& slot = children_[Key(std::string(node), year)][query];
  if (slot != nullptr) children_rows_ -= slot->rows.size();
  children_rows_ += children->rows.size();
  slot = std::move(children);
}

void QueryCache::Invalidate(const std::vector<std::pair<std::string, int32_t>>& node_years) {
  absl::MutexLock lock(&mu_);
  ++epoch_;
  for (const Key& key : node_years) {
    rollups_.erase(key);
    auto it = children_.find(key);
    if (it == children_.end()) continue;
    for (const auto& [query, entry] : it->second) children_rows_ -= entry->rows.size();
    children_.erase(it);
  }
}

void QueryCache::Clear() {
  absl::MutexLock lock(&mu_);
  ClearLocked();
}

void QueryCache::ClearLocked() {
  ++epoch_;
  rollups_.clear();
  children_.clear();
  children_rows_ = 0;
}

size_t QueryCache::rollup_count() const {
  absl::ReaderMutexLock lock(&mu_);
  return rollups_.size();
}

size_t QueryCache::children_count() const {
  absl::ReaderMutexLock lock(&mu_);
  size_t n = 0;
  for (const auto& [key, map] : children_) n += map.size();
  return n;
}

std::string DrilldownQueryKey(const v1::DrilldownRequest& request) {
  // Filters are compared as their (deterministic) serialization: the same
  // filters written the same way share an entry; any other spelling only
  // gets an entry of its own.
  std::string key = absl::StrCat(request.sort_by(), "\n", request.descending() ? "d" : "a", "\n");
  for (const v1::DrilldownFilter& filter : request.filters()) {
    std::string bytes;
    {
      google::protobuf::io::StringOutputStream raw(&bytes);
      google::protobuf::io::CodedOutputStream out(&raw);
      out.SetSerializationDeterministic(true);
      filter.SerializeToCodedStream(&out);
    }
    absl::StrAppend(&key, bytes.size(), ":", bytes);
  }
  return key;
}

}  // namespace budgetperf
