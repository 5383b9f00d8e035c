#include "tools/budgetctl/aggregation_commands.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "budgetperf/v1/aggregation.grpc.pb.h"
#include "common/money/money.h"
#include "common/money/points.h"
#include "common/money/rate.h"
#include "common/server/grpc_status.h"
#include "common/text/text_table.h"
#include "services/aggregation/org_csv_errors.h"

namespace budgetperf {
namespace budgetctl {
namespace {

// How a command prints its answer.
struct OutputFlags {
  bool csv = false;
};

std::string Wan(int64_t fen) { return FormatWanYuan(fen); }

std::string Rate(bool present, int64_t bp) { return present ? FormatBasisPoints(bp) : "—"; }

std::string Points(bool present, int64_t centipoints) {
  if (!present) return "—";
  return FormatCentipoints(centipoints);
}

// A measure's value in the unit its name ends with ("…_fen" in 万元,
// "…_bp" as a percentage, "…_centipoints" in points), counts as they are.
std::string MeasureValue(absl::string_view measure, int64_t value) {
  if (absl::EndsWith(measure, "_fen")) return Wan(value);
  if (absl::EndsWith(measure, "_bp")) return FormatBasisPoints(value);
  if (absl::EndsWith(measure, "_centipoints")) {
    const std::string magnitude = Points(true, value < 0 ? -value : value);
    return value < 0 ? "-" + magnitude : magnitude;
  }
  return absl::StrCat(value);
}

std::string CsvCell(const std::string& cell) {
  if (cell.find_first_of(",\"\n") == std::string::npos) return cell;
  return absl::StrCat("\"", absl::StrReplaceAll(cell, {{"\"", "\"\""}}), "\"");
}

void PrintCsv(const std::vector<std::string>& headings,
              const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::string> cells;
  for (const auto& h : headings) cells.push_back(CsvCell(h));
  std::cout << absl::StrJoin(cells, ",") << "\n";
  for (const auto& row : rows) {
    cells.clear();
    for (const auto& c : row) cells.push_back(CsvCell(c));
    std::cout << absl::StrJoin(cells, ",") << "\n";
  }
}

void PrintTable(const std::vector<std::string>& headings,
                const std::vector<std::vector<std::string>>& rows, const OutputFlags& out,
                const std::vector<size_t>& right_aligned) {
  if (out.csv) {
    PrintCsv(headings, rows);
    return;
  }
  TextTable table(headings);
  for (size_t column : right_aligned) table.AlignRight(column);
  for (const auto& row : rows) table.AddRow(row);
  std::cout << table.Render();
}

const char* KindName(v1::NodeKind kind) {
  switch (kind) {
    case v1::NODE_KIND_PROVINCE: return "省 province";
    case v1::NODE_KIND_CITY: return "市 city";
    case v1::NODE_KIND_DISTRICT: return "区县 district";
    case v1::NODE_KIND_DEPARTMENT: return "部门 department";
    case v1::NODE_KIND_UNIT: return "单位 unit";
    case v1::NODE_KIND_UNASSIGNED: return "未归属 unassigned";
    default: return "";
  }
}

// The rollup as label/value rows: what a bureau reads first.
std::vector<std::vector<std::string>> RollupRows(const v1::Rollup& r) {
  const v1::RollupMeasures& m = r.measures();
  const auto& f = m.funds();
  auto columns = [](const char* label, const v1::CostColumnsTotals& c) {
    return std::vector<std::string>{label, absl::StrCat(Wan(c.prior_year_final_fen()), " / ",
                                                        Wan(c.budget_fen()), " / ",
                                                        Wan(c.final_fen()))};
  };
  const auto& computed = m.scores().computed();
  const auto& self = m.scores().self();
  return {
      {"单位 units expected / filed / scored",
       absl::StrCat(m.units().has_expected() ? absl::StrCat(m.units().expected()) : "—", " / ",
                    m.units().filed(), " / ", m.units().scored())},
      {"报送率 filed share", Rate(m.units().has_filed_share_bp(), m.units().filed_share_bp())},
      {"未归属 unassigned units", absl::StrCat(m.units().unassigned())},
      {"编制 / 在职 staffing", absl::StrCat(m.staffing().authorized_posts(), " / ",
                                          m.staffing().actual_staff(), "  (",
                                          Rate(m.staffing().has_control_rate_bp(),
                                               m.staffing().control_rate_bp()),
                                          ")")},
      {"年初预算 initial budget (万元)", Wan(f.initial_budget_fen())},
      {"全年预算 full-year budget (万元)", Wan(f.full_year_budget_fen())},
      {"全年执行 executed (万元)", Wan(f.executed_fen())},
      {"执行率 execution rate", Rate(f.has_execution_rate_bp(), f.execution_rate_bp())},
      {"基本 / 项目 basic / project (万元)",
       absl::StrCat(Wan(f.by_nature().basic_fen()), " / ", Wan(f.by_nature().project_fen()))},
      columns("三公经费 (上年决算/本年预算/本年决算)", m.three_public_expenses().total()),
      columns("项目支出 (上年决算/本年预算/本年决算)", m.project_spending().total()),
      columns("公用经费 (上年决算/本年预算/本年决算)", m.public_funds().total()),
      columns("政府采购 (上年决算/本年预算/本年决算)", m.procurement()),
      {"得分 mean computed / self",
       absl::StrCat(Points(computed.has_mean_centipoints(), computed.mean_centipoints()), " / ",
                    Points(self.has_mean_centipoints(), self.mean_centipoints()))},
      {"得分 min / max (computed)",
       absl::StrCat(Points(computed.has_min_centipoints(), computed.min_centipoints()), " / ",
                    Points(computed.has_max_centipoints(), computed.max_centipoints()))},
      {"等级 优/良/中/差 (computed)", absl::StrCat(computed.excellent(), " / ", computed.good(),
                                                  " / ", computed.fair(), " / ", computed.poor())},
      {"等级 优/良/中/差 (self)", absl::StrCat(self.excellent(), " / ", self.good(), " / ",
                                              self.fair(), " / ", self.poor())},
      {"问题 findings error / warning / explain",
       absl::StrCat(m.findings().error(), " / ", m.findings().warning(), " / ",
                    m.findings().needs_explanation())},
  };
}

// One line per child in a drilldown.
std::vector<std::string> ChildRow(const v1::Rollup& r) {
  const v1::RollupMeasures& m = r.measures();
  const auto& computed = m.scores().computed();
  return {r.node_code(),
          r.node_name(),
          KindName(r.node_kind()),
          absl::StrCat(m.units().filed(), "/",
                       m.units().has_expected() ? absl::StrCat(m.units().expected()) : "—"),
          Wan(m.funds().full_year_budget_fen()),
          Wan(m.funds().executed_fen()),
          Rate(m.funds().has_execution_rate_bp(), m.funds().execution_rate_bp()),
          Points(computed.has_mean_centipoints(), computed.mean_centipoints()),
          absl::StrCat(m.findings().error())};
}

const std::vector<std::string> kChildHeadings = {
    "code", "name", "kind", "filed/expected", "全年预算(万元)", "执行(万元)", "执行率",
    "得分 mean", "errors"};

std::string ReadFile(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = static_cast<bool>(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

void AddAggregationCommands(CLI::App& app, const GlobalOptions& options, int* exit_code) {
  auto stub = [&options] {
    return v1::AggregationService::NewStub(MakeChannel(options.aggregation_address()));
  };

  // budgetctl org import FILE.csv / org list [--parent CODE] [--year Y]
  CLI::App* org = app.add_subcommand("org", "the organisation tree: import, list");
  org->require_subcommand(1);
  {
    auto* import = org->add_subcommand(
        "import", "import nodes from CSV: code,name,kind,parent_code,division_code[,valid_from_year]");
    auto file = std::make_shared<std::string>();
    import->add_option("FILE", *file, "the CSV file")->required();
    import->callback([&options, exit_code, stub, file] {
      bool ok = false;
      const std::string csv = ReadFile(*file, &ok);
      if (!ok) {
        std::cerr << "budgetctl: cannot read " << *file << "\n";
        *exit_code = kExitFailure;
        return;
      }
      v1::ImportOrgCsvRequest request;
      request.set_csv(csv);
      v1::ImportOrgCsvResponse response;
      auto context = MakeContext(options);
      grpc::Status status = stub()->ImportOrgCsv(context.get(), request, &response);
      if (!status.ok()) {
        *exit_code = ReportRpcError(options.aggregation_address(), status);
        // With --json, the bad rows machine-readably too (the message on
        // stderr lists them for people).
        if (std::optional<v1::OrgCsvErrors> errors = GetOrgCsvErrors(FromGrpcStatus(status));
            errors.has_value() && options.json) {
          std::cout << ToJson(*errors);
        }
        return;
      }
      if (options.json) {
        std::cout << ToJson(response);
      } else {
        std::cout << "imported " << response.nodes_written() << " nodes (" << response.units()
                  << " units); contributions moved into the tree: "
                  << response.contributions_moved() << "\n";
      }
    });
  }
  {
    auto* list = org->add_subcommand("list", "list a node's children (the roots by default)");
    auto parent = std::make_shared<std::string>();
    auto year = std::make_shared<int>(0);
    auto out = std::make_shared<OutputFlags>();
    list->add_option("--parent", *parent, "parent node code; empty: the roots");
    list->add_option("--year", *year, "the tree as of this year (0: latest)");
    list->add_flag("--csv", out->csv, "print CSV");
    list->callback([&options, exit_code, stub, parent, year, out] {
      v1::ListNodesRequest request;
      request.set_parent_code(*parent);
      request.set_year(*year);
      v1::ListNodesResponse response;
      auto context = MakeContext(options);
      grpc::Status status = stub()->ListNodes(context.get(), request, &response);
      if (!status.ok()) {
        *exit_code = ReportRpcError(options.aggregation_address(), status);
        return;
      }
      if (options.json) {
        std::cout << ToJson(response);
        return;
      }
      std::vector<std::vector<std::string>> rows;
      for (const v1::OrgNode& node : response.nodes()) {
        rows.push_back({node.code(), node.name(), KindName(node.kind()), node.parent_code(),
                        node.division_code()});
      }
      PrintTable({"code", "name", "kind", "parent", "division"}, rows, *out, {});
    });
  }

  // budgetctl rollup NODE YEAR
  {
    auto* rollup = app.add_subcommand("rollup", "the totals of a node's subtree for a year");
    auto node = std::make_shared<std::string>();
    auto year = std::make_shared<int>(0);
    auto out = std::make_shared<OutputFlags>();
    rollup->add_option("NODE", *node, "org node code, e.g. 430602")->required();
    rollup->add_option("YEAR", *year, "year, e.g. 2023")->required();
    rollup->add_flag("--csv", out->csv, "print CSV (measure,value)");
    rollup->callback([&options, exit_code, stub, node, year, out] {
      v1::GetRollupRequest request;
      request.set_node_code(*node);
      request.set_year(*year);
      v1::GetRollupResponse response;
      auto context = MakeContext(options);
      grpc::Status status = stub()->GetRollup(context.get(), request, &response);
      if (!status.ok()) {
        *exit_code = ReportRpcError(options.aggregation_address(), status);
        return;
      }
      if (options.json) {
        std::cout << ToJson(response);
        return;
      }
      if (!out->csv) {
        std::cout << response.rollup().node_name() << " (" << response.rollup().node_code()
                  << ", " << KindName(response.rollup().node_kind()) << ") " << *year << "\n";
      }
      PrintTable({"measure", "value"}, RollupRows(response.rollup()), *out, {1});
    });
  }

  // budgetctl drilldown NODE YEAR [--sort M] [--desc] [--page-size N] [--page-token T]
  {
    auto* drill = app.add_subcommand("drilldown", "each child's totals, sorted and paginated");
    auto node = std::make_shared<std::string>();
    auto year = std::make_shared<int>(0);
    auto request = std::make_shared<v1::DrilldownRequest>();
    auto sort = std::make_shared<std::string>();
    auto descending = std::make_shared<bool>(false);
    auto page_size = std::make_shared<int>(50);
    auto page_token = std::make_shared<std::string>();
    auto out = std::make_shared<OutputFlags>();
    drill->add_option("NODE", *node, "org node code")->required();
    drill->add_option("YEAR", *year, "year")->required();
    drill->add_option("--sort", *sort,
                      "measure to sort by, e.g. funds.executed_fen, funds.execution_rate_bp, "
                      "scores.computed.mean_centipoints");
    drill->add_flag("--desc", *descending, "largest first");
    drill->add_option("--page-size", *page_size, "children per page (at most 1000)")
        ->capture_default_str();
    drill->add_option("--page-token", *page_token, "next_page_token of the previous page");
    drill->add_flag("--csv", out->csv, "print CSV");
    drill->callback([&options, exit_code, stub, node, year, request, sort, descending, page_size, page_token, out] {
      request->set_node_code(*node);
      request->set_year(*year);
      request->set_sort_by(*sort);
      request->set_descending(*descending);
      request->set_page_size(*page_size);
      request->set_page_token(*page_token);
      v1::DrilldownResponse response;
      auto context = MakeContext(options);
      grpc::Status status = stub()->Drilldown(context.get(), *request, &response);
      if (!status.ok()) {
        *exit_code = ReportRpcError(options.aggregation_address(), status);
        return;
      }
      if (options.json) {
        std::cout << ToJson(response);
        return;
      }
      std::vector<std::vector<std::string>> rows;
      for (const v1::Rollup& child : response.children()) rows.push_back(ChildRow(child));
      PrintTable(kChildHeadings, rows, *out, {3, 4, 5, 6, 7, 8});
      if (!out->csv) {
        std::cout << rows.size() << " of " << response.total_children() << " children";
        if (!response.next_page_token().empty()) {
          std::cout << "; next page: --page-token=" << response.next_page_token();
        }
        std::cout << "\n";
      }
    });
  }

  // budgetctl coverage NODE YEAR
  {
    auto* coverage = app.add_subcommand("coverage", "who has not filed, and the share filed");
    auto node = std::make_shared<std::string>();
    auto year = std::make_shared<int>(0);
    auto out = std::make_shared<OutputFlags>();
    coverage->add_option("NODE", *node, "org node code")->required();
    coverage->add_option("YEAR", *year, "year")->required();
    coverage->add_flag("--csv", out->csv, "print the missing units as CSV");
    coverage->callback([&options, exit_code, stub, node, year, out] {
      v1::CoverageRequest request;
      request.set_node_code(*node);
      request.set_year(*year);
      v1::CoverageResponse response;
      auto context = MakeContext(options);
      grpc::Status status = stub()->Coverage(context.get(), request, &response);
      if (!status.ok()) {
        *exit_code = ReportRpcError(options.aggregation_address(), status);
        return;
      }
      if (options.json) {
        std::cout << ToJson(response);
        return;
      }
      if (!out->csv) {
        std::cout << "filed " << response.units_filed() << " of " << response.units_expected()
                  << " units ("
                  << Rate(response.has_units_share_bp(), response.units_share_bp())
                  << "), budget covered "
                  << Rate(response.has_budget_share_bp(), response.budget_share_bp()) << "\n";
        std::cout << "未报送 not filed: " << response.missing_size()
                  << "; 未归属 filed but not in the tree: " << response.unassigned_size() << "\n";
      }
      std::vector<std::vector<std::string>> rows;
      for (const v1::MissingUnit& unit : response.missing()) {
        rows.push_back({"未报送 missing", unit.uscc(), unit.name(), unit.parent_code()});
      }
      for (const v1::UnassignedUnit& unit : response.unassigned()) {
        rows.push_back({"未归属 unassigned", unit.uscc(), unit.name(), ""});
      }
      if (!rows.empty() || out->csv) {
        PrintTable({"status", "uscc", "name", "parent"}, rows, *out, {});
      }
    });
  }

  // budgetctl compare NODE YEAR_A YEAR_B
  {
    auto* compare = app.add_subcommand("compare", "each measure's change between two years");
    auto node = std::make_shared<std::string>();
    auto year_a = std::make_shared<int>(0);
    auto year_b = std::make_shared<int>(0);
    auto measures = std::make_shared<std::vector<std::string>>();
    auto out = std::make_shared<OutputFlags>();
    compare->add_option("NODE", *node, "org node code")->required();
    compare->add_option("YEAR_A", *year_a, "the earlier year")->required();
    compare->add_option("YEAR_B", *year_b, "the later year")->required();
    compare->add_option("--measure", *measures, "only these measures (repeatable)");
    compare->add_flag("--csv", out->csv, "print CSV");
    compare->callback([&options, exit_code, stub, node, year_a, year_b, measures, out] {
      v1::CompareYearsRequest request;
      request.set_node_code(*node);
      request.set_year_a(*year_a);
      request.set_year_b(*year_b);
      for (const auto& m : *measures) request.add_measures(m);
      v1::CompareYearsResponse response;
      auto context = MakeContext(options);
      grpc::Status status = stub()->CompareYears(context.get(), request, &response);
      if (!status.ok()) {
        *exit_code = ReportRpcError(options.aggregation_address(), status);
        return;
      }
      if (options.json) {
        std::cout << ToJson(response);
        return;
      }
      std::vector<std::vector<std::string>> rows;
      for (const v1::MeasureChange& change : response.changes()) {
        if (measures->empty() && change.has_change() && change.change() == 0) continue;
        const std::string& m = change.measure();
        rows.push_back({m, change.has_value_a() ? MeasureValue(m, change.value_a()) : "—",
                        change.has_value_b() ? MeasureValue(m, change.value_b()) : "—",
                        change.has_change() ? MeasureValue(m, change.change()) : "—",
                        Rate(change.has_change_bp(), change.change_bp())});
      }
      // --csv keeps the same formatted cells; --json has the raw integers.
      PrintTable({"measure (_fen in 万元, _bp in %, _centipoints in points)", absl::StrCat(*year_a),
                  absl::StrCat(*year_b), "change", "change %"},
                 rows, *out, {1, 2, 3, 4});
    });
  }
}

}  // namespace budgetctl
}  // namespace budgetperf
