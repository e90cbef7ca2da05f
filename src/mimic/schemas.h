// The MIMIC-IV hosp tables ehrtok reads: for each, the columns it uses and how to parse them
// (SPEC.md, "Inputs"). Columns are found by header name; other columns are ignored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ehrtok::mimic {

enum class FieldKind {
  Int64,      // 64-bit id or count
  Double,     // a measurement
  Timestamp,  // "YYYY-MM-DD HH:MM:SS"
  Date,       // "YYYY-MM-DD", held as a timestamp at 00:00:00
  String      // text, interned
};

struct ColumnSpec {
  std::string name;
  FieldKind kind;
};

struct TableSpec {
  std::string name;  // file stem, e.g. "labevents"
  std::vector<ColumnSpec> columns;
};

const TableSpec& admissions();
const TableSpec& diagnoses_icd();
const TableSpec& procedures_icd();
const TableSpec& prescriptions();
const TableSpec& labevents();

// All five, in the order a run imports them.
std::vector<const TableSpec*> all_tables();

// The table named `name` ("labevents"); throws std::invalid_argument for another name.
const TableSpec& table_spec(std::string_view name);

}  // namespace ehrtok::mimic
