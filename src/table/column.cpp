#include "table/column.h"

#include <stdexcept>
#include <utility>

namespace ehrtok {

const char* column_type_name(ColumnType type) {
  switch (type) {
    case ColumnType::Int64:
      return "INT64";
    case ColumnType::Double:
      return "DOUBLE";
    case ColumnType::Timestamp:
      return "TIMESTAMP";
    case ColumnType::String:
      return "STRING";
  }
  return "?";
}

size_t Column::size() const {
  switch (type) {
    case ColumnType::Int64:
    case ColumnType::Timestamp:
      return ints.size();
    case ColumnType::Double:
      return doubles.size();
    case ColumnType::String:
      return codes.size();
  }
  return 0;
}

void Column::reserve(size_t rows) {
  valid.reserve(rows);
  switch (type) {
    case ColumnType::Int64:
    case ColumnType::Timestamp:
      return ints.reserve(rows);
    case ColumnType::Double:
      return doubles.reserve(rows);
    case ColumnType::String:
      return codes.reserve(rows);
  }
}

void Column::pop_back() {
  if (!valid.empty()) valid.pop_back();
  switch (type) {
    case ColumnType::Int64:
    case ColumnType::Timestamp:
      return ints.pop_back();
    case ColumnType::Double:
      return doubles.pop_back();
    case ColumnType::String:
      return codes.pop_back();
  }
}

Table Table::empty(std::vector<Field> fields) {
  Table table;
  table.fields = std::move(fields);
  for (const auto& f : table.fields) table.columns.emplace_back(f.type);
  return table;
}

const Column& Table::column(std::string_view name) const {
  for (size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == name) return columns[i];
  throw std::out_of_range("no column named " + std::string(name));
}

Column& Table::column(std::string_view name) {
  return const_cast<Column&>(std::as_const(*this).column(name));
}

std::string schema_mismatch(const Table& table, const std::vector<Field>& expected) {
  if (table.fields.size() != expected.size())
    return std::to_string(table.fields.size()) + " columns, expected " +
           std::to_string(expected.size());
  for (size_t c = 0; c < expected.size(); ++c) {
    const Field& f = table.fields[c];
    if (f.name != expected[c].name || f.type != expected[c].type)
      return "column " + std::to_string(c + 1) + " is " + f.name + " " + column_type_name(f.type) +
             ", expected " + expected[c].name + " " + column_type_name(expected[c].type);
  }
  return "";
}

}  // namespace ehrtok
