#ifndef BUDGETPERF_SERVICES_AGGREGATION_ORG_CSV_H_
#define BUDGETPERF_SERVICES_AGGREGATION_ORG_CSV_H_

// Reading the organisation tree from CSV (`budgetctl org import FILE.csv`).
//
//   code,name,kind,parent_code,division_code,valid_from_year,expected_budget
//   430602,岳阳楼区,district,,430602,,
//   430602-D01,区住房和城乡建设局,department,430602,430602,,
//   12430602MB1C04587D,"岳阳市住房保障服务中心岳阳楼区分中心",unit,430602-D01,430602,2023,385.37
//
// A small RFC 4180 reader of our own: Debian 12 ships no C++ CSV library,
// and the format needs only quoted fields (holding commas, doubled quotes
// and line breaks), CRLF or LF line ends and a UTF-8 byte-order mark from
// spreadsheet exports.

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "budgetperf/v1/aggregation.pb.h"

namespace budgetperf {

// One CSV record and the line it starts on (from 1).
struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
};

// A problem on one line.
struct CsvLineError {
  int line = 0;
  std::string message;
};

// The records of a CSV text, and the lines that could not be read (an
// unterminated quoted field, text after a closing quote). Fields of an
// unquoted field are kept as written; blank lines are skipped.
struct CsvParse {
  std::vector<CsvRecord> records;
  std::vector<CsvLineError> errors;
};
CsvParse ParseCsv(absl::string_view text);

// One node read from the CSV, with its line.
struct OrgCsvRow {
  int line = 0;
  v1::OrgNode node;
};

// The nodes of an org CSV and every bad row. Columns are found by the
// header's names (any order, any case): code, name, kind are required;
// parent_code, division_code, valid_from_year, expected_budget (万元) and
// uscc are optional. kind: province, city, district, department, unit, or
// 省, 市, 区, 县, 部门, 单位. Surrounding spaces are trimmed.
struct OrgCsvParse {
  std::vector<OrgCsvRow> rows;
  std::vector<CsvLineError> errors;
  // Codes of rows that had errors: other rows naming them as parent are not
  // reported again for an unknown parent.
  std::set<std::string> codes_of_bad_rows;
};
OrgCsvParse ParseOrgCsv(absl::string_view csv);

}  // namespace budgetperf

#endif  // BUDGETPERF_SERVICES_AGGREGATION_ORG_CSV_H_
