#include "services/ingestion/ingestion_store.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/storage/key_codec.h"
#include "common/storage/record.h"
#include "common/storage/rocks_status.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/slice.h"
#include "rocksdb/write_batch.h"

namespace budgetperf {
namespace ingestion {
namespace {

// Column family names on disk, indexed by ColumnFamily. Never rename one: an
// existing store would lose it.
constexpr const char* kColumnFamilyNames[] = {
    "default", "evaluations", "latest", "by_year", "idempotency", "outbox",
};
absl::string_view CfName(ColumnFamily cf) { return kColumnFamilyNames[static_cast<size_t>(cf)]; }

// Parses the record stored in `cf` under `key`; DATA_LOSS naming both.
template <typename Record>
absl::StatusOr<Record> ParseStored(ColumnFamily cf, const rocksdb::Slice& key,
                                   const rocksdb::Slice& bytes) {
  return storage::ParseRecord<Record>(storage::AsStringView(bytes), CfName(cf),
                                      storage::AsStringView(key));
}

absl::Status CheckIdentity(absl::string_view uscc, absl::string_view division_code) {
  if (uscc.size() != store_keys::kUsccBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("USCC \"", uscc, "\" must be ", store_keys::kUsccBytes, " bytes"));
  }
  if (division_code.size() != store_keys::kDivisionBytes) {
    return absl::InvalidArgumentError(absl::StrCat("division code \"", division_code, "\" must be ",
                                                   store_keys::kDivisionBytes, " bytes"));
  }
  return absl::OkStatus();
}

}  // namespace

namespace store_keys {

std::string UnitYearKey(absl::string_view uscc, int32_t year) {
  std::string key(uscc);
  storage::AppendBigEndian16(&key, static_cast<uint16_t>(year));
  return key;
}

std::string EvaluationKey(absl::string_view uscc, int32_t year, int32_t version) {
  std::string key = UnitYearKey(uscc, year);
  storage::AppendBigEndian32(&key, static_cast<uint32_t>(version));
  return key;
}

std::string YearIndexPrefix(int32_t year, absl::string_view division_prefix) {
  std::string key;
  storage::AppendBigEndian16(&key, static_cast<uint16_t>(year));
  key.append(division_prefix.data(), division_prefix.size());
  return key;
}

std::string YearIndexKey(int32_t year, absl::string_view division_code, absl::string_view uscc) {
  std::string key = YearIndexPrefix(year, division_code);
  key.append(uscc.data(), uscc.size());
  return key;
}

std::string OutboxKey(uint64_t seq) {
  std::string key;
  storage::AppendBigEndian64(&key, seq);
  return key;
}

bool ParseEvaluationKey(absl::string_view key, std::string* uscc, int32_t* year, int32_t* version) {
  if (key.size() != kUsccBytes + 2 + 4) return false;
  *uscc = std::string(key.substr(0, kUsccBytes));
  *year = static_cast<int32_t>(storage::ReadBigEndian16(key.substr(kUsccBytes)));
  *version = static_cast<int32_t>(storage::ReadBigEndian32(key.substr(kUsccBytes + 2)));
  return true;
}

bool ParseYearIndexKey(absl::string_view key, int32_t* year, std::string* division_code,
                       std::string* uscc) {
  if (key.size() != 2 + kDivisionBytes + kUsccBytes) return false;
  *year = static_cast<int32_t>(storage::ReadBigEndian16(key));
  *division_code = std::string(key.substr(2, kDivisionBytes));
  *uscc = std::string(key.substr(2 + kDivisionBytes));
  return true;
}

bool ParseOutboxKey(absl::string_view key, uint64_t* seq) {
  if (key.size() != 8) return false;
  *seq = storage::ReadBigEndian64(key);
  return true;
}

}  // namespace store_keys

OutboxRecord MakeOutboxRecord(absl::string_view uscc, int32_t year, int32_t version,
                              OutboxKind kind, int64_t now_unix_ms) {
  OutboxRecord record;
  record.set_uscc(std::string(uscc));
  record.set_year(year);
  record.set_version(version);
  record.set_kind(kind);
  record.set_next_attempt_unix_ms(now_unix_ms);
  record.set_created_at_unix_ms(now_unix_ms);
  return record;
}

absl::StatusOr<std::unique_ptr<IngestionStore>> IngestionStore::Open(const Options& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("store path is empty");
  std::error_code ec;
  std::filesystem::create_directories(options.path, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot create the data folder ", options.path, ": ", ec.message()));
  }

  storage::Database::Options db_options;
  db_options.path = options.path;
  db_options.column_families = kColumnFamilyNames;
  // Writers waiting for a group commit's sync would otherwise spin for up to
  // 100 us each before sleeping: on a machine with few cores that spinning
  // takes the CPU the Submits need.
  db_options.db_options.enable_write_thread_adaptive_yield = false;
  absl::StatusOr<std::unique_ptr<storage::Database>> database = storage::Database::Open(db_options);
  if (!database.ok()) return database.status();

  // Sequence numbers continue after the last outbox record left.
  uint64_t next_seq = 1;
  rocksdb::Status seek_status;
  {
    std::unique_ptr<rocksdb::Iterator> it((*database)->db()->NewIterator(
        rocksdb::ReadOptions(), (*database)->handle(ColumnFamily::kOutbox)));
    it->SeekToLast();
    uint64_t last = 0;
    if (it->Valid() && store_keys::ParseOutboxKey(storage::AsStringView(it->key()), &last)) {
      next_seq = last + 1;
    }
    seek_status = it->status();
  }
  std::unique_ptr<IngestionStore> store(
      new IngestionStore(*std::move(database), options.durable, next_seq));
  if (!seek_status.ok()) return storage::FromRocksStatus(seek_status, "reading the outbox");
  return store;
}

IngestionStore::IngestionStore(std::unique_ptr<storage::Database> database, bool durable,
                               uint64_t next_outbox_seq)
    : database_(std::move(database)), durable_(durable), next_outbox_seq_(next_outbox_seq) {}

IngestionStore::~IngestionStore() = default;

absl::StatusOr<uint64_t> IngestionStore::Checkpoint(const std::string& dir) {
  return database_->Checkpoint(dir);
}

absl::StatusOr<v1::StoredEvaluation> IngestionStore::GetEvaluation(absl::string_view uscc,
                                                                   int32_t year,
                                                                   int32_t version) const {
  absl::StatusOr<std::optional<v1::StoredEvaluation>> e =
      database_->GetRecord<v1::StoredEvaluation>(ColumnFamily::kEvaluations,
                                                 store_keys::EvaluationKey(uscc, year, version),
                                                 "reading an evaluation");
  if (!e.ok()) return e.status();
  if (!e->has_value()) {
    return absl::NotFoundError(absl::StrCat("no version ", version, " of ", uscc, " for ", year));
  }
  return *std::move(*e);
}

IngestionStore::EvaluationReads IngestionStore::MultiGetEvaluations(
    absl::Span<const EvaluationId> ids) const {
  std::vector<std::string> keys;
  keys.reserve(ids.size());
  for (const EvaluationId& id : ids) {
    keys.push_back(store_keys::EvaluationKey(id.uscc, id.year, id.version));
  }
  std::vector<rocksdb::Slice> key_slices(keys.begin(), keys.end());
  EvaluationReads reads;
  reads.values.resize(ids.size());
  reads.statuses.resize(ids.size());
  if (!ids.empty()) {
    db()->MultiGet(rocksdb::ReadOptions(), handle(ColumnFamily::kEvaluations), ids.size(),
                   key_slices.data(), reads.values.data(), reads.statuses.data());
  }
  return reads;
}

absl::StatusOr<std::vector<std::string>> IngestionStore::GetEvaluationBytes(
    absl::Span<const EvaluationId> ids) const {
  auto [values, statuses] = MultiGetEvaluations(ids);
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    const EvaluationId& id = ids[i];
    if (statuses[i].IsNotFound()) {
      return absl::NotFoundError(
          absl::StrCat("no version ", id.version, " of ", id.uscc, " for ", id.year));
    }
    if (!statuses[i].ok()) return storage::FromRocksStatus(statuses[i], "reading evaluations");
    out.emplace_back(values[i].data(), values[i].size());
  }
  return out;
}

absl::StatusOr<std::vector<v1::StoredEvaluation*>> IngestionStore::GetEvaluations(
    absl::Span<const EvaluationId> ids, google::protobuf::Arena* arena) const {
  auto [values, statuses] = MultiGetEvaluations(ids);
  std::vector<v1::StoredEvaluation*> out(ids.size(), nullptr);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) return storage::FromRocksStatus(statuses[i], "reading evaluations");
    auto* e = google::protobuf::Arena::CreateMessage<v1::StoredEvaluation>(arena);
    const EvaluationId& id = ids[i];
    if (absl::Status parsed = storage::ParseRecordInto(
            storage::AsStringView(values[i]), CfName(ColumnFamily::kEvaluations),
            store_keys::EvaluationKey(id.uscc, id.year, id.version), e);
        !parsed.ok()) {
      return parsed;
    }
    out[i] = e;
  }
  return out;
}

absl::StatusOr<std::vector<v1::StoredEvaluation>> IngestionStore::ListVersions(
    absl::string_view uscc, int32_t year) const {
  const std::string prefix = store_keys::UnitYearKey(uscc, year);
  std::vector<v1::StoredEvaluation> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db()->NewIterator(rocksdb::ReadOptions(), handle(ColumnFamily::kEvaluations)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    absl::StatusOr<v1::StoredEvaluation> e =
        ParseStored<v1::StoredEvaluation>(ColumnFamily::kEvaluations, it->key(), it->value());
    if (!e.ok()) return e.status();
    out.push_back(*std::move(e));
  }
  if (!it->status().ok()) return storage::FromRocksStatus(it->status(), "listing versions");
  return out;
}

absl::StatusOr<std::optional<LatestVersionRecord>> IngestionStore::GetLatest(absl::string_view uscc,
                                                                             int32_t year) const {
  return database_->GetRecord<LatestVersionRecord>(
      ColumnFamily::kLatest, store_keys::UnitYearKey(uscc, year), "reading the latest version");
}

absl::StatusOr<std::optional<IdempotencyRecord>> IngestionStore::GetIdempotency(
    absl::string_view key) const {
  return database_->GetRecord<IdempotencyRecord>(ColumnFamily::kIdempotency, key,
                                                 "reading an idempotency record");
}

absl::Status IngestionStore::ScanYearIndex(
    int32_t year, absl::string_view division_prefix,
    const std::function<bool(const YearIndexEntry&)>& visit) const {
  // Without a year the division cannot lead the key: scan everything and
  // filter.
  const std::string prefix =
      year == 0 ? std::string() : store_keys::YearIndexPrefix(year, division_prefix);
  std::unique_ptr<rocksdb::Iterator> it(
      db()->NewIterator(rocksdb::ReadOptions(), handle(ColumnFamily::kByYear)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    YearIndexEntry entry;
    if (!store_keys::ParseYearIndexKey(storage::AsStringView(it->key()), &entry.year,
                                       &entry.division_code, &entry.uscc)) {
      return absl::DataLossError(
          absl::StrCat("malformed listing index key of ", it->key().size(), " bytes"));
    }
    if (!absl::StartsWith(entry.division_code, division_prefix)) continue;
    absl::StatusOr<YearIndexRecord> record =
        ParseStored<YearIndexRecord>(ColumnFamily::kByYear, it->key(), it->value());
    if (!record.ok()) return record.status();
    entry.record = *std::move(record);
    if (!visit(entry)) break;
  }
  return storage::FromRocksStatus(it->status(), "scanning the listing index");
}

absl::StatusOr<std::vector<OutboxEntry>> IngestionStore::ListOutbox(size_t limit,
                                                                    uint64_t after_seq) const {
  std::vector<OutboxEntry> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db()->NewIterator(rocksdb::ReadOptions(), handle(ColumnFamily::kOutbox)));
  for (it->Seek(store_keys::OutboxKey(after_seq + 1)); it->Valid() && out.size() < limit;
       it->Next()) {
    OutboxEntry entry;
    if (!store_keys::ParseOutboxKey(storage::AsStringView(it->key()), &entry.seq)) {
      return absl::DataLossError("malformed outbox key");
    }
    absl::StatusOr<OutboxRecord> record =
        ParseStored<OutboxRecord>(ColumnFamily::kOutbox, it->key(), it->value());
    if (!record.ok()) return record.status();
    entry.record = *std::move(record);
    out.push_back(std::move(entry));
  }
  if (!it->status().ok()) return storage::FromRocksStatus(it->status(), "reading the outbox");
  return out;
}

absl::Status IngestionStore::CommitNewVersion(const NewVersion& version) {
  const v1::StoredEvaluation& e = version.stored();
  const v1::UnitIdentity& unit = e.package().unit();
  const int32_t year = e.package().year();
  if (absl::Status s = CheckIdentity(unit.uscc(), unit.division_code()); !s.ok()) return s;

  // Sized up front: the batch would otherwise grow (and copy) itself a few
  // times over for a package of several KB.
  const size_t evaluation_bytes = e.ByteSizeLong();
  rocksdb::WriteBatch batch(evaluation_bytes + 1024);
  // One buffer for every value, sized once: a fresh string per value (and
  // the zero-filling of each) cost more than the serialization into it.
  std::string value(evaluation_bytes, '\0');
  // `size`: the message's ByteSizeLong() when just computed, else 0.
  auto put = [&](ColumnFamily cf, const std::string& key,
                 const google::protobuf::MessageLite& message, size_t size = 0) {
    if (size == 0) size = message.ByteSizeLong();
    if (size > value.size()) value.resize(size);
    message.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(value.data()));
    return batch.Put(handle(cf), key, rocksdb::Slice(value.data(), size));
  };
  rocksdb::Status s =
      put(ColumnFamily::kEvaluations, store_keys::EvaluationKey(unit.uscc(), year, e.version()), e,
          evaluation_bytes);

  LatestVersionRecord latest;
  latest.set_version(e.version());
  latest.set_division_code(unit.division_code());
  if (s.ok()) s = put(ColumnFamily::kLatest, store_keys::UnitYearKey(unit.uscc(), year), latest);

  // A unit that moved division leaves no listing entry under the old one.
  if (s.ok() && version.previous.has_value() &&
      version.previous->division_code() != unit.division_code() &&
      version.previous->division_code().size() == store_keys::kDivisionBytes) {
    s = batch.Delete(
        handle(ColumnFamily::kByYear),
        store_keys::YearIndexKey(year, version.previous->division_code(), unit.uscc()));
  }
  YearIndexRecord index;
  index.set_latest_version(e.version());
  index.set_unit_name(unit.name());
  index.set_supervising_department(unit.supervising_department());
  index.set_supervising_department_uscc(unit.supervising_department_uscc());
  if (s.ok()) {
    s = put(ColumnFamily::kByYear,
            store_keys::YearIndexKey(year, unit.division_code(), unit.uscc()), index);
  }
  if (s.ok() && !version.idempotency_key.empty()) {
    s = put(ColumnFamily::kIdempotency, version.idempotency_key, version.idempotency);
  }
  for (const OutboxRecord& record : version.outbox) {
    if (!s.ok()) break;
    s = put(ColumnFamily::kOutbox, store_keys::OutboxKey(next_outbox_seq_.fetch_add(1)), record);
  }
  if (!s.ok()) return storage::FromRocksStatus(s, "building the write batch");

  rocksdb::WriteOptions write_options;
  write_options.sync = durable_ && !version.defer_sync;
  write_options.disableWAL = false;
  // Before the write: whoever sees the version also sees that it may not be
  // on disk yet (SyncDeferred).
  if (durable_ && version.defer_sync) unsynced_.store(true);
  return storage::FromRocksStatus(db()->Write(write_options, &batch), "storing the submission");
}

absl::Status IngestionStore::CompleteOutbox(uint64_t seq, const v1::StoredEvaluation* updated,
                                            const std::vector<OutboxRecord>& follow_up) {
  rocksdb::WriteBatch batch;
  rocksdb::Status s = batch.Delete(handle(ColumnFamily::kOutbox), store_keys::OutboxKey(seq));
  if (s.ok() && updated != nullptr) {
    const v1::UnitIdentity& unit = updated->package().unit();
    if (unit.uscc().size() != store_keys::kUsccBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("USCC \"", unit.uscc(), "\" must be 18 bytes"));
    }
    s = batch.Put(
        handle(ColumnFamily::kEvaluations),
        store_keys::EvaluationKey(unit.uscc(), updated->package().year(), updated->version()),
        updated->SerializeAsString());
  }
  for (const OutboxRecord& record : follow_up) {
    if (!s.ok()) break;
    s = batch.Put(handle(ColumnFamily::kOutbox),
                  store_keys::OutboxKey(next_outbox_seq_.fetch_add(1)),
                  record.SerializeAsString());
  }
  if (!s.ok()) return storage::FromRocksStatus(s, "building the write batch");
  // Not synced (see the header): a lost completion is done again. The
  // record removed and the version it updated stay in one batch.
  return storage::FromRocksStatus(db()->Write(rocksdb::WriteOptions(), &batch),
                                  "completing outbox work");
}

absl::Status IngestionStore::CompleteOutboxBatch(absl::Span<const uint64_t> seqs) {
  if (seqs.empty()) return absl::OkStatus();
  rocksdb::WriteBatch batch;
  for (uint64_t seq : seqs) {
    rocksdb::Status s = batch.Delete(handle(ColumnFamily::kOutbox), store_keys::OutboxKey(seq));
    if (!s.ok()) return storage::FromRocksStatus(s, "building the write batch");
  }
  // Not synced (see the header): a lost completion is delivered again.
  return storage::FromRocksStatus(db()->Write(rocksdb::WriteOptions(), &batch),
                                  "completing outbox work");
}

absl::Status IngestionStore::UpdateOutbox(uint64_t seq, const OutboxRecord& record) {
  // Not synced: a lost retry count only means an earlier retry.
  return storage::FromRocksStatus(db()->Put(rocksdb::WriteOptions(), handle(ColumnFamily::kOutbox),
                                            store_keys::OutboxKey(seq), record.SerializeAsString()),
                                  "updating an outbox record");
}

absl::Status IngestionStore::SyncDeferred() {
  if (!durable_) return absl::OkStatus();
  absl::MutexLock lock(&sync_mu_);
  if (!unsynced_.exchange(false)) return absl::OkStatus();
  absl::Status s = storage::FromRocksStatus(db()->SyncWAL(), "syncing the store");
  if (!s.ok()) unsynced_.store(true);  // still not known to be on disk
  return s;
}

}  // namespace ingestion
}  // namespace budgetperf
