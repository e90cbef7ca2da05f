#include "parquet/file_metadata.h"

#include "parquet/thrift_compact.h"

namespace ehrtok::parquet {
namespace {

// The root of the schema tree; readers show leaves only, so the name is not user-visible.
constexpr std::string_view kRootName = "schema";

// LogicalType union member ids.
constexpr int16_t kLogicalString = 1;
constexpr int16_t kLogicalTimestamp = 8;
constexpr int16_t kTimeUnitMicros = 2;

void write_logical_type(ThriftWriter& thrift, ColumnType type) {
  if (type != ColumnType::String && type != ColumnType::Timestamp) return;
  thrift.field_struct(10);
  if (type == ColumnType::String) {
    thrift.field_struct(kLogicalString);
    thrift.end_struct();
  } else {
    // Wall-clock times, not instants: isAdjustedToUTC=false, so readers must not shift them.
    thrift.field_struct(kLogicalTimestamp);
    thrift.field_bool(1, false);
    thrift.field_struct(2);
    thrift.field_struct(kTimeUnitMicros);
    thrift.end_struct();
    thrift.end_struct();
    thrift.end_struct();
  }
  thrift.end_struct();
}

// LogicalTypes.md requires the legacy annotation alongside the logical type, for local
// timestamps too (TIMESTAMP_MICROS), so that readers predating LogicalType still see them.
std::optional<format::ConvertedType> converted_type(ColumnType type) {
  switch (type) {
    case ColumnType::String:
      return format::ConvertedType::Utf8;
    case ColumnType::Timestamp:
      return format::ConvertedType::TimestampMicros;
    default:
      return std::nullopt;
  }
}

void write_leaf(ThriftWriter& thrift, const Field& field) {
  thrift.begin_struct();
  thrift.field_i32(1, static_cast<int32_t>(physical_type(field.type)));
  const auto repetition =
      field.nullable ? format::Repetition::Optional : format::Repetition::Required;
  thrift.field_i32(3, static_cast<int32_t>(repetition));
  thrift.field_binary(4, field.name);
  if (auto converted = converted_type(field.type))
    thrift.field_i32(6, static_cast<int32_t>(*converted));
  write_logical_type(thrift, field.type);
  thrift.end_struct();
}

void write_schema(ThriftWriter& thrift, std::span<const Field> schema) {
  thrift.field_list(2, ThriftType::Struct, schema.size() + 1);
  thrift.begin_struct();
  thrift.field_binary(4, kRootName);
  thrift.field_i32(5, static_cast<int32_t>(schema.size()));
  thrift.end_struct();
  for (const Field& field : schema) write_leaf(thrift, field);
}

void write_column_metadata(ThriftWriter& thrift, const ColumnChunkMetadata& chunk,
                           const Field& field) {
  thrift.field_struct(3);
  thrift.field_i32(1, static_cast<int32_t>(chunk.type));
  thrift.field_list(2, ThriftType::I32, chunk.encodings.size());
  for (auto encoding : chunk.encodings) thrift.element_i32(static_cast<int32_t>(encoding));
  thrift.field_list(3, ThriftType::Binary, 1);
  thrift.element_binary(field.name);
  thrift.field_i32(4, static_cast<int32_t>(chunk.codec));
  thrift.field_i64(5, chunk.num_values);
  thrift.field_i64(6, chunk.total_uncompressed_size);
  thrift.field_i64(7, chunk.total_compressed_size);
  thrift.field_i64(9, chunk.data_page_offset);
  if (chunk.dictionary_page_offset) thrift.field_i64(11, *chunk.dictionary_page_offset);
  chunk.statistics.write(thrift, 12);
  thrift.end_struct();
}

void write_row_group(ThriftWriter& thrift, const RowGroupMetadata& group,
                     std::span<const Field> schema) {
  int64_t uncompressed = 0;
  int64_t compressed = 0;
  thrift.begin_struct();
  thrift.field_list(1, ThriftType::Struct, group.columns.size());
  for (size_t i = 0; i < group.columns.size(); ++i) {
    const ColumnChunkMetadata& chunk = group.columns[i];
    uncompressed += chunk.total_uncompressed_size;
    compressed += chunk.total_compressed_size;
    thrift.begin_struct();
    // Deprecated; the spec asks for 0 when no ColumnMetaData is written outside the footer.
    thrift.field_i64(2, 0);
    write_column_metadata(thrift, chunk, schema[i]);
    thrift.end_struct();
  }
  thrift.field_i64(2, uncompressed);
  thrift.field_i64(3, group.num_rows);
  if (!group.columns.empty()) thrift.field_i64(5, first_page_offset(group.columns.front()));
  thrift.field_i64(6, compressed);
  thrift.end_struct();
}

// Without column_orders readers must treat min_value/max_value as undefined.
void write_column_orders(ThriftWriter& thrift, size_t columns) {
  thrift.field_list(7, ThriftType::Struct, columns);
  for (size_t i = 0; i < columns; ++i) {
    thrift.begin_struct();
    thrift.field_struct(1);  // TYPE_ORDER: TypeDefinedOrder
    thrift.end_struct();
    thrift.end_struct();
  }
}

}  // namespace

int64_t first_page_offset(const ColumnChunkMetadata& chunk) {
  return chunk.dictionary_page_offset.value_or(chunk.data_page_offset);
}

format::Type physical_type(ColumnType type) {
  switch (type) {
    case ColumnType::Double:
      return format::Type::Double;
    case ColumnType::String:
      return format::Type::ByteArray;
    case ColumnType::Int64:
    case ColumnType::Timestamp:
      break;
  }
  return format::Type::Int64;
}

std::vector<uint8_t> serialize_file_metadata(std::span<const Field> schema,
                                             std::span<const RowGroupMetadata* const> row_groups,
                                             std::string_view created_by) {
  std::vector<uint8_t> out;
  ThriftWriter thrift(out);
  int64_t num_rows = 0;
  for (const RowGroupMetadata* group : row_groups) num_rows += group->num_rows;
  thrift.begin_struct();
  thrift.field_i32(1, 1);  // version 1: what the spec recommends for compatibility
  write_schema(thrift, schema);
  thrift.field_i64(3, num_rows);
  thrift.field_list(4, ThriftType::Struct, row_groups.size());
  for (const RowGroupMetadata* group : row_groups) write_row_group(thrift, *group, schema);
  thrift.field_binary(6, created_by);
  write_column_orders(thrift, schema.size());
  thrift.end_struct();
  return out;
}

}  // namespace ehrtok::parquet
