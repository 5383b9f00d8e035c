#include "services/aggregation/aggregation_store.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"
#include "common/storage/record.h"
#include "common/storage/rocks_status.h"
#include "rocksdb/comparator.h"
#include "rocksdb/options.h"
#include "services/aggregation/aggregation_keys.h"

namespace budgetperf {

namespace keys = aggregation_keys;

namespace {

constexpr const char* kCfNames[kAggregationCfCount] = {
    "nodes", "contributions", "rollups", "score_index", "orphans", "findings",
};

absl::string_view CfName(AggregationCf cf) { return kCfNames[static_cast<int>(cf)]; }

// The record stored in `cf` under `key`; DATA_LOSS naming both.
template <typename T>
absl::StatusOr<T> Parse(AggregationCf cf, absl::string_view key, absl::string_view value) {
  return storage::ParseRecord<T>(value, CfName(cf), key);
}

}  // namespace

using storage::FromRocksStatus;

// ---------------------------------------------------------------------------
// View
// ---------------------------------------------------------------------------

template <typename T>
absl::StatusOr<std::optional<T>> AggregationStore::View::GetProto(AggregationCf cf,
                                                                  absl::string_view key) {
  ASSIGN_OR_RETURN(std::optional<std::string> raw, GetRaw(cf, key));
  if (!raw.has_value()) return std::optional<T>();
  ASSIGN_OR_RETURN(T message, Parse<T>(cf, key, *raw));
  return std::optional<T>(std::move(message));
}

rocksdb::ReadOptions AggregationStore::View::read_options() const {
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  return options;
}

absl::StatusOr<std::optional<std::string>> AggregationStore::View::GetRaw(AggregationCf cf,
                                                                          absl::string_view key) {
  const rocksdb::Slice key_slice(key.data(), key.size());
  std::string value;
  rocksdb::Status s;
  if (pending_ != nullptr) {
    s = pending_->GetFromBatchAndDB(store_->db(), read_options(), store_->handle(cf), key_slice,
                                    &value);
  } else {
    rocksdb::PinnableSlice pinned;
    s = store_->db()->Get(read_options(), store_->handle(cf), key_slice, &pinned);
    if (s.ok()) value.assign(pinned.data(), pinned.size());
  }
  if (s.IsNotFound()) return std::optional<std::string>();
  RETURN_IF_ERROR(FromRocksStatus(s, absl::StrCat("reading ", CfName(cf))));
  return std::optional<std::string>(std::move(value));
}

std::unique_ptr<rocksdb::Iterator> AggregationStore::View::NewIterator(AggregationCf cf) {
  rocksdb::ColumnFamilyHandle* h = store_->handle(cf);
  std::unique_ptr<rocksdb::Iterator> base(store_->db()->NewIterator(read_options(), h));
  if (pending_ == nullptr) return base;
  return std::unique_ptr<rocksdb::Iterator>(pending_->NewIteratorWithBase(h, base.release()));
}

absl::Status AggregationStore::View::ScanPrefix(
    AggregationCf cf, absl::string_view prefix,
    const std::function<absl::Status(absl::string_view, absl::string_view)>& fn) {
  std::unique_ptr<rocksdb::Iterator> it = NewIterator(cf);
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
    const absl::string_view key(it->key().data(), it->key().size());
    if (!absl::StartsWith(key, prefix)) break;
    RETURN_IF_ERROR(fn(key, absl::string_view(it->value().data(), it->value().size())));
  }
  return FromRocksStatus(it->status(), absl::StrCat("scanning ", CfName(cf)));
}

absl::StatusOr<std::optional<v1::Rollup>> AggregationStore::View::GetRollup(
    absl::string_view code, int32_t year) {
  return GetProto<v1::Rollup>(AggregationCf::kRollups, keys::CodeYearKey(code, year));
}

absl::StatusOr<std::optional<aggregation::ContributionRecord>>
AggregationStore::View::GetContribution(absl::string_view uscc, int32_t year) {
  return GetProto<aggregation::ContributionRecord>(AggregationCf::kContributions,
                                                   keys::CodeYearKey(uscc, year));
}

absl::StatusOr<std::optional<aggregation::FindingsRecord>> AggregationStore::View::GetFindings(
    absl::string_view code, int32_t year, absl::string_view source) {
  return GetProto<aggregation::FindingsRecord>(AggregationCf::kFindings,
                                               keys::FindingsKey(code, year, source));
}

absl::StatusOr<std::vector<aggregation::FindingsRecord>> AggregationStore::View::ListFindings(
    absl::string_view code, int32_t year) {
  std::vector<aggregation::FindingsRecord> out;
  RETURN_IF_ERROR(ScanPrefix(AggregationCf::kFindings, keys::CodeYearKey(code, year),
                             [&](absl::string_view key, absl::string_view value) -> absl::Status {
                               ASSIGN_OR_RETURN(aggregation::FindingsRecord record,
                                                Parse<aggregation::FindingsRecord>(
                                                    AggregationCf::kFindings, key, value));
                               out.push_back(std::move(record));
                               return absl::OkStatus();
                             }));
  return out;
}

absl::StatusOr<std::vector<std::pair<std::string, aggregation::OrphanRecord>>>
AggregationStore::View::ListOrphans(absl::string_view unassigned_code, int32_t year) {
  std::vector<std::pair<std::string, aggregation::OrphanRecord>> out;
  const std::string prefix = keys::CodeYearKey(unassigned_code, year);
  RETURN_IF_ERROR(ScanPrefix(
      AggregationCf::kOrphans, prefix,
      [&](absl::string_view key, absl::string_view value) -> absl::Status {
        ASSIGN_OR_RETURN(aggregation::OrphanRecord record,
                         Parse<aggregation::OrphanRecord>(AggregationCf::kOrphans, key, value));
        out.emplace_back(std::string(key.substr(prefix.size())), std::move(record));
        return absl::OkStatus();
      }));
  return out;
}

absl::Status AggregationStore::View::ForEachContributionOfUnit(
    absl::string_view uscc,
    const std::function<absl::Status(int32_t, const aggregation::ContributionRecord&)>& fn) {
  return ScanPrefix(AggregationCf::kContributions, keys::CodePrefix(uscc),
                    [&](absl::string_view key, absl::string_view value) -> absl::Status {
                      std::optional<int32_t> year = keys::YearOf(key, uscc);
                      if (!year.has_value()) {
                        return absl::DataLossError(
                            absl::StrCat("unreadable contribution of ", uscc));
                      }
                      ASSIGN_OR_RETURN(aggregation::ContributionRecord record,
                                       Parse<aggregation::ContributionRecord>(
                                           AggregationCf::kContributions, key, value));
                      return fn(*year, record);
                    });
}

absl::Status AggregationStore::View::ForEachFindingsOfCode(
    absl::string_view code,
    const std::function<absl::Status(int32_t, absl::string_view,
                                     const aggregation::FindingsRecord&)>& fn) {
  const size_t source_start = code.size() + 1 + 4;
  return ScanPrefix(AggregationCf::kFindings, keys::CodePrefix(code),
                    [&](absl::string_view key, absl::string_view value) -> absl::Status {
                      std::optional<int32_t> year = keys::YearOf(key, code);
                      if (!year.has_value()) {
                        return absl::DataLossError(absl::StrCat("unreadable findings of ", code));
                      }
                      ASSIGN_OR_RETURN(
                          aggregation::FindingsRecord record,
                          Parse<aggregation::FindingsRecord>(AggregationCf::kFindings, key, value));
                      return fn(*year, key.substr(source_start), record);
                    });
}

absl::Status AggregationStore::View::ForEachOrphan(
    absl::string_view unassigned_code,
    const std::function<absl::Status(int32_t, absl::string_view)>& fn) {
  const size_t uscc_start = unassigned_code.size() + 1 + 4;
  return ScanPrefix(AggregationCf::kOrphans, keys::CodePrefix(unassigned_code),
                    [&](absl::string_view key, absl::string_view) -> absl::Status {
                      std::optional<int32_t> year = keys::YearOf(key, unassigned_code);
                      if (!year.has_value()) return absl::DataLossError("bad orphan key");
                      return fn(*year, key.substr(uscc_start));
                    });
}

absl::Status AggregationStore::View::ForEachScore(
    absl::string_view code, int32_t year, char kind,
    const std::function<absl::Status(int32_t, absl::string_view)>& fn) {
  const std::string prefix = keys::ScoreIndexPrefix(code, year, kind);
  return ScanPrefix(AggregationCf::kScoreIndex, prefix,
                    [&](absl::string_view key, absl::string_view) -> absl::Status {
                      if (key.size() < prefix.size() + 4) {
                        return absl::DataLossError("bad score index key");
                      }
                      return fn(keys::ScoreOfIndexKey(key, prefix.size()),
                                keys::UsccOfIndexKey(key, prefix.size()));
                    });
}

absl::StatusOr<std::optional<std::pair<int32_t, int32_t>>> AggregationStore::View::ScoreExtremes(
    absl::string_view code, int32_t year, char kind) {
  const std::string prefix = keys::ScoreIndexPrefix(code, year, kind);
  std::unique_ptr<rocksdb::Iterator> it = NewIterator(AggregationCf::kScoreIndex);
  it->Seek(prefix);
  if (!it->Valid()) {
    RETURN_IF_ERROR(FromRocksStatus(it->status(), "reading the score index"));
    return std::optional<std::pair<int32_t, int32_t>>();
  }
  absl::string_view key(it->key().data(), it->key().size());
  if (!absl::StartsWith(key, prefix) || key.size() < prefix.size() + 4) {
    return std::optional<std::pair<int32_t, int32_t>>();
  }
  const int32_t lowest = keys::ScoreOfIndexKey(key, prefix.size());
  // The index is ordered by score, so the highest is the last key under the
  // prefix.
  it->SeekForPrev(storage::PrefixEnd(prefix));
  if (!it->Valid()) {
    RETURN_IF_ERROR(FromRocksStatus(it->status(), "reading the score index"));
    return absl::InternalError("score index changed while read");
  }
  key = absl::string_view(it->key().data(), it->key().size());
  if (!absl::StartsWith(key, prefix) || key.size() < prefix.size() + 4) {
    return absl::InternalError("score index changed while read");
  }
  return std::optional<std::pair<int32_t, int32_t>>(
      std::make_pair(lowest, keys::ScoreOfIndexKey(key, prefix.size())));
}

// ---------------------------------------------------------------------------
// Reader
// ---------------------------------------------------------------------------

AggregationStore::Reader::Reader(AggregationStore* store)
    : View(store, store->db()->GetSnapshot(), /*pending=*/nullptr) {}

AggregationStore::Reader::~Reader() { store_->db()->ReleaseSnapshot(snapshot_); }

template <typename T>
absl::StatusOr<std::vector<std::optional<T>>> AggregationStore::Reader::MultiGetProto(
    AggregationCf cf, const std::vector<std::string>& keys) {
  std::vector<rocksdb::Slice> slices;
  slices.reserve(keys.size());
  for (const std::string& k : keys) slices.emplace_back(k);
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  if (!keys.empty()) {
    store_->db()->MultiGet(read_options(), store_->handle(cf), keys.size(), slices.data(),
                           values.data(), statuses.data());
  }
  std::vector<std::optional<T>> out(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    RETURN_IF_ERROR(FromRocksStatus(statuses[i], absl::StrCat("reading ", CfName(cf))));
    ASSIGN_OR_RETURN(out[i], Parse<T>(cf, keys[i], storage::AsStringView(values[i])));
  }
  return out;
}

absl::StatusOr<std::vector<std::optional<v1::Rollup>>> AggregationStore::Reader::GetRollups(
    const std::vector<std::string>& codes, int32_t year) {
  std::vector<std::string> key_list;
  key_list.reserve(codes.size());
  for (const std::string& code : codes) key_list.push_back(keys::CodeYearKey(code, year));
  return MultiGetProto<v1::Rollup>(AggregationCf::kRollups, key_list);
}

absl::StatusOr<std::vector<std::optional<aggregation::ContributionRecord>>>
AggregationStore::Reader::GetContributions(const std::vector<std::string>& usccs,
                                           int32_t year) {
  std::vector<std::string> key_list;
  key_list.reserve(usccs.size());
  for (const std::string& uscc : usccs) key_list.push_back(keys::CodeYearKey(uscc, year));
  return MultiGetProto<aggregation::ContributionRecord>(AggregationCf::kContributions, key_list);
}

// ---------------------------------------------------------------------------
// Mutation
// ---------------------------------------------------------------------------

// overwrite_key: a key written twice in one mutation keeps only its last
// value, which is what reads through the batch must see.
// The batch is constructed after View, which only keeps its address here.
AggregationStore::Mutation::Mutation(AggregationStore* store)
    : View(store, /*snapshot=*/nullptr, &batch_),
      batch_(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true) {}

void AggregationStore::Mutation::Put(AggregationCf cf, const std::string& key,
                                     const std::string& value) {
  // WriteBatchWithIndex::Put only fails for keys or values over 4 GiB.
  batch_.Put(store_->handle(cf), key, value).PermitUncheckedError();
}

void AggregationStore::Mutation::Delete(AggregationCf cf, const std::string& key) {
  batch_.Delete(store_->handle(cf), key).PermitUncheckedError();
}

void AggregationStore::Mutation::PutNode(const v1::OrgNode& node) {
  Put(AggregationCf::kNodes, keys::CodeYearKey(node.code(), node.valid_from_year()),
      node.SerializeAsString());
}

void AggregationStore::Mutation::PutRollup(const v1::Rollup& rollup) {
  written_rollups_.emplace_back(rollup.node_code(), rollup.year());
  Put(AggregationCf::kRollups, keys::CodeYearKey(rollup.node_code(), rollup.year()),
      rollup.SerializeAsString());
}

void AggregationStore::Mutation::PutContribution(
    absl::string_view uscc, int32_t year, const aggregation::ContributionRecord& record) {
  Put(AggregationCf::kContributions, keys::CodeYearKey(uscc, year),
      record.SerializeAsString());
}

void AggregationStore::Mutation::PutFindings(absl::string_view code, int32_t year,
                                             absl::string_view source,
                                             const aggregation::FindingsRecord& record) {
  Put(AggregationCf::kFindings, keys::FindingsKey(code, year, source),
      record.SerializeAsString());
}

void AggregationStore::Mutation::PutOrphan(absl::string_view unassigned_code, int32_t year,
                                           absl::string_view uscc,
                                           const aggregation::OrphanRecord& record) {
  Put(AggregationCf::kOrphans, keys::OrphanKey(unassigned_code, year, uscc),
      record.SerializeAsString());
}

void AggregationStore::Mutation::DeleteOrphan(absl::string_view unassigned_code,
                                              int32_t year, absl::string_view uscc) {
  Delete(AggregationCf::kOrphans, keys::OrphanKey(unassigned_code, year, uscc));
}

void AggregationStore::Mutation::PutScore(absl::string_view code, int32_t year, char kind,
                                          int32_t score, absl::string_view uscc) {
  Put(AggregationCf::kScoreIndex, keys::ScoreIndexKey(code, year, kind, score, uscc), "");
}

void AggregationStore::Mutation::DeleteScore(absl::string_view code, int32_t year, char kind,
                                             int32_t score, absl::string_view uscc) {
  Delete(AggregationCf::kScoreIndex, keys::ScoreIndexKey(code, year, kind, score, uscc));
}

absl::Status AggregationStore::Mutation::DeleteScores(absl::string_view code, int32_t year,
                                                      char kind) {
  // Collected first: the batch is not changed while its iterator is open.
  std::vector<std::string> doomed;
  RETURN_IF_ERROR(ScanPrefix(AggregationCf::kScoreIndex,
                             keys::ScoreIndexPrefix(code, year, kind),
                             [&](absl::string_view key, absl::string_view) {
                               doomed.emplace_back(key);
                               return absl::OkStatus();
                             }));
  for (const std::string& key : doomed) Delete(AggregationCf::kScoreIndex, key);
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// AggregationStore
// ---------------------------------------------------------------------------

AggregationStore::AggregationStore(const Options& options,
                                   std::unique_ptr<storage::Database> database)
    : options_(options), database_(std::move(database)) {}

AggregationStore::~AggregationStore() = default;

absl::StatusOr<std::unique_ptr<AggregationStore>> AggregationStore::Open(
    const Options& options) {
  storage::Database::Options db_options;
  db_options.path = options.path;
  db_options.column_families = kCfNames;
  db_options.what = "the aggregation store";
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Database> database,
                   storage::Database::Open(db_options));
  return std::unique_ptr<AggregationStore>(new AggregationStore(options, std::move(database)));
}

absl::StatusOr<uint64_t> AggregationStore::Checkpoint(const std::string& dir) {
  return database_->Checkpoint(dir);
}

std::unique_ptr<AggregationStore::Reader> AggregationStore::NewReader() {
  return std::unique_ptr<Reader>(new Reader(this));
}

std::unique_ptr<AggregationStore::Mutation> AggregationStore::NewMutation() {
  return std::unique_ptr<Mutation>(new Mutation(this));
}

absl::Status AggregationStore::Commit(Mutation& mutation) {
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync_writes;
  return FromRocksStatus(db()->Write(write_options, mutation.batch_.GetWriteBatch()),
                         "writing to the aggregation store");
}

absl::StatusOr<std::vector<v1::OrgNode>> AggregationStore::LoadNodes() {
  std::vector<v1::OrgNode> nodes;
  std::unique_ptr<rocksdb::Iterator> it(
      db()->NewIterator(rocksdb::ReadOptions(), handle(AggregationCf::kNodes)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ASSIGN_OR_RETURN(v1::OrgNode node,
                     Parse<v1::OrgNode>(AggregationCf::kNodes, storage::AsStringView(it->key()),
                                        storage::AsStringView(it->value())));
    nodes.push_back(std::move(node));
  }
  RETURN_IF_ERROR(FromRocksStatus(it->status(), "loading the organisation tree"));
  return nodes;
}

}  // namespace budgetperf
