#include "table/column.h"

#include <stdexcept>

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

}  // namespace ehrtok
