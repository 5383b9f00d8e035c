// budget-aggregation end to end: the real binary on a free port with its own
// data folder, called over real gRPC, against a generated district (430602)
// of 320 units in 6 departments. Every expected figure is summed here from
// the generated packages, field by field, independently of the service's
// own arithmetic.

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "budgetperf/v1/aggregation.grpc.pb.h"
#include "common/codes/uscc.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/command.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace budgetperf {
namespace {

using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

constexpr char kDistrict[] = "430602";
constexpr int kDepartments = 6;
constexpr int kUnits = 320;

std::string Department(int d) { return absl::StrFormat("430602-D%02d", d + 1); }

std::string Uscc(int serial) {
  const std::string first17 = absl::StrFormat("12430602MB%07d", serial);
  absl::StatusOr<char> check = UsccCheckCharacter(first17);
  return first17 + (check.ok() ? *check : '0');
}

// One generated version of a unit's package, with the score it was given.
struct Filing {
  v1::EvaluationPackage package;
  int32_t version = 1;
  std::optional<v1::ScoreCardSummary> score;

  v1::ApplyEvaluationRequest Request() const {
    v1::ApplyEvaluationRequest r;
    *r.mutable_package() = package;
    r.set_version(version);
    r.set_submitted_at_unix_ms(1'700'000'000'000 + version);
    if (score.has_value()) *r.mutable_score() = *score;
    return r;
  }
};

v1::Grade GradeOf(int32_t centipoints) {
  if (centipoints >= 9000) return v1::GRADE_EXCELLENT;
  if (centipoints >= 8000) return v1::GRADE_GOOD;
  if (centipoints >= 6000) return v1::GRADE_FAIR;
  return v1::GRADE_POOR;
}

int64_t Between(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
}

void SetRow(v1::CostControlRow* row, int64_t prior, int64_t budget, int64_t final) {
  row->set_prior_year_final_fen(prior);
  row->set_budget_fen(budget);
  row->set_final_fen(final);
}

// Varied, plausible figures: budgets from 1 万元 to 500 万元 to the fen,
// execution from 70% to 105%, about one unit in ten not scored yet.
Filing Generate(std::mt19937_64& rng, const std::string& uscc, int32_t year, int32_t version,
                const std::string& division = kDistrict) {
  Filing f;
  f.version = version;
  v1::EvaluationPackage& p = f.package;
  p.mutable_unit()->set_uscc(uscc);
  p.mutable_unit()->set_name(absl::StrCat("预算单位 ", uscc.substr(10, 7)));
  p.mutable_unit()->set_division_code(division);
  p.set_year(year);
  v1::BasicDataTable* basic = p.mutable_basic_data();
  const int32_t authorized = static_cast<int32_t>(Between(rng, 3, 80));
  basic->mutable_staffing()->set_authorized_posts(authorized);
  basic->mutable_staffing()->set_actual_staff(
      static_cast<int32_t>(Between(rng, authorized * 7 / 10, authorized + 2)));

  const int64_t full_year = Between(rng, 1'000'000, 500'000'000);
  const int64_t executed = full_year * Between(rng, 7000, 10500) / 10000 + Between(rng, 0, 99);
  v1::OverallSelfEvaluation* overall = p.mutable_overall();
  overall->mutable_funds()->mutable_amounts()->set_initial_budget_fen(
      full_year - Between(rng, 0, full_year / 4));
  overall->mutable_funds()->mutable_amounts()->set_full_year_budget_fen(full_year);
  overall->mutable_funds()->mutable_amounts()->set_executed_fen(executed);
  const int64_t general = full_year * Between(rng, 6000, 10000) / 10000;
  const int64_t government = (full_year - general) / 3;
  overall->mutable_by_source()->set_general_public_budget_fen(general);
  overall->mutable_by_source()->set_government_funds_fen(government);
  overall->mutable_by_source()->set_non_tax_special_account_fen(Between(rng, 0, 50'000));
  overall->mutable_by_source()->set_other_funds_fen(full_year - general - government);
  const int64_t basic_spending = executed * Between(rng, 3000, 9000) / 10000;
  overall->mutable_by_nature()->set_basic_fen(basic_spending);
  overall->mutable_by_nature()->set_project_fen(executed - basic_spending);

  v1::ThreePublicExpenses* three = basic->mutable_three_public_expenses();
  const int64_t purchase = rng() % 4 == 0 ? Between(rng, 0, 30'000'000) : 0;
  const int64_t operation = Between(rng, 0, 3'000'000);
  const int64_t overseas = rng() % 10 == 0 ? Between(rng, 0, 5'000'000) : 0;
  const int64_t reception = Between(rng, 0, 800'000);
  SetRow(three->mutable_vehicle_purchase(), 0, purchase, purchase);
  SetRow(three->mutable_vehicle_operation(), Between(rng, 0, 3'000'000), operation + 10'000,
         operation);
  SetRow(three->mutable_official_vehicles(), 0, purchase + operation + 10'000,
         purchase + operation);
  SetRow(three->mutable_overseas_travel(), 0, overseas, overseas);
  SetRow(three->mutable_official_reception(), Between(rng, 0, 900'000), reception + 20'000,
         reception);
  SetRow(three->mutable_total(), 0, purchase + operation + overseas + reception + 30'000,
         purchase + operation + overseas + reception);
  SetRow(basic->mutable_project_spending()->mutable_total(), Between(rng, 0, 100'000'000),
         executed - basic_spending + 5'000, executed - basic_spending);
  SetRow(basic->mutable_project_spending()->mutable_operating_work_funds(), 0,
         (executed - basic_spending) / 2, (executed - basic_spending) / 2);
  const int64_t office = Between(rng, 100'000, 3'000'000);
  SetRow(basic->mutable_public_funds()->mutable_office(), Between(rng, 0, 3'000'000), office,
         office);
  SetRow(basic->mutable_public_funds()->mutable_total(), Between(rng, 0, 9'000'000),
         office * 3, office * 2 + Between(rng, 0, 1'000'000));
  const int64_t procurement = Between(rng, 0, full_year / 5);
  SetRow(basic->mutable_government_procurement(), Between(rng, 0, full_year / 5),
         procurement + 1'000, procurement);

  if (rng() % 10 != 0) {
    v1::ScoreCardSummary score;
    score.set_profile("national-2020");
    const int32_t computed = static_cast<int32_t>(Between(rng, 4500, 9990));
    const int32_t self = std::min<int32_t>(10000, computed + static_cast<int32_t>(Between(rng, -300, 1200)));
    score.set_graded_centipoints(computed);
    score.set_grade(GradeOf(computed));
    score.set_self_graded_centipoints(self);
    score.set_self_grade(GradeOf(self));
    f.score = score;
  }
  return f;
}

// The expected totals of a set of units, summed field by field here.
struct Totals {
  int64_t filed = 0, scored = 0, unassigned = 0;
  int64_t authorized = 0, actual = 0;
  int64_t initial = 0, full_year = 0, executed = 0;
  int64_t general = 0, government = 0, non_tax = 0, other = 0, basic = 0, project = 0;
  int64_t three_budget = 0, three_final = 0, three_prior = 0, reception_final = 0;
  int64_t vehicles_final = 0, purchase_final = 0, overseas_final = 0;
  int64_t project_final = 0, project_budget = 0, project_prior = 0;
  int64_t public_final = 0, office_final = 0, procurement_final = 0, procurement_budget = 0;
  int64_t score_sum = 0, self_sum = 0;
  int64_t excellent = 0, good = 0, fair = 0, poor = 0;
  int32_t score_min = INT32_MAX, score_max = INT32_MIN, self_min = INT32_MAX, self_max = INT32_MIN;

  void Add(const Filing& f) {
    const v1::EvaluationPackage& p = f.package;
    ++filed;
    authorized += p.basic_data().staffing().authorized_posts();
    actual += p.basic_data().staffing().actual_staff();
    initial += p.overall().funds().amounts().initial_budget_fen();
    full_year += p.overall().funds().amounts().full_year_budget_fen();
    executed += p.overall().funds().amounts().executed_fen();
    general += p.overall().by_source().general_public_budget_fen();
    government += p.overall().by_source().government_funds_fen();
    non_tax += p.overall().by_source().non_tax_special_account_fen();
    other += p.overall().by_source().other_funds_fen();
    basic += p.overall().by_nature().basic_fen();
    project += p.overall().by_nature().project_fen();
    const v1::ThreePublicExpenses& t = p.basic_data().three_public_expenses();
    three_budget += t.total().budget_fen();
    three_final += t.total().final_fen();
    three_prior += t.total().prior_year_final_fen();
    reception_final += t.official_reception().final_fen();
    vehicles_final += t.official_vehicles().final_fen();
    purchase_final += t.vehicle_purchase().final_fen();
    overseas_final += t.overseas_travel().final_fen();
    project_final += p.basic_data().project_spending().total().final_fen();
    project_budget += p.basic_data().project_spending().total().budget_fen();
    project_prior += p.basic_data().project_spending().total().prior_year_final_fen();
    public_final += p.basic_data().public_funds().total().final_fen();
    office_final += p.basic_data().public_funds().office().final_fen();
    procurement_final += p.basic_data().government_procurement().final_fen();
    procurement_budget += p.basic_data().government_procurement().budget_fen();
    if (f.score.has_value()) {
      ++scored;
      const int32_t c = f.score->graded_centipoints();
      const int32_t s = f.score->self_graded_centipoints();
      score_sum += c;
      self_sum += s;
      score_min = std::min(score_min, c);
      score_max = std::max(score_max, c);
      self_min = std::min(self_min, s);
      self_max = std::max(self_max, s);
      switch (f.score->grade()) {
        case v1::GRADE_EXCELLENT: ++excellent; break;
        case v1::GRADE_GOOD: ++good; break;
        case v1::GRADE_FAIR: ++fair; break;
        default: ++poor; break;
      }
    }
  }
};

// numerator ÷ denominator in basis points, half-up, for non-negative figures.
int64_t Bp(int64_t numerator, int64_t denominator) {
  return (numerator * 20000 + denominator) / (2 * denominator);
}

void ExpectRollupEquals(const v1::Rollup& rollup, const Totals& t, const std::string& label) {
  SCOPED_TRACE(label);
  const v1::RollupMeasures& m = rollup.measures();
  EXPECT_EQ(m.units().filed(), t.filed);
  EXPECT_EQ(m.units().scored(), t.scored);
  EXPECT_EQ(m.units().unassigned(), t.unassigned);
  EXPECT_EQ(m.staffing().authorized_posts(), t.authorized);
  EXPECT_EQ(m.staffing().actual_staff(), t.actual);
  EXPECT_EQ(m.funds().initial_budget_fen(), t.initial);
  EXPECT_EQ(m.funds().full_year_budget_fen(), t.full_year);
  EXPECT_EQ(m.funds().executed_fen(), t.executed);
  EXPECT_EQ(m.funds().by_source().general_public_budget_fen(), t.general);
  EXPECT_EQ(m.funds().by_source().government_funds_fen(), t.government);
  EXPECT_EQ(m.funds().by_source().non_tax_special_account_fen(), t.non_tax);
  EXPECT_EQ(m.funds().by_source().other_funds_fen(), t.other);
  EXPECT_EQ(m.funds().by_nature().basic_fen(), t.basic);
  EXPECT_EQ(m.funds().by_nature().project_fen(), t.project);
  EXPECT_EQ(m.three_public_expenses().total().budget_fen(), t.three_budget);
  EXPECT_EQ(m.three_public_expenses().total().final_fen(), t.three_final);
  EXPECT_EQ(m.three_public_expenses().total().prior_year_final_fen(), t.three_prior);
  EXPECT_EQ(m.three_public_expenses().official_reception().final_fen(), t.reception_final);
  EXPECT_EQ(m.three_public_expenses().official_vehicles().final_fen(), t.vehicles_final);
  EXPECT_EQ(m.three_public_expenses().vehicle_purchase().final_fen(), t.purchase_final);
  EXPECT_EQ(m.three_public_expenses().overseas_travel().final_fen(), t.overseas_final);
  EXPECT_EQ(m.project_spending().total().final_fen(), t.project_final);
  EXPECT_EQ(m.project_spending().total().budget_fen(), t.project_budget);
  EXPECT_EQ(m.project_spending().total().prior_year_final_fen(), t.project_prior);
  EXPECT_EQ(m.public_funds().total().final_fen(), t.public_final);
  EXPECT_EQ(m.public_funds().office().final_fen(), t.office_final);
  EXPECT_EQ(m.procurement().final_fen(), t.procurement_final);
  EXPECT_EQ(m.procurement().budget_fen(), t.procurement_budget);
  EXPECT_EQ(m.scores().computed().count(), t.scored);
  EXPECT_EQ(m.scores().computed().sum_centipoints(), t.score_sum);
  EXPECT_EQ(m.scores().self().sum_centipoints(), t.self_sum);
  EXPECT_EQ(m.scores().computed().excellent(), t.excellent);
  EXPECT_EQ(m.scores().computed().good(), t.good);
  EXPECT_EQ(m.scores().computed().fair(), t.fair);
  EXPECT_EQ(m.scores().computed().poor(), t.poor);
  if (t.scored > 0) {
    EXPECT_EQ(m.scores().computed().min_centipoints(), t.score_min);
    EXPECT_EQ(m.scores().computed().max_centipoints(), t.score_max);
    EXPECT_EQ(m.scores().self().min_centipoints(), t.self_min);
    EXPECT_EQ(m.scores().self().max_centipoints(), t.self_max);
    EXPECT_EQ(m.scores().computed().mean_centipoints(),
              (t.score_sum * 2 + t.scored) / (2 * t.scored));
  }
  if (t.full_year > 0) {
    EXPECT_EQ(m.funds().execution_rate_bp(), Bp(t.executed, t.full_year));
  }
  if (t.authorized > 0) {
    EXPECT_EQ(m.staffing().control_rate_bp(), Bp(t.actual, t.authorized));
  }
}

// The generated district: its tree (as CSV) and who belongs where.
struct District {
  std::vector<std::string> units;
  std::map<std::string, int> department_of;  // uscc → department index
  std::string csv;
};

District MakeDistrict(std::mt19937_64& rng) {
  District d;
  d.csv = "code,name,kind,parent_code,division_code,valid_from_year\n";
  d.csv += absl::StrCat(kDistrict, ",岳阳楼区,district,,", kDistrict, ",\n");
  for (int i = 0; i < kDepartments; ++i) {
    // A quoted name with a comma and quotes, as spreadsheets write them.
    d.csv += absl::StrCat(Department(i), ",\"区第", i + 1, "局, \"\"本级\"\"\",department,",
                          kDistrict, ",", kDistrict, ",\n");
  }
  for (int i = 0; i < kUnits; ++i) {
    const std::string uscc = Uscc(1000 + i);
    // Unevenly spread: the first departments get more units.
    const int department = static_cast<int>(std::min<uint64_t>(rng() % 8, kDepartments - 1));
    d.units.push_back(uscc);
    d.department_of[uscc] = department;
    d.csv += absl::StrCat(uscc, ",单位", i, ",unit,", Department(department), ",", kDistrict,
                          ",\n");
  }
  return d;
}

// A gRPC client of one running budget-aggregation.
class Client {
 public:
  explicit Client(const std::string& address)
      : stub_(v1::AggregationService::NewStub(
            grpc::CreateChannel(address, grpc::InsecureChannelCredentials()))) {}

  static std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return context;
  }

  grpc::Status Apply(const v1::ApplyEvaluationRequest& request,
                     v1::ApplyEvaluationResponse* response) {
    return stub_->ApplyEvaluation(Context().get(), request, response);
  }

  v1::ApplyEvaluationResponse MustApply(const v1::ApplyEvaluationRequest& request) {
    v1::ApplyEvaluationResponse response;
    grpc::Status status = Apply(request, &response);
    EXPECT_THAT(status, IsOk());
    return response;
  }

  v1::Rollup Rollup(const std::string& code, int32_t year) {
    v1::GetRollupRequest request;
    request.set_node_code(code);
    request.set_year(year);
    v1::GetRollupResponse response;
    grpc::Status status = stub_->GetRollup(Context().get(), request, &response);
    EXPECT_THAT(status, IsOk()) << code << ": " << status.error_message();
    return response.rollup();
  }

  v1::AggregationService::Stub* stub() { return stub_.get(); }

 private:
  std::unique_ptr<v1::AggregationService::Stub> stub_;
};

class AggregationIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<testutil::TempDir> dir = testutil::TempDir::Create("aggregation-it");
    ASSERT_THAT(dir, IsOk());
    dir_.emplace(*std::move(dir));
    district_ = MakeDistrict(rng_);
  }

  // Starts (or restarts) the server on the test's data folder.
  void StartServer() {
    client_.reset();
    absl::StatusOr<std::unique_ptr<testutil::ServerProcess>> server =
        testutil::ServerProcess::Start(
            testutil::BinaryPath("budget-aggregation"),
            {"--listen=127.0.0.1:0", "--data=" + dir_->Join("aggregation")});
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
    client_ = std::make_unique<Client>(server_->address());
  }

  void ImportDistrict() {
    v1::ImportOrgCsvRequest request;
    request.set_csv(district_.csv);
    v1::ImportOrgCsvResponse response;
    grpc::Status status = client_->stub()->ImportOrgCsv(Client::Context().get(), request, &response);
    ASSERT_THAT(status, IsOk());
    EXPECT_EQ(response.nodes_written(), 1 + kDepartments + kUnits);
    EXPECT_EQ(response.units(), kUnits);
  }

  // Totals of the latest filings for the district and each department.
  std::map<std::string, Totals> Expected(const std::map<std::string, Filing>& latest) {
    std::map<std::string, Totals> totals;
    totals[kDistrict];
    for (int d = 0; d < kDepartments; ++d) totals[Department(d)];
    for (const auto& [uscc, filing] : latest) {
      totals[kDistrict].Add(filing);
      totals[Department(district_.department_of.at(uscc))].Add(filing);
    }
    return totals;
  }

  void ExpectAllRollups(const std::map<std::string, Filing>& latest, int32_t year) {
    for (const auto& [code, totals] : Expected(latest)) {
      ExpectRollupEquals(client_->Rollup(code, year), totals, code);
    }
  }

  v1::RecomputeResponse Recompute(const std::string& code, int32_t year) {
    v1::RecomputeRequest request;
    request.set_node_code(code);
    request.set_year(year);
    v1::RecomputeResponse response;
    grpc::Status status = client_->stub()->Recompute(Client::Context().get(), request, &response);
    EXPECT_THAT(status, IsOk());
    return response;
  }

  std::mt19937_64 rng_{20230602};
  std::optional<testutil::TempDir> dir_;
  District district_;
  std::unique_ptr<testutil::ServerProcess> server_;
  std::unique_ptr<Client> client_;
};

TEST_F(AggregationIntegrationTest, RollupsEqualIndependentSumsAndMoveByTheDifference) {
  StartServer();
  ImportDistrict();
  std::map<std::string, Filing> latest;
  for (const std::string& uscc : district_.units) {
    latest[uscc] = Generate(rng_, uscc, 2023, 1);
    EXPECT_EQ(client_->MustApply(latest[uscc].Request()).outcome(), v1::APPLY_OUTCOME_APPLIED);
  }
  ExpectAllRollups(latest, 2023);
  const v1::Rollup district = client_->Rollup(kDistrict, 2023);
  EXPECT_EQ(district.measures().units().expected(), kUnits);
  EXPECT_EQ(district.measures().units().filed_share_bp(), 10000);

  // Drilldown: the departments by executed funds, largest first.
  std::map<std::string, Totals> totals = Expected(latest);
  std::vector<std::string> by_executed;
  for (int d = 0; d < kDepartments; ++d) by_executed.push_back(Department(d));
  std::sort(by_executed.begin(), by_executed.end(), [&](const std::string& a, const std::string& b) {
    return totals[a].executed > totals[b].executed;
  });
  v1::DrilldownRequest drill;
  drill.set_node_code(kDistrict);
  drill.set_year(2023);
  drill.set_sort_by("funds.executed_fen");
  drill.set_descending(true);
  v1::DrilldownResponse children;
  ASSERT_THAT(client_->stub()->Drilldown(Client::Context().get(), drill, &children), IsOk());
  std::vector<std::string> order;
  for (const v1::Rollup& child : children.children()) {
    order.push_back(child.node_code());
    ExpectRollupEquals(child, totals[child.node_code()], "drilldown " + child.node_code());
    EXPECT_EQ(child.node_kind(), v1::NODE_KIND_DEPARTMENT);
  }
  EXPECT_THAT(order, ElementsAreArray(by_executed));

  // TopN among the district's units.
  std::vector<std::pair<int64_t, std::string>> units_by_executed;
  for (const auto& [uscc, f] : latest) {
    units_by_executed.emplace_back(-f.package.overall().funds().amounts().executed_fen(), uscc);
  }
  std::sort(units_by_executed.begin(), units_by_executed.end());
  v1::TopNRequest top;
  top.set_node_code(kDistrict);
  top.set_year(2023);
  top.set_measure("funds.executed_fen");
  top.set_n(5);
  v1::TopNResponse ranked;
  ASSERT_THAT(client_->stub()->TopN(Client::Context().get(), top, &ranked), IsOk());
  ASSERT_EQ(ranked.units_size(), 5);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(ranked.units(i).uscc(), units_by_executed[i].second);
    EXPECT_EQ(ranked.units(i).value(), -units_by_executed[i].first);
  }

  // Resubmissions: a dozen units file version 2; every total moves by
  // exactly the difference.
  std::map<std::string, int64_t> executed_before;
  for (const auto& [code, t] : totals) executed_before[code] = client_->Rollup(code, 2023).measures().funds().executed_fen();
  std::map<std::string, int64_t> difference;
  std::vector<Filing> first_versions;
  for (int i = 0; i < 12; ++i) {
    const std::string& uscc = district_.units[i * 25];
    first_versions.push_back(latest[uscc]);
    Filing v2 = Generate(rng_, uscc, 2023, 2);
    const int64_t delta = v2.package.overall().funds().amounts().executed_fen() -
                          latest[uscc].package.overall().funds().amounts().executed_fen();
    difference[kDistrict] += delta;
    difference[Department(district_.department_of[uscc])] += delta;
    latest[uscc] = v2;
    EXPECT_EQ(client_->MustApply(v2.Request()).outcome(), v1::APPLY_OUTCOME_REPLACED);
  }
  for (const auto& [code, before] : executed_before) {
    EXPECT_EQ(client_->Rollup(code, 2023).measures().funds().executed_fen() - before,
              difference[code])
        << code;
  }
  ExpectAllRollups(latest, 2023);

  // An older version delivered after the newer one, and a duplicate, change
  // nothing.
  for (const Filing& old : first_versions) {
    v1::ApplyEvaluationResponse stale = client_->MustApply(old.Request());
    EXPECT_EQ(stale.outcome(), v1::APPLY_OUTCOME_STALE);
    EXPECT_EQ(stale.applied_version(), 2);
  }
  EXPECT_EQ(client_->MustApply(latest[district_.units[0]].Request()).outcome(),
            v1::APPLY_OUTCOME_DUPLICATE);
  ExpectAllRollups(latest, 2023);
  EXPECT_THAT(Recompute(kDistrict, 2023).drift(), IsEmpty());
  client_.reset();
  EXPECT_THAT(server_->Terminate(), IsOk());
}

TEST_F(AggregationIntegrationTest, KilledMidLoadConvergesWithNoLossAndNoDoubleCount) {
  StartServer();
  ImportDistrict();
  // Every unit's version 1, and a version 2 for one unit in eight, in order.
  std::vector<Filing> deliveries;
  std::map<std::string, Filing> latest;
  for (const std::string& uscc : district_.units) {
    deliveries.push_back(Generate(rng_, uscc, 2024, 1));
    latest[uscc] = deliveries.back();
  }
  for (size_t i = 0; i < district_.units.size(); i += 8) {
    deliveries.push_back(Generate(rng_, district_.units[i], 2024, 2));
    latest[district_.units[i]] = deliveries.back();
  }

  // Deliver from another thread; kill -9 the server half way. The loader
  // waits at the half-way mark until the kill is done, so that the kill
  // always falls inside the load however busy the machine is; the calls it
  // then makes meet a dead server.
  std::atomic<int> delivered{0};
  std::atomic<bool> killed{false};
  const int half = static_cast<int>(deliveries.size()) / 2;
  {
    Client loader(server_->address());
    std::thread load([&] {
      for (const Filing& f : deliveries) {
        if (delivered.load() == half) {
          while (!killed.load()) absl::SleepFor(absl::Milliseconds(1));
        }
        v1::ApplyEvaluationResponse response;
        if (!loader.Apply(f.Request(), &response).ok()) return;  // the server is gone
        ++delivered;
      }
    });
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (delivered.load() < half && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(1));
    }
    server_->Kill9();
    killed = true;
    load.join();
  }
  EXPECT_GE(delivered.load(), static_cast<int>(deliveries.size()) / 2);
  EXPECT_LT(delivered.load(), static_cast<int>(deliveries.size()));

  // Restart on the same data and deliver everything again, in a shuffled
  // order (so older versions also arrive after newer ones): at least once.
  StartServer();
  const v1::Rollup partial = client_->Rollup(kDistrict, 2024);
  EXPECT_GE(partial.measures().units().filed(), 1);
  EXPECT_LE(partial.measures().units().filed(), kUnits);
  std::vector<const Filing*> again;
  for (const Filing& f : deliveries) again.push_back(&f);
  std::shuffle(again.begin(), again.end(), rng_);
  for (const Filing* f : again) client_->MustApply(f->Request());
  ExpectAllRollups(latest, 2024);
  EXPECT_EQ(client_->Rollup(kDistrict, 2024).measures().units().filed(), kUnits);

  v1::CoverageRequest coverage;
  coverage.set_node_code(kDistrict);
  coverage.set_year(2024);
  v1::CoverageResponse covered;
  ASSERT_THAT(client_->stub()->Coverage(Client::Context().get(), coverage, &covered), IsOk());
  EXPECT_EQ(covered.units_filed(), kUnits);
  EXPECT_EQ(covered.missing_size(), 0);
  EXPECT_EQ(covered.units_share_bp(), 10000);
  EXPECT_THAT(Recompute(kDistrict, 2024).drift(), IsEmpty());
  client_.reset();
  EXPECT_THAT(server_->Terminate(), IsOk());
}

TEST_F(AggregationIntegrationTest, AUnitMovingDepartmentBetweenYears) {
  StartServer();
  ImportDistrict();
  const std::string mover = district_.units[7];
  const int from = district_.department_of[mover];
  const int to = (from + 1) % kDepartments;
  std::map<int32_t, Filing> filings;
  for (int32_t year : {2023, 2024}) {
    filings[year] = Generate(rng_, mover, year, 1);
    client_->MustApply(filings[year].Request());
  }
  const int64_t expected_from_2023 = client_->Rollup(Department(from), 2023).measures().units().expected();

  v1::MoveNodeRequest move;
  move.set_code(mover);
  move.set_new_parent_code(Department(to));
  move.set_from_year(2024);
  v1::MoveNodeResponse moved;
  grpc::Status status = client_->stub()->MoveNode(Client::Context().get(), move, &moved);
  ASSERT_THAT(status, IsOk());
  EXPECT_EQ(moved.contributions_moved(), 1);  // 2024 only
  filings[2025] = Generate(rng_, mover, 2025, 1);
  client_->MustApply(filings[2025].Request());

  auto executed = [&](int department, int32_t year) {
    return client_->Rollup(Department(department), year).measures().funds().executed_fen();
  };
  auto filed = [&](int32_t year) { return filings[year].package.overall().funds().amounts().executed_fen(); };
  EXPECT_EQ(executed(from, 2023), filed(2023));  // 2023 keeps the tree of 2023
  EXPECT_EQ(executed(to, 2023), 0);
  EXPECT_EQ(executed(from, 2024), 0);
  EXPECT_EQ(executed(to, 2024), filed(2024));
  EXPECT_EQ(executed(to, 2025), filed(2025));
  EXPECT_EQ(client_->Rollup(kDistrict, 2024).measures().funds().executed_fen(), filed(2024));
  EXPECT_EQ(client_->Rollup(Department(from), 2023).measures().units().expected(),
            expected_from_2023);
  EXPECT_EQ(client_->Rollup(Department(from), 2024).measures().units().expected(),
            expected_from_2023 - 1);

  v1::GetNodeRequest get;
  get.set_code(mover);
  get.set_year(2023);
  v1::GetNodeResponse node;
  ASSERT_THAT(client_->stub()->GetNode(Client::Context().get(), get, &node), IsOk());
  EXPECT_EQ(node.path(1), Department(from));
  get.set_year(2024);
  ASSERT_THAT(client_->stub()->GetNode(Client::Context().get(), get, &node), IsOk());
  EXPECT_EQ(node.path(1), Department(to));
  EXPECT_EQ(node.versions_size(), 2);
  for (int32_t year : {2023, 2024, 2025}) EXPECT_THAT(Recompute(kDistrict, year).drift(), IsEmpty());
  client_.reset();
  EXPECT_THAT(server_->Terminate(), IsOk());
}

TEST_F(AggregationIntegrationTest, AUnitOutsideTheTreeIsUnassignedAndInCoverage) {
  StartServer();
  ImportDistrict();
  std::map<std::string, Filing> latest;
  for (int i = 0; i < 10; ++i) {
    const std::string& uscc = district_.units[i];
    latest[uscc] = Generate(rng_, uscc, 2023, 1);
    client_->MustApply(latest[uscc].Request());
  }
  const std::string outsider = Uscc(9999);
  const Filing outside = Generate(rng_, outsider, 2023, 1);
  v1::ApplyEvaluationResponse applied = client_->MustApply(outside.Request());
  EXPECT_TRUE(applied.unassigned());
  EXPECT_EQ(applied.path(1), "unassigned-430602");

  Totals unassigned;
  unassigned.Add(outside);
  unassigned.unassigned = 1;
  ExpectRollupEquals(client_->Rollup("unassigned-430602", 2023), unassigned, "unassigned");
  Totals district = Expected(latest)[kDistrict];
  district.Add(outside);
  district.unassigned = 1;
  ExpectRollupEquals(client_->Rollup(kDistrict, 2023), district, "district");

  v1::CoverageRequest coverage;
  coverage.set_node_code(kDistrict);
  coverage.set_year(2023);
  v1::CoverageResponse covered;
  ASSERT_THAT(client_->stub()->Coverage(Client::Context().get(), coverage, &covered), IsOk());
  EXPECT_EQ(covered.units_expected(), kUnits);
  EXPECT_EQ(covered.units_filed(), 10);
  EXPECT_EQ(covered.units_share_bp(), Bp(10, kUnits));
  EXPECT_EQ(covered.missing_size(), kUnits - 10);
  ASSERT_EQ(covered.unassigned_size(), 1);
  EXPECT_EQ(covered.unassigned(0).uscc(), outsider);
  EXPECT_EQ(covered.unassigned(0).division_code(), kDistrict);
  EXPECT_EQ(covered.unassigned(0).name(), outside.package.unit().name());

  // Once the tree has it, it moves in with its figures.
  v1::ImportOrgCsvRequest add;
  add.set_csv(absl::StrCat("code,name,kind,parent_code,division_code\n", outsider,
                           ",新设单位,unit,", Department(2), ",", kDistrict, "\n"));
  v1::ImportOrgCsvResponse added;
  grpc::Status status = client_->stub()->ImportOrgCsv(Client::Context().get(), add, &added);
  ASSERT_THAT(status, IsOk());
  EXPECT_EQ(added.contributions_moved(), 1);
  ASSERT_THAT(client_->stub()->Coverage(Client::Context().get(), coverage, &covered), IsOk());
  EXPECT_EQ(covered.unassigned_size(), 0);
  EXPECT_EQ(covered.units_filed(), 11);
  EXPECT_EQ(client_->Rollup("unassigned-430602", 2023).measures().units().filed(), 0);
  district.unassigned = 0;
  ExpectRollupEquals(client_->Rollup(kDistrict, 2023), district, "district after import");
  EXPECT_THAT(Recompute(kDistrict, 2023).drift(), IsEmpty());
  client_.reset();
  EXPECT_THAT(server_->Terminate(), IsOk());
}

}  // namespace
}  // namespace budgetperf
