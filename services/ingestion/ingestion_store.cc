#include "services/ingestion/ingestion_store.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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
constexpr size_t kColumnFamilyCount = sizeof(kColumnFamilyNames) / sizeof(kColumnFamilyNames[0]);

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  const std::string message = absl::StrCat(what, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(message);
  if (s.IsCorruption()) return absl::DataLossError(message);
  return absl::InternalError(message);
}

void AppendBigEndian(std::string* out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

absl::string_view View(const rocksdb::Slice& slice) {
  return absl::string_view(slice.data(), slice.size());
}

uint64_t ReadBigEndian(absl::string_view in, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | static_cast<unsigned char>(in[i]);
  return value;
}

template <typename Proto>
absl::StatusOr<Proto> ParseStored(const rocksdb::Slice& bytes, absl::string_view what) {
  Proto proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat("cannot parse the stored ", what));
  }
  return proto;
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
  AppendBigEndian(&key, static_cast<uint16_t>(year), 2);
  return key;
}

std::string EvaluationKey(absl::string_view uscc, int32_t year, int32_t version) {
  std::string key = UnitYearKey(uscc, year);
  AppendBigEndian(&key, static_cast<uint32_t>(version), 4);
  return key;
}

std::string YearIndexPrefix(int32_t year, absl::string_view division_prefix) {
  std::string key;
  AppendBigEndian(&key, static_cast<uint16_t>(year), 2);
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
  AppendBigEndian(&key, seq, 8);
  return key;
}

bool ParseEvaluationKey(absl::string_view key, std::string* uscc, int32_t* year, int32_t* version) {
  if (key.size() != kUsccBytes + 2 + 4) return false;
  *uscc = std::string(key.substr(0, kUsccBytes));
  *year = static_cast<int32_t>(ReadBigEndian(key.substr(kUsccBytes), 2));
  *version = static_cast<int32_t>(ReadBigEndian(key.substr(kUsccBytes + 2), 4));
  return true;
}

bool ParseYearIndexKey(absl::string_view key, int32_t* year, std::string* division_code,
                       std::string* uscc) {
  if (key.size() != 2 + kDivisionBytes + kUsccBytes) return false;
  *year = static_cast<int32_t>(ReadBigEndian(key, 2));
  *division_code = std::string(key.substr(2, kDivisionBytes));
  *uscc = std::string(key.substr(2 + kDivisionBytes));
  return true;
}

bool ParseOutboxKey(absl::string_view key, uint64_t* seq) {
  if (key.size() != 8) return false;
  *seq = ReadBigEndian(key, 8);
  return true;
}

}  // namespace store_keys

v1::OutboxRecord MakeOutboxRecord(absl::string_view uscc, int32_t year, int32_t version,
                                  v1::OutboxKind kind, int64_t now_unix_ms) {
  v1::OutboxRecord record;
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

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  // Writers waiting for a group commit's sync would otherwise spin for up to
  // 100 us each before sleeping: on a machine with few cores that spinning
  // takes the CPU the Submits need.
  db_options.enable_write_thread_adaptive_yield = false;
  rocksdb::ColumnFamilyOptions cf_options;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const char* name : kColumnFamilyNames) descriptors.emplace_back(name, cf_options);
  // A store written by a later version may hold column families this one
  // does not know; RocksDB only opens a store with all of them named.
  std::vector<std::string> existing;
  if (rocksdb::DB::ListColumnFamilies(db_options, options.path, &existing).ok()) {
    for (const std::string& name : existing) {
      bool known = false;
      for (const char* k : kColumnFamilyNames) known = known || name == k;
      if (!known) descriptors.emplace_back(name, cf_options);
    }
  }

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.path, descriptors, &handles, &raw_db);
  if (!s.ok()) return FromRocks(s, absl::StrCat("cannot open the store in ", options.path));
  std::unique_ptr<rocksdb::DB> db(raw_db);
  // Handles of unknown column families are not needed.
  for (size_t i = kColumnFamilyCount; i < handles.size(); ++i) {
    db->DestroyColumnFamilyHandle(handles[i]);
  }
  handles.resize(kColumnFamilyCount);

  // Sequence numbers continue after the last outbox record left.
  uint64_t next_seq = 1;
  rocksdb::Status seek_status;
  {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(
        rocksdb::ReadOptions(), handles[static_cast<size_t>(ColumnFamily::kOutbox)]));
    it->SeekToLast();
    uint64_t last = 0;
    if (it->Valid() && store_keys::ParseOutboxKey(View(it->key()), &last)) {
      next_seq = last + 1;
    }
    seek_status = it->status();
  }
  // From here on the store owns the handles and closes them.
  std::unique_ptr<IngestionStore> store(
      new IngestionStore(std::move(db), std::move(handles), options.durable, next_seq));
  if (!seek_status.ok()) return FromRocks(seek_status, "reading the outbox");
  return store;
}

IngestionStore::IngestionStore(std::unique_ptr<rocksdb::DB> db,
                               std::vector<rocksdb::ColumnFamilyHandle*> handles, bool durable,
                               uint64_t next_outbox_seq)
    : db_(std::move(db)),
      handles_(std::move(handles)),
      durable_(durable),
      next_outbox_seq_(next_outbox_seq) {}

IngestionStore::~IngestionStore() {
  for (rocksdb::ColumnFamilyHandle* h : handles_) db_->DestroyColumnFamilyHandle(h);
  // Close reports errors that the destructor would swallow; there is nobody
  // to report them to here, and the WAL makes the data safe either way.
  (void)db_->Close();
}

rocksdb::ColumnFamilyHandle* IngestionStore::handle(ColumnFamily cf) const {
  return handles_[static_cast<size_t>(cf)];
}

absl::StatusOr<v1::StoredEvaluation> IngestionStore::GetEvaluation(absl::string_view uscc,
                                                                   int32_t year,
                                                                   int32_t version) const {
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handle(ColumnFamily::kEvaluations),
                               store_keys::EvaluationKey(uscc, year, version), &value);
  if (s.IsNotFound()) {
    return absl::NotFoundError(absl::StrCat("no version ", version, " of ", uscc, " for ", year));
  }
  if (!s.ok()) return FromRocks(s, "reading an evaluation");
  return ParseStored<v1::StoredEvaluation>(value, "evaluation");
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
    db_->MultiGet(rocksdb::ReadOptions(), handle(ColumnFamily::kEvaluations), ids.size(),
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
    if (!statuses[i].ok()) return FromRocks(statuses[i], "reading evaluations");
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
    if (!statuses[i].ok()) return FromRocks(statuses[i], "reading evaluations");
    auto* e = google::protobuf::Arena::CreateMessage<v1::StoredEvaluation>(arena);
    if (!e->ParseFromArray(values[i].data(), static_cast<int>(values[i].size()))) {
      return absl::DataLossError("cannot parse the stored evaluation");
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
      db_->NewIterator(rocksdb::ReadOptions(), handle(ColumnFamily::kEvaluations)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    absl::StatusOr<v1::StoredEvaluation> e =
        ParseStored<v1::StoredEvaluation>(it->value(), "evaluation");
    if (!e.ok()) return e.status();
    out.push_back(*std::move(e));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "listing versions");
  return out;
}

absl::StatusOr<std::optional<v1::LatestVersionRecord>> IngestionStore::GetLatest(
    absl::string_view uscc, int32_t year) const {
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handle(ColumnFamily::kLatest),
                               store_keys::UnitYearKey(uscc, year), &value);
  if (s.IsNotFound()) return std::optional<v1::LatestVersionRecord>();
  if (!s.ok()) return FromRocks(s, "reading the latest version");
  absl::StatusOr<v1::LatestVersionRecord> record =
      ParseStored<v1::LatestVersionRecord>(value, "latest version");
  if (!record.ok()) return record.status();
  return std::optional<v1::LatestVersionRecord>(*std::move(record));
}

absl::StatusOr<std::optional<v1::IdempotencyRecord>> IngestionStore::GetIdempotency(
    absl::string_view key) const {
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handle(ColumnFamily::kIdempotency),
                               rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<v1::IdempotencyRecord>();
  if (!s.ok()) return FromRocks(s, "reading an idempotency record");
  absl::StatusOr<v1::IdempotencyRecord> record =
      ParseStored<v1::IdempotencyRecord>(value, "idempotency record");
  if (!record.ok()) return record.status();
  return std::optional<v1::IdempotencyRecord>(*std::move(record));
}

absl::Status IngestionStore::ScanYearIndex(
    int32_t year, absl::string_view division_prefix,
    const std::function<bool(const YearIndexEntry&)>& visit) const {
  // Without a year the division cannot lead the key: scan everything and
  // filter.
  const std::string prefix =
      year == 0 ? std::string() : store_keys::YearIndexPrefix(year, division_prefix);
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handle(ColumnFamily::kByYear)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    YearIndexEntry entry;
    if (!store_keys::ParseYearIndexKey(View(it->key()), &entry.year, &entry.division_code,
                                       &entry.uscc)) {
      return absl::DataLossError(
          absl::StrCat("malformed listing index key of ", it->key().size(), " bytes"));
    }
    if (!absl::StartsWith(entry.division_code, division_prefix)) continue;
    absl::StatusOr<v1::YearIndexRecord> record =
        ParseStored<v1::YearIndexRecord>(it->value(), "listing index entry");
    if (!record.ok()) return record.status();
    entry.record = *std::move(record);
    if (!visit(entry)) break;
  }
  return FromRocks(it->status(), "scanning the listing index");
}

absl::StatusOr<std::vector<OutboxEntry>> IngestionStore::ListOutbox(size_t limit,
                                                                    uint64_t after_seq) const {
  std::vector<OutboxEntry> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handle(ColumnFamily::kOutbox)));
  for (it->Seek(store_keys::OutboxKey(after_seq + 1)); it->Valid() && out.size() < limit;
       it->Next()) {
    OutboxEntry entry;
    if (!store_keys::ParseOutboxKey(View(it->key()), &entry.seq)) {
      return absl::DataLossError("malformed outbox key");
    }
    absl::StatusOr<v1::OutboxRecord> record =
        ParseStored<v1::OutboxRecord>(it->value(), "outbox record");
    if (!record.ok()) return record.status();
    entry.record = *std::move(record);
    out.push_back(std::move(entry));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the outbox");
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

  v1::LatestVersionRecord latest;
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
  v1::YearIndexRecord index;
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
  for (const v1::OutboxRecord& record : version.outbox) {
    if (!s.ok()) break;
    s = put(ColumnFamily::kOutbox, store_keys::OutboxKey(next_outbox_seq_.fetch_add(1)), record);
  }
  if (!s.ok()) return FromRocks(s, "building the write batch");

  rocksdb::WriteOptions write_options;
  write_options.sync = durable_ && !version.defer_sync;
  write_options.disableWAL = false;
  // Before the write: whoever sees the version also sees that it may not be
  // on disk yet (SyncDeferred).
  if (durable_ && version.defer_sync) unsynced_.store(true);
  return FromRocks(db_->Write(write_options, &batch), "storing the submission");
}

absl::Status IngestionStore::CompleteOutbox(uint64_t seq, const v1::StoredEvaluation* updated,
                                            const std::vector<v1::OutboxRecord>& follow_up) {
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
  for (const v1::OutboxRecord& record : follow_up) {
    if (!s.ok()) break;
    s = batch.Put(handle(ColumnFamily::kOutbox),
                  store_keys::OutboxKey(next_outbox_seq_.fetch_add(1)),
                  record.SerializeAsString());
  }
  if (!s.ok()) return FromRocks(s, "building the write batch");
  // Not synced (see the header): a lost completion is done again. The
  // record removed and the version it updated stay in one batch.
  return FromRocks(db_->Write(rocksdb::WriteOptions(), &batch), "completing outbox work");
}

absl::Status IngestionStore::CompleteOutboxBatch(absl::Span<const uint64_t> seqs) {
  if (seqs.empty()) return absl::OkStatus();
  rocksdb::WriteBatch batch;
  for (uint64_t seq : seqs) {
    rocksdb::Status s = batch.Delete(handle(ColumnFamily::kOutbox), store_keys::OutboxKey(seq));
    if (!s.ok()) return FromRocks(s, "building the write batch");
  }
  // Not synced (see the header): a lost completion is delivered again.
  return FromRocks(db_->Write(rocksdb::WriteOptions(), &batch), "completing outbox work");
}

absl::Status IngestionStore::UpdateOutbox(uint64_t seq, const v1::OutboxRecord& record) {
  // Not synced: a lost retry count only means an earlier retry.
  return FromRocks(db_->Put(rocksdb::WriteOptions(), handle(ColumnFamily::kOutbox),
                            store_keys::OutboxKey(seq), record.SerializeAsString()),
                   "updating an outbox record");
}

absl::Status IngestionStore::SyncDeferred() {
  if (!durable_) return absl::OkStatus();
  std::lock_guard<std::mutex> lock(sync_mu_);
  if (!unsynced_.exchange(false)) return absl::OkStatus();
  absl::Status s = FromRocks(db_->SyncWAL(), "syncing the store");
  if (!s.ok()) unsynced_.store(true);  // still not known to be on disk
  return s;
}

}  // namespace ingestion
}  // namespace budgetperf
