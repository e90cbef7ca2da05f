// Typed, columnar storage for asset rows: the in-memory form every asset computes on and the
// Parquet writer reads from.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "table/big_vector.h"
#include "table/string_dictionary.h"

namespace ehrtok {

// The logical types of SPEC.md ("Column types"). Timestamps are microseconds since
// 1970-01-01 00:00:00, not UTC-adjusted (wall-clock time as written in MIMIC).
enum class ColumnType : uint8_t { Int64, Double, Timestamp, String };

// "INT64", "DOUBLE", "TIMESTAMP" or "STRING", for messages.
const char* column_type_name(ColumnType type);

// One column: exactly one of the value vectors is used, chosen by `type`.
// `valid` is empty when the column has no NULL; otherwise it holds 1 (value) or 0 (NULL) per row
// and the value slot of a NULL row holds an unspecified placeholder.
struct Column {
  Column() = default;
  explicit Column(ColumnType t) : type(t) {}

  ColumnType type = ColumnType::Int64;
  BigVector<int64_t> ints;                             // Int64 and Timestamp
  BigVector<double> doubles;                           // Double
  BigVector<uint32_t> codes;                           // String: index into `dictionary`
  std::shared_ptr<const StringDictionary> dictionary;  // String only
  BigVector<uint8_t> valid;

  size_t size() const;
  // Room for `rows` rows of values and validity, allocated and not touched.
  void reserve(size_t rows);
  // Takes off the last row (its value, and its validity when the column keeps it).
  void pop_back();
  bool is_null(size_t row) const { return !valid.empty() && valid[row] == 0; }
  std::string_view string_at(size_t row) const { return dictionary->at(codes[row]); }
};

// The value of an Int64/Timestamp column at `row`, or `null_value` when NULL.
inline int64_t value_or(const Column& column, size_t row, int64_t null_value) {
  return column.is_null(row) ? null_value : column.ints[row];
}

// A named column of a schema.
struct Field {
  std::string name;
  ColumnType type;
  bool nullable;
};

// A table: a schema and one column per field, all of equal length.
struct Table {
  // A table of `fields` with no rows.
  static Table empty(std::vector<Field> fields);

  std::vector<Field> fields;
  std::vector<Column> columns;

  size_t num_rows() const { return columns.empty() ? 0 : columns.front().size(); }
  const Column& column(std::string_view name) const;
  Column& column(std::string_view name);
};

// What differs between a table's fields and the `expected` ones (names and types, in order),
// e.g. "column 2 is valuenum DOUBLE, expected charttime TIMESTAMP"; empty when they match.
// For tables read back from storage.
std::string schema_mismatch(const Table& table, const std::vector<Field>& expected);

// A window [offset, offset + length) of rows of a column: what the Parquet writer encodes.
// With `runs`, the column holds one value per run instead: its row offset + k (value or NULL)
// stands for runs[k] rows, and `length` is the sum of the runs (values that come in long runs,
// as an admission's columns over its tokens, are then neither repeated nor scanned).
struct ColumnSlice {
  const Column* column;
  size_t offset;
  size_t length;
  std::span<const uint32_t> runs = {};
};

}  // namespace ehrtok
