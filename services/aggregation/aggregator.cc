#include "services/aggregation/aggregator.h"

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/codes/uscc.h"
#include "common/status/status_macros.h"
#include "services/aggregation/aggregation_keys.h"
#include "services/aggregation/aggregator_internal.h"

namespace budgetperf {

namespace keys = aggregation_keys;

namespace aggregator_internal {

absl::Status ValidateYear(int32_t year, absl::string_view what) {
  if (year < kMinYear || year > kMaxYear) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", year, " is not between ", kMinYear, " and ", kMaxYear));
  }
  return absl::OkStatus();
}

bool IsOrphanPath(const std::vector<std::string>& path) {
  return path.size() >= 2 && OrgTree::IsUnassignedCode(path[1]);
}

std::vector<std::string> PathOf(const google::protobuf::RepeatedPtrField<std::string>& path) {
  return std::vector<std::string>(path.begin(), path.end());
}

// The division a unit's package belongs to: as filed, else the one inside
// its USCC (characters 3–8), else none.
std::string DivisionOf(const v1::EvaluationPackage& package) {
  if (!package.unit().division_code().empty()) return package.unit().division_code();
  if (ValidateUscc(package.unit().uscc()).ok()) {
    return std::string(UsccDivisionCode(package.unit().uscc()));
  }
  return "";
}

// What ApplyEvaluation refuses before looking at the store.
absl::Status CheckApply(const v1::ApplyEvaluationRequest& request) {
  RETURN_IF_ERROR(keys::ValidateCode(request.package().unit().uscc(), "package.unit.uscc"));
  RETURN_IF_ERROR(ValidateYear(request.package().year(), "package.year"));
  if (request.version() < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("version ", request.version(), " must be 1 or more"));
  }
  return absl::OkStatus();
}

std::string FormatNodeErrors(const std::vector<NodeError>& errors,
                             const std::vector<std::string>& labels, absl::string_view what) {
  std::vector<std::string> lines;
  for (const NodeError& e : errors) {
    if (e.index >= 0 && e.index < static_cast<int>(labels.size())) {
      lines.push_back(absl::StrCat(labels[e.index], ": ", e.message));
    } else {
      lines.push_back(e.message);
    }
  }
  return absl::StrCat(errors.size(), " bad ", what, ":\n", absl::StrJoin(lines, "\n"));
}

}  // namespace aggregator_internal

// ---------------------------------------------------------------------------
// Opening
// ---------------------------------------------------------------------------

Aggregator::Aggregator(Options options, std::unique_ptr<AggregationStore> store,
                       std::shared_ptr<const OrgTree> tree)
    : options_(std::move(options)), store_(std::move(store)), tree_(std::move(tree)) {}

Aggregator::~Aggregator() = default;

absl::StatusOr<std::unique_ptr<Aggregator>> Aggregator::Open(Options options) {
  AggregationStore::Options store_options;
  store_options.path = options.data_dir;
  store_options.sync_writes = options.durable;
  ASSIGN_OR_RETURN(std::unique_ptr<AggregationStore> store,
                   AggregationStore::Open(store_options));
  ASSIGN_OR_RETURN(std::vector<v1::OrgNode> nodes, store->LoadNodes());
  auto tree = std::make_shared<OrgTree>();
  for (const v1::OrgNode& node : nodes) tree->Put(node);
  return std::unique_ptr<Aggregator>(
      new Aggregator(std::move(options), std::move(store), std::move(tree)));
}

std::shared_ptr<const OrgTree> Aggregator::CurrentTree() const {
  absl::MutexLock lock(&tree_mu_);
  return tree_;
}

Aggregator::ReadState Aggregator::BeginRead() const {
  absl::MutexLock lock(&tree_mu_);
  return ReadState{tree_, store_->NewReader()};
}

int64_t Aggregator::Now() const {
  if (options_.now_unix_ms) return options_.now_unix_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

absl::Status Aggregator::CommitLocked(AggregationStore::Mutation& m, TreeEditor& editor) {
  if (editor.changed()) {
    absl::Status committed;
    {
      absl::MutexLock lock(&tree_mu_);
      committed = store_->Commit(m);
      if (committed.ok()) tree_ = editor.Result();
    }
    // Names, kinds, expected units and children may all have changed.
    cache_.Clear();
    return committed;
  }
  const absl::Status committed = store_->Commit(m);
  // Dropped even when the write failed: whether it landed is not certain.
  // A Drilldown depends on the node's rollup and its children's; a child is
  // written with its parent along a path, except the root of a Recompute,
  // hence the tree parent of every rollup written too.
  std::shared_ptr<const OrgTree> tree = CurrentTree();
  std::vector<std::pair<std::string, int32_t>> touched;
  touched.reserve(m.written_rollups().size() * 2);
  for (const auto& [code, year] : m.written_rollups()) {
    touched.emplace_back(code, year);
    std::string parent = tree->ParentAt(code, year);
    if (!parent.empty()) touched.emplace_back(std::move(parent), year);
  }
  cache_.Invalidate(touched);
  return committed;
}

}  // namespace budgetperf
