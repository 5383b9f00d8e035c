#include "services/ingestion/ingestor.h"

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/codes/division_code.h"
#include "common/codes/uscc.h"
#include "common/status/status_macros.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/unknown_field_set.h"
#include "services/ingestion/evaluation_status.h"
#include "services/ingestion/validation_errors.h"

namespace budgetperf {
namespace ingestion {
namespace {

v1::Violation MakeViolation(std::string field_path, std::string value, std::string rule,
                            std::string message) {
  v1::Violation v;
  v.set_field_path(std::move(field_path));
  v.set_value(std::move(value));
  v.set_rule(std::move(rule));
  v.set_message(CutUtf8(message, kMaxMessageBytes));
  return v;
}

// Checks the (uscc, year) a read names; the violations use the request's
// field names.
absl::Status ValidateUnitYear(const std::string& uscc, int32_t year) {
  std::vector<v1::Violation> violations;
  if (uscc.empty()) {
    violations.push_back(MakeViolation("uscc", "", "required", "the unit's USCC is required"));
  } else if (absl::Status s = ValidateUscc(uscc); !s.ok()) {
    violations.push_back(
        MakeViolation("uscc", CutUtf8(uscc), "uscc_format", std::string(s.message())));
  }
  if (year < kMinYear || year > kMaxYear) {
    violations.push_back(MakeViolation(
        "year", absl::StrCat(year), "year_range",
        absl::StrCat("year must be within ", kMinYear, "..", kMaxYear, ", found ", year)));
  }
  if (violations.empty()) return absl::OkStatus();
  return MakeValidationError(violations);
}

// The leading digits that every code within `division` shares: 430600 →
// "4306", 430000 → "43", 430602 → "430602".
std::string DivisionPrefix(const std::string& division) {
  std::string prefix = division;
  while (prefix.size() > 2 && prefix.compare(prefix.size() - 2, 2, "00") == 0) {
    prefix.resize(prefix.size() - 2);
  }
  return prefix;
}

v1::VersionSummary Summarize(const v1::StoredEvaluation& e) {
  v1::VersionSummary s;
  s.set_uscc(e.package().unit().uscc());
  s.set_year(e.package().year());
  s.set_version(e.version());
  s.set_status(e.status());
  s.set_submitted_at_unix_ms(e.submitted_at_unix_ms());
  s.set_idempotency_key(e.idempotency_key());
  s.set_package_sha256(e.package_sha256());
  s.set_warning_count(e.warnings_size());
  if (e.has_scorecard()) *s.mutable_scorecard_summary() = e.scorecard().summary();
  s.set_scoring_status(ScoringStatusOf(e));
  s.set_has_errors(e.has_errors());
  *s.mutable_finding_counts() = CountFindings(e.findings());
  return s;
}

// The findings of rules that `config` makes blocking for their division,
// decided by HasBlockingFinding itself so that the two never disagree.
std::vector<v1::Finding> BlockingOf(const std::vector<v1::Finding>& findings,
                                    const ConsistencyConfig& config) {
  std::vector<v1::Finding> blocking;
  for (const v1::Finding& f : findings) {
    if (HasBlockingFinding({f}, config)) blocking.push_back(f);
  }
  return blocking;
}

// The first block of each Submit's arena: most packages fit in it, so the
// arena allocates nothing from the heap. One Submit at a time per thread.
constexpr size_t kThreadArenaBlockBytes = 256 * 1024;
char* ThreadArenaBlock() {
  thread_local std::unique_ptr<char[]> block(new char[kThreadArenaBlockBytes]);
  return block.get();
}

// --- batched listings ------------------------------------------------------
//
// A batched listing sends each version as stored. A StoredEvaluation field
// and the serialised StoredEvaluation it holds are the same bytes on the
// wire, so the stored value is copied into the message whole, and only what
// the summary needs is parsed: parsing a package (hundreds of small
// messages) to serialise it again was most of what a listing cost.

// Calls `visit(field_number, raw, payload)` for each top-level field of the
// serialised message `bytes`, in order, until it returns false: `raw` is the
// whole field (tag and value), `payload` the contents of a length-delimited
// one. False if a visit did, or if `bytes` is not a well-formed message
// (groups, which proto3 never writes, count as malformed).
template <typename Visit>
bool ForEachField(absl::string_view bytes, Visit visit) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  while (true) {
    const int start = in.CurrentPosition();
    const uint32_t tag = in.ReadTagNoLastTag();
    if (tag == 0) return start == static_cast<int>(bytes.size());  // the end, or a bad tag
    absl::string_view payload;
    switch (tag & 7) {  // the wire type
      case 0: {
        uint64_t varint;
        if (!in.ReadVarint64(&varint)) return false;
        break;
      }
      case 1: {
        uint64_t fixed;
        if (!in.ReadLittleEndian64(&fixed)) return false;
        break;
      }
      case 2: {
        uint32_t length;
        if (!in.ReadVarint32(&length)) return false;
        const int at = in.CurrentPosition();
        if (length > bytes.size() - at || !in.Skip(static_cast<int>(length))) return false;
        payload = bytes.substr(at, length);
        break;
      }
      case 5: {
        uint32_t fixed;
        if (!in.ReadLittleEndian32(&fixed)) return false;
        break;
      }
      default:
        return false;
    }
    if (!visit(static_cast<int>(tag >> 3), bytes.substr(start, in.CurrentPosition() - start),
               payload)) {
      return false;
    }
  }
}

void AppendVarint(uint64_t value, std::string* out) {
  uint8_t buffer[10];  // the longest varint
  uint8_t* end = google::protobuf::io::CodedOutputStream::WriteVarint64ToArray(value, buffer);
  out->append(reinterpret_cast<const char*>(buffer), end - buffer);
}

// Appends a length-delimited field (a string, bytes or a message).
void AppendLengthDelimited(int field, absl::string_view payload, std::string* out) {
  AppendVarint((static_cast<uint64_t>(field) << 3) | 2, out);  // wire type 2
  AppendVarint(payload.size(), out);
  out->append(payload.data(), payload.size());
}

// The fields of message `bytes` whose numbers are in `keep`, as they are.
bool KeepFields(absl::string_view bytes, std::initializer_list<int> keep, std::string* out) {
  return ForEachField(bytes, [&](int field, absl::string_view raw, absl::string_view) {
    if (std::find(keep.begin(), keep.end(), field) != keep.end()) out->append(raw.data(), raw.size());
    return true;
  });
}

// Summarize of a serialised StoredEvaluation, parsing only what it reads:
// the package is cut to its unit and year and the scorecard to its summary
// before the rest (versions, statuses, warnings, findings: small) is parsed.
absl::StatusOr<v1::VersionSummary> SummarizeStored(absl::string_view bytes) {
  using v1::StoredEvaluation;
  std::string head;
  const bool well_formed =
      ForEachField(bytes, [&](int field, absl::string_view raw, absl::string_view payload) {
        std::string cut;
        switch (field) {
          case StoredEvaluation::kPackageFieldNumber:
            if (!KeepFields(payload,
                            {v1::EvaluationPackage::kUnitFieldNumber,
                             v1::EvaluationPackage::kYearFieldNumber},
                            &cut)) {
              return false;
            }
            AppendLengthDelimited(field, cut, &head);
            return true;
          case StoredEvaluation::kScorecardFieldNumber:
            if (!KeepFields(payload, {v1::ScoreCard::kSummaryFieldNumber}, &cut)) return false;
            AppendLengthDelimited(field, cut, &head);
            return true;
          default:
            head.append(raw.data(), raw.size());
            return true;
        }
      });
  v1::StoredEvaluation evaluation;
  if (!well_formed || !evaluation.ParseFromString(head)) {
    return absl::DataLossError("cannot parse the stored evaluation");
  }
  return Summarize(evaluation);
}

// Appends one entry of a listing as the fields of a ListEvaluationsResponse:
// the serialisation of what ReadListing answers. `stored`, when not null, is
// the stored version, sent as `evaluation` unparsed.
void AppendListingEntry(const ListingKey& key, const v1::VersionSummary& summary,
                        const std::string* stored, std::string* out) {
  using v1::ListEvaluationsResponse;
  // Always there, as mutable_summary() makes it in ReadListing.
  AppendLengthDelimited(ListEvaluationsResponse::kSummaryFieldNumber, summary.SerializeAsString(),
                        out);
  // proto3 leaves empty strings off the wire.
  const std::pair<int, const std::string*> strings[] = {
      {ListEvaluationsResponse::kUnitNameFieldNumber, &key.unit_name},
      {ListEvaluationsResponse::kDivisionCodeFieldNumber, &key.division_code},
      {ListEvaluationsResponse::kSupervisingDepartmentFieldNumber, &key.supervising_department},
  };
  for (const auto& [field, value] : strings) {
    if (!value->empty()) AppendLengthDelimited(field, *value, out);
  }
  if (stored != nullptr) {
    AppendLengthDelimited(ListEvaluationsResponse::kEvaluationFieldNumber, *stored, out);
  }
}

// A few entries are read before their size is known.
constexpr size_t kFirstBatchReads = 8;

}  // namespace

int64_t SystemUnixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string PackageSha256(const v1::EvaluationPackage& package) {
  // Serialized into a buffer of the thread's, sized once: growing a fresh
  // string for every package cost more than hashing it.
  thread_local std::string bytes;
  const size_t size = package.ByteSizeLong();
  bytes.resize(size);
  {
    google::protobuf::io::ArrayOutputStream stream(bytes.data(), static_cast<int>(size));
    google::protobuf::io::CodedOutputStream coded(&stream);
    // The same package must hash the same in every process and release.
    coded.SetSerializationDeterministic(true);
    package.SerializeWithCachedSizes(&coded);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), size, digest, &length, EVP_sha256(), nullptr);
  // A very large package's buffer is not kept for the thread's lifetime.
  if (bytes.capacity() > (1 << 20)) std::string().swap(bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

Ingestor::Ingestor(IngestionStore* store, Scorer* scorer, Options options)
    : store_(store),
      scorer_(scorer),
      options_(std::move(options)),
      checker_(options_.consistency) {}

absl::StatusOr<std::optional<v1::SubmitResponse>> Ingestor::Replay(const std::string& key,
                                                                   const std::string& sha256) {
  ASSIGN_OR_RETURN(std::optional<IdempotencyRecord> record, store_->GetIdempotency(key));
  if (!record.has_value()) return std::optional<v1::SubmitResponse>();
  if (record->package_sha256() != sha256) {
    return absl::AlreadyExistsError(
        absl::StrCat("idempotency key \"", key, "\" was already used for another package (",
                     record->response().uscc(), " ", record->response().year(), " version ",
                     record->response().version(), "); use a new key for a new filing"));
  }
  // The first answer may be of a Submit whose sync was deferred: it is
  // acknowledged now, so it must be on disk now.
  RETURN_IF_ERROR(store_->SyncDeferred());
  v1::SubmitResponse response = record->response();
  response.set_replayed(true);
  return std::optional<v1::SubmitResponse>(std::move(response));
}

absl::StatusOr<v1::SubmitResponse> Ingestor::Submit(const v1::SubmitRequest& request) {
  return Submit(request, Sync::kNow);
}

absl::Status Ingestor::SyncDeferred() { return store_->SyncDeferred(); }

absl::StatusOr<v1::SubmitResponse> Ingestor::Submit(const v1::SubmitRequest& request,
                                                    Sync sync) {
  const v1::EvaluationPackage& filed = request.package();

  std::vector<v1::Violation> violations = validator_.Validate(filed);
  const std::string& key = request.idempotency_key();
  if (static_cast<int64_t>(key.size()) > kMaxIdempotencyKeyBytes) {
    violations.push_back(
        MakeViolation("idempotency_key", CutUtf8(key, 40), "max_text_bytes",
                      absl::StrCat("idempotency key is ", key.size(), " bytes, at most ",
                                   kMaxIdempotencyKeyBytes, " allowed")));
  }
  if (!violations.empty()) return MakeValidationError(violations);

  const std::string sha256 = PackageSha256(filed);
  if (!key.empty()) {
    ASSIGN_OR_RETURN(std::optional<v1::SubmitResponse> replay, Replay(key, sha256));
    if (replay.has_value()) return *std::move(replay);
  }

  // The version is built on an arena, in a block of the thread's: a package
  // is hundreds of small messages and strings, and allocating and freeing
  // each of them from the heap cost more than the checks run on them.
  google::protobuf::ArenaOptions arena_options;
  arena_options.initial_block = ThreadArenaBlock();
  arena_options.initial_block_size = kThreadArenaBlockBytes;
  google::protobuf::Arena arena(arena_options);
  v1::StoredEvaluation& evaluation =
      *google::protobuf::Arena::CreateMessage<v1::StoredEvaluation>(&arena);
  *evaluation.mutable_package() = filed;
  for (v1::Warning& w : validator_.Normalize(evaluation.mutable_package())) {
    *evaluation.add_warnings() = std::move(w);
  }

  // Before scoring: a package its region refuses costs no scoring call.
  std::vector<v1::Finding> findings = checker_.Check(evaluation.package());
  if (std::vector<v1::Finding> blocking = BlockingOf(findings, checker_.config());
      !blocking.empty()) {
    return MakeBlockingFindingsError(blocking, CountFindings(findings));
  }
  for (v1::Finding& f : findings) *evaluation.add_findings() = std::move(f);
  evaluation.set_has_errors(HasErrorFinding(evaluation.findings()));

  // Scoring needs no version, so it runs before the locks: a slow or
  // unreachable scoring service never holds up other Submits of the unit.
  std::string scoring_error = "no scoring service configured";
  v1::EvaluationStatus scoring_status = v1::SCORING_PENDING;
  if (scorer_ != nullptr) {
    absl::StatusOr<v1::ScoreCard> card = scorer_->Score(evaluation.package());
    if (card.ok()) {
      // Handed to the arena as it is rather than copied into it.
      evaluation.set_allocated_scorecard(new v1::ScoreCard(*std::move(card)));
      scoring_status = v1::SCORED;
      evaluation.set_scored_at_unix_ms(options_.clock());
    } else if (IsPermanentScoringError(card.status())) {
      scoring_status = v1::SCORING_FAILED;
      evaluation.set_scoring_error(std::string(card.status().message()));
    } else {
      scoring_error = card.status().ToString();
    }
  }
  SetScoringStatus(&evaluation, scoring_status);

  const std::string& uscc = filed.unit().uscc();
  const int32_t year = filed.year();
  absl::MutexLockMaybe key_lock(
      key.empty() ? nullptr : &key_locks_[std::hash<std::string>()(key) % kStripes]);
  if (!key.empty()) {
    // A concurrent Submit with the same key may have stored while this one
    // was scoring.
    ASSIGN_OR_RETURN(std::optional<v1::SubmitResponse> replay, Replay(key, sha256));
    if (replay.has_value()) return *std::move(replay);
  }
  absl::MutexLock unit_lock(
      &unit_locks_[std::hash<std::string>()(store_keys::UnitYearKey(uscc, year)) % kStripes]);

  ASSIGN_OR_RETURN(std::optional<LatestVersionRecord> latest, store_->GetLatest(uscc, year));
  const int32_t version = latest.has_value() ? latest->version() + 1 : 1;
  const int64_t now = options_.clock();
  evaluation.set_version(version);
  evaluation.set_submitted_at_unix_ms(now);
  evaluation.set_idempotency_key(key);
  evaluation.set_package_sha256(sha256);

  v1::SubmitResponse response;
  response.set_uscc(uscc);
  response.set_year(year);
  response.set_version(version);
  response.set_status(evaluation.status());
  *response.mutable_warnings() = evaluation.warnings();
  if (evaluation.has_scorecard()) {
    *response.mutable_scorecard_summary() = evaluation.scorecard().summary();
  }
  response.set_submitted_at_unix_ms(now);
  response.set_package_sha256(sha256);
  *response.mutable_findings() = evaluation.findings();
  response.set_scoring_status(evaluation.scoring_status());
  response.set_has_errors(evaluation.has_errors());
  *response.mutable_finding_counts() = CountFindings(evaluation.findings());

  NewVersion change;
  change.previous = std::move(latest);
  change.idempotency_key = key;
  if (!key.empty()) {
    change.idempotency.set_package_sha256(sha256);
    *change.idempotency.mutable_response() = response;
    change.idempotency.set_created_at_unix_ms(now);
  }
  if (evaluation.scoring_status() == v1::SCORING_PENDING) {
    OutboxRecord& record = change.outbox.emplace_back(
        MakeOutboxRecord(uscc, year, version, OUTBOX_SCORE, now));
    record.set_last_error(scoring_error);
  }
  // Delivered as it stands; if scoring is pending, the dispatcher delivers
  // the version again once it is scored.
  if (options_.deliver_to_aggregation) {
    change.outbox.push_back(
        MakeOutboxRecord(uscc, year, version, OUTBOX_DELIVER_AGGREGATION, now));
  }
  change.borrowed = &evaluation;
  change.defer_sync = sync == Sync::kLater;
  RETURN_IF_ERROR(store_->CommitNewVersion(change));
  if (!change.outbox.empty() && options_.on_outbox_work) options_.on_outbox_work();
  return response;
}

absl::StatusOr<v1::GetEvaluationResponse> Ingestor::GetEvaluation(
    const v1::GetEvaluationRequest& request) {
  RETURN_IF_ERROR(ValidateUnitYear(request.uscc(), request.year()));
  ASSIGN_OR_RETURN(std::optional<LatestVersionRecord> latest,
                   store_->GetLatest(request.uscc(), request.year()));
  if (!latest.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("nothing stored for ", request.uscc(), " in ", request.year()));
  }
  const int32_t version = request.has_version() ? request.version() : latest->version();
  if (version < 1 || version > latest->version()) {
    return absl::NotFoundError(absl::StrCat("no version ", version, " of ", request.uscc(), " for ",
                                            request.year(), " (latest is ", latest->version(),
                                            ")"));
  }
  v1::GetEvaluationResponse response;
  ASSIGN_OR_RETURN(*response.mutable_evaluation(),
                   store_->GetEvaluation(request.uscc(), request.year(), version));
  response.set_latest_version(latest->version());
  return response;
}

absl::StatusOr<v1::ListVersionsResponse> Ingestor::ListVersions(
    const v1::ListVersionsRequest& request) {
  RETURN_IF_ERROR(ValidateUnitYear(request.uscc(), request.year()));
  ASSIGN_OR_RETURN(std::vector<v1::StoredEvaluation> versions,
                   store_->ListVersions(request.uscc(), request.year()));
  v1::ListVersionsResponse response;
  for (const v1::StoredEvaluation& e : versions) *response.add_versions() = Summarize(e);
  return response;
}

absl::StatusOr<std::vector<ListingKey>> Ingestor::ListEvaluationKeys(
    const v1::ListEvaluationsRequest& request) {
  std::vector<v1::Violation> violations;
  if (request.year() != 0 && (request.year() < kMinYear || request.year() > kMaxYear)) {
    violations.push_back(MakeViolation(
        "year", absl::StrCat(request.year()), "year_range",
        absl::StrCat("year must be 0 (every year) or within ", kMinYear, "..", kMaxYear)));
  }
  if (!request.division_code().empty()) {
    if (absl::Status s = ValidateDivisionCode(request.division_code()); !s.ok()) {
      violations.push_back(MakeViolation("division_code", CutUtf8(request.division_code()),
                                         "division_code", std::string(s.message())));
    }
  }
  if (!request.supervising_department_uscc().empty()) {
    if (absl::Status s = ValidateUscc(request.supervising_department_uscc()); !s.ok()) {
      violations.push_back(MakeViolation("supervising_department_uscc",
                                         CutUtf8(request.supervising_department_uscc()),
                                         "uscc_format", std::string(s.message())));
    }
  }
  if (request.batch() < 0) {
    violations.push_back(MakeViolation("batch", absl::StrCat(request.batch()), "non_negative",
                                       "batch must be 0 or more"));
  }
  if (!violations.empty()) return MakeValidationError(violations);
  // Listings feed aggregation's Recompute, which stores what it reads
  // durably: nothing listed may be lost in a power cut afterwards.
  RETURN_IF_ERROR(store_->SyncDeferred());

  const std::string& division = request.division_code();
  std::vector<ListingKey> keys;
  RETURN_IF_ERROR(store_->ScanYearIndex(
      request.year(), division.empty() ? "" : DivisionPrefix(division),
      [&](const YearIndexEntry& entry) {
        if (!division.empty() && !DivisionContains(division, entry.division_code)) return true;
        if (!request.supervising_department().empty() &&
            entry.record.supervising_department() != request.supervising_department()) {
          return true;
        }
        if (!request.supervising_department_uscc().empty() &&
            entry.record.supervising_department_uscc() != request.supervising_department_uscc()) {
          return true;
        }
        ListingKey& key = keys.emplace_back();
        key.uscc = entry.uscc;
        key.year = entry.year;
        key.version = entry.record.latest_version();
        key.unit_name = entry.record.unit_name();
        key.division_code = entry.division_code;
        key.supervising_department = entry.record.supervising_department();
        return true;
      }));
  return keys;
}

absl::StatusOr<v1::ListEvaluationsResponse> Ingestor::ReadListing(const ListingKey& key,
                                                                  v1::EvaluationView view) {
  ASSIGN_OR_RETURN(v1::StoredEvaluation evaluation,
                   store_->GetEvaluation(key.uscc, key.year, key.version));
  v1::ListEvaluationsResponse response;
  *response.mutable_summary() = Summarize(evaluation);
  response.set_unit_name(key.unit_name);
  response.set_division_code(key.division_code);
  response.set_supervising_department(key.supervising_department);
  if (view != v1::EVALUATION_VIEW_SUMMARY) *response.mutable_evaluation() = std::move(evaluation);
  return response;
}

absl::StatusOr<size_t> Ingestor::ReadListingBatch(absl::Span<const ListingKey> keys,
                                                  v1::EvaluationView view, size_t max_bytes,
                                                  v1::ListEvaluationsResponse* response) {
  // The items go in as unknown fields numbered as `batch`: on the wire an
  // unknown length-delimited field and an element of `batch` are the same
  // bytes, so clients parse typed items while the server never builds them
  // as messages. (The service keeps writing the generated type, which the
  // access guard and every other wrapper expect, rather than raw buffers.)
  google::protobuf::UnknownFieldSet* items =
      response->GetReflection()->MutableUnknownFields(response);
  const bool full = view != v1::EVALUATION_VIEW_SUMMARY;
  size_t used = 0;
  size_t bytes = 0;
  auto room = [&] { return used == 0 || bytes < max_bytes; };
  while (used < keys.size() && room()) {
    // As many reads as are likely to fit: a few first, then as many as the
    // entries so far say. Reads that do not fit are dropped (and done again
    // for the next message).
    size_t want = std::min(keys.size() - used, kFirstBatchReads);
    if (used > 0) {
      const size_t average = std::max<size_t>(1, bytes / used);
      want = std::min(keys.size() - used, (max_bytes - bytes) / average + 1);
    }
    std::vector<EvaluationId> ids;
    ids.reserve(want);
    for (const ListingKey& key : keys.subspan(used, want)) {
      ids.push_back({key.uscc, key.year, key.version});
    }
    ASSIGN_OR_RETURN(std::vector<std::string> stored, store_->GetEvaluationBytes(ids));
    for (size_t i = 0; i < stored.size() && room(); ++i) {
      ASSIGN_OR_RETURN(v1::VersionSummary summary, SummarizeStored(stored[i]));
      std::string* item = items->AddLengthDelimited(v1::ListEvaluationsResponse::kBatchFieldNumber);
      AppendListingEntry(keys[used], summary, full ? &stored[i] : nullptr, item);
      bytes += item->size();
      ++used;
    }
  }
  return used;
}

}  // namespace ingestion
}  // namespace budgetperf
