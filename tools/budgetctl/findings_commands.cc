#include "tools/budgetctl/findings_commands.h"

#include <deque>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "budgetperf/v1/aggregation.grpc.pb.h"
#include "services/consistency/audit_report.h"
#include "services/consistency/rule_catalogue.h"
#include "common/text/text_table.h"

namespace budgetperf {
namespace budgetctl {
namespace {

struct FindingsArgs {
  std::string aggregation;  // empty: the global --aggregation, else --server
  std::string node;
  int year = 0;
  bool csv = false;
};

// What was recorded for one code of the subtree.
struct CodeFindings {
  std::string code;
  v1::GetFindingsResponse response;
};

// A JSON string literal.
std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += absl::StrCat("\\u", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad4));
        } else {
          out.push_back(c);
        }
    }
  }
  return out + "\"";
}

// {"node": ..., "year": ..., "codes": [{"code": ..., "findings": <GetFindingsResponse>}]}
std::string Json(const FindingsArgs& args, const std::vector<CodeFindings>& all) {
  std::string out = absl::StrCat("{\n  \"node\": ", JsonString(args.node),
                                 ",\n  \"year\": ", args.year, ",\n  \"codes\": [");
  for (size_t i = 0; i < all.size(); ++i) {
    std::string inner = ToJson(all[i].response);
    while (!inner.empty() && inner.back() == '\n') inner.pop_back();
    absl::StrAppend(&out, i == 0 ? "\n" : ",\n", "    {\"code\": ", JsonString(all[i].code),
                    ", \"findings\": ", inner, "}");
  }
  absl::StrAppend(&out, all.empty() ? "]\n}\n" : "\n  ]\n}\n");
  return out;
}

std::string Text(const FindingsArgs& args, const v1::OrgNode& node,
                 const std::vector<CodeFindings>& all, size_t codes_read) {
  std::vector<v1::Finding> findings;
  std::vector<std::string> counts_only;
  int64_t errors = 0, warnings = 0, explain = 0;
  for (const CodeFindings& c : all) {
    for (const v1::SourceFindings& source : c.response.sources()) {
      errors += source.counts().error();
      warnings += source.counts().warning();
      explain += source.counts().needs_explanation();
      if (source.findings().empty() && source.counts().total() > 0) {
        counts_only.push_back(absl::StrCat(c.code, " ", source.source(), ": ",
                                           source.counts().total(), " (counts only)"));
      }
      for (const v1::Finding& f : source.findings()) findings.push_back(f);
    }
  }
  std::string out = absl::StrCat(
      "发现 findings under ", node.code(), " ", node.name(), ", ", args.year, ": ", errors,
      " 错误 error, ", warnings, " 警告 warning, ", explain, " 需说明 needs explanation (",
      all.size(), " of ", codes_read, " units and nodes have findings recorded)\n");
  if (findings.empty() && counts_only.empty()) return out;
  SortForReading(&findings, RuleCatalogue::Default());
  TextTable table(
      {"单位 unit", "名称 name", "规则 rule", "级别 severity", "字段 field", "说明 message"});
  for (const v1::Finding& f : findings) {
    table.AddRow({f.unit_uscc(), f.unit_name(), f.rule_id(),
                  std::string(SeverityName(f.severity())), f.field_path(), f.message()});
  }
  absl::StrAppend(&out, "\n", table.Render());
  for (const std::string& line : counts_only) absl::StrAppend(&out, line, "\n");
  return out;
}

int RunFindings(const GlobalOptions& options, FindingsArgs args) {
  if (args.aggregation.empty()) args.aggregation = options.aggregation_address();
  auto stub = v1::AggregationService::NewStub(MakeChannel(args.aggregation));
  v1::GetNodeRequest node_request;
  node_request.set_code(args.node);
  node_request.set_year(args.year);
  v1::GetNodeResponse node;
  grpc::Status status = stub->GetNode(MakeContext(options).get(), node_request, &node);
  if (!status.ok()) return ReportRpcError(args.aggregation, status);

  // Every code of the subtree: its nodes, breadth first, and the units that
  // filed without being in the tree. Aggregation has no call that lists a
  // subtree's findings, so each code is asked in turn.
  std::vector<std::string> codes = {args.node};
  std::set<std::string> seen = {args.node};
  std::deque<std::string> pending = {args.node};
  while (!pending.empty()) {
    v1::ListNodesRequest request;
    request.set_parent_code(pending.front());
    request.set_year(args.year);
    pending.pop_front();
    v1::ListNodesResponse response;
    status = stub->ListNodes(MakeContext(options).get(), request, &response);
    if (!status.ok()) return ReportRpcError(args.aggregation, status);
    for (const v1::OrgNode& child : response.nodes()) {
      if (!seen.insert(child.code()).second) continue;
      codes.push_back(child.code());
      if (child.kind() != v1::NODE_KIND_UNIT) pending.push_back(child.code());
    }
  }
  v1::CoverageRequest coverage_request;
  coverage_request.set_node_code(args.node);
  coverage_request.set_year(args.year);
  v1::CoverageResponse coverage;
  status = stub->Coverage(MakeContext(options).get(), coverage_request, &coverage);
  if (!status.ok()) return ReportRpcError(args.aggregation, status);
  for (const v1::UnassignedUnit& unit : coverage.unassigned()) {
    if (seen.insert(unit.uscc()).second) codes.push_back(unit.uscc());
  }

  std::vector<CodeFindings> all;
  for (const std::string& code : codes) {
    v1::GetFindingsRequest request;
    request.set_code(code);
    request.set_year(args.year);
    CodeFindings found;
    found.code = code;
    status = stub->GetFindings(MakeContext(options).get(), request, &found.response);
    if (!status.ok()) return ReportRpcError(args.aggregation, status);
    if (found.response.sources_size() > 0) all.push_back(std::move(found));
  }

  if (args.csv) {
    std::vector<v1::Finding> findings;
    for (const CodeFindings& c : all) {
      for (const v1::SourceFindings& source : c.response.sources()) {
        for (const v1::Finding& f : source.findings()) findings.push_back(f);
      }
    }
    std::cout << FindingsCsv(findings);
  } else if (options.json) {
    std::cout << Json(args, all);
  } else {
    std::cout << Text(args, node.node(), all, codes.size());
  }
  return kExitOk;
}

}  // namespace

void AddFindingsCommands(CLI::App& app, const GlobalOptions& options, int* exit_code) {
  auto args = std::make_shared<FindingsArgs>();
  CLI::App* findings = app.add_subcommand(
      "findings",
      "list the consistency findings recorded in aggregation (by budget-audit) for every unit "
      "and node under --node in --year; --csv: unit, rule_id, severity, field, value_found, "
      "expected, difference, message");
  findings->add_option("--aggregation", args->aggregation,
                       "HOST:PORT of budget-aggregation (default: the global --aggregation, else "
                       "--server, as budgetd serves it)");
  findings->add_option("--node", args->node, "code of the subtree's root, e.g. 430602")->required();
  findings->add_option("--year", args->year, "the year (年度), e.g. 2023")->required();
  findings->add_flag("--csv", args->csv, "print CSV instead of a table");
  findings->callback([&options, exit_code, args] { *exit_code = RunFindings(options, *args); });
}

}  // namespace budgetctl
}  // namespace budgetperf
