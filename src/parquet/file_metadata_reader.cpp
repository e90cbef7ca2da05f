#include "parquet/file_metadata_reader.h"

#include <optional>
#include <string>

#include "parquet/format_error.h"
#include "parquet/thrift_compact_reader.h"

namespace ehrtok::parquet {
namespace {

using format::Type;

// LogicalType union member ids and TimeUnit ids (parquet.thrift) the reader tells apart.
constexpr int16_t kLogicalString = 1;
constexpr int16_t kLogicalTimestamp = 8;
constexpr int16_t kLogicalInteger = 10;
constexpr int16_t kTimeUnitMicros = 2;
// ConvertedType INT_64, the legacy twin of LogicalType INTEGER(64, signed).
constexpr int32_t kConvertedInt64 = 18;

struct SchemaElement {
  std::optional<Type> type;
  std::optional<int32_t> repetition;
  std::string name;
  int32_t num_children = 0;
  std::optional<int32_t> converted_type;
  int16_t logical = 0;    // the LogicalType member set, 0 for none
  int16_t time_unit = 0;  // for TIMESTAMP
};

// Reads a union: which member is set (the struct value of that member is skipped, except for
// TIMESTAMP's unit, which `on_member` reads).
template <typename OnMember>
int16_t read_union(ThriftReader& thrift, OnMember&& on_member) {
  int16_t member = 0;
  thrift.read_struct([&](const ThriftField& f) {
    member = f.id;
    on_member(f);
  });
  return member;
}

SchemaElement read_schema_element(ThriftReader& thrift) {
  SchemaElement e;
  thrift.read_struct([&](const ThriftField& f) {
    switch (f.id) {
      case 1:
        e.type = static_cast<Type>(thrift.read_i32(f));
        break;
      case 3:
        e.repetition = thrift.read_i32(f);
        break;
      case 4:
        e.name = thrift.read_binary(f);
        break;
      case 5:
        e.num_children = thrift.read_i32(f);
        break;
      case 6:
        e.converted_type = thrift.read_i32(f);
        break;
      case 10:
        if (f.type != ThriftType::Struct) return thrift.skip(f.type);
        e.logical = read_union(thrift, [&](const ThriftField& member) {
          if (member.id != kLogicalTimestamp || member.type != ThriftType::Struct)
            return thrift.skip(member.type);
          thrift.read_struct([&](const ThriftField& t) {
            if (t.id == 2 && t.type == ThriftType::Struct)
              e.time_unit = read_union(thrift, [&](const ThriftField& u) { thrift.skip(u.type); });
            else
              thrift.skip(t.type);
          });
        });
        break;
      default:
        thrift.skip(f.type);
    }
  });
  return e;
}

std::string column_label(const SchemaElement& e) { return "column '" + e.name + "'"; }

FormatError unsupported(const SchemaElement& e, const std::string& what) {
  return FormatError("unsupported " + what + " in " + column_label(e));
}

ColumnType int64_column_type(const SchemaElement& e) {
  if (e.logical == kLogicalTimestamp) {
    // isAdjustedToUTC is not checked: the stored microseconds are read as they are.
    if (e.time_unit != kTimeUnitMicros) throw unsupported(e, "timestamp unit (only MICROS)");
    return ColumnType::Timestamp;
  }
  if (e.logical != 0 && e.logical != kLogicalInteger)
    throw unsupported(e, "logical type " + std::to_string(e.logical) + " on INT64");
  if (!e.converted_type || *e.converted_type == kConvertedInt64) return ColumnType::Int64;
  if (*e.converted_type == static_cast<int32_t>(format::ConvertedType::TimestampMicros))
    return ColumnType::Timestamp;
  throw unsupported(e, "converted type " + std::to_string(*e.converted_type) + " on INT64");
}

Field to_field(const SchemaElement& e) {
  if (e.num_children != 0) throw FormatError("unsupported nested schema (" + column_label(e) + ")");
  if (!e.type) throw FormatError(column_label(e) + " has no physical type");
  if (!e.repetition) throw FormatError(column_label(e) + " has no repetition");
  if (*e.repetition == static_cast<int32_t>(format::Repetition::Repeated))
    throw unsupported(e, "REPEATED field");
  if (*e.repetition != static_cast<int32_t>(format::Repetition::Required) &&
      *e.repetition != static_cast<int32_t>(format::Repetition::Optional))
    throw FormatError(column_label(e) + " has unknown repetition " + std::to_string(*e.repetition));
  const bool nullable = *e.repetition == static_cast<int32_t>(format::Repetition::Optional);
  switch (*e.type) {
    case Type::Int64:
      return Field{e.name, int64_column_type(e), nullable};
    case Type::Double:
      return Field{e.name, ColumnType::Double, nullable};
    case Type::ByteArray:
      if ((e.logical != 0 && e.logical != kLogicalString) ||
          (e.converted_type &&
           *e.converted_type != static_cast<int32_t>(format::ConvertedType::Utf8)))
        throw unsupported(e, "BYTE_ARRAY annotation (only UTF8 strings)");
      return Field{e.name, ColumnType::String, nullable};
    default:
      throw unsupported(e, "physical type " + format::type_name(*e.type));
  }
}

std::vector<Field> read_schema(ThriftReader& thrift, const ThriftField& f) {
  std::vector<SchemaElement> elements;
  thrift.read_list(f, ThriftType::Struct,
                   [&](size_t) { elements.push_back(read_schema_element(thrift)); });
  if (elements.empty()) throw FormatError("footer has an empty schema");
  if (elements[0].type) throw FormatError("schema root is a column, not a group");
  if (elements[0].num_children != static_cast<int32_t>(elements.size() - 1))
    throw FormatError("unsupported nested schema (root has " +
                      std::to_string(elements[0].num_children) + " children, " +
                      std::to_string(elements.size() - 1) + " elements follow)");
  std::vector<Field> fields;
  for (size_t i = 1; i < elements.size(); ++i) fields.push_back(to_field(elements[i]));
  return fields;
}

ChunkStatistics read_statistics(ThriftReader& thrift) {
  ChunkStatistics s;
  std::optional<std::string> legacy_min, legacy_max;
  thrift.read_struct([&](const ThriftField& f) {
    switch (f.id) {
      case 1:
        legacy_max = thrift.read_binary(f);
        break;
      case 2:
        legacy_min = thrift.read_binary(f);
        break;
      case 3:
        s.null_count = thrift.read_i64(f);
        break;
      case 5:
        s.max_value = thrift.read_binary(f);
        break;
      case 6:
        s.min_value = thrift.read_binary(f);
        break;
      default:
        thrift.skip(f.type);
    }
  });
  // The deprecated min/max were written in signed order, which is the order of INT64 columns;
  // the caller uses statistics only for those.
  if (!s.min_value && !s.max_value) {
    s.min_value = std::move(legacy_min);
    s.max_value = std::move(legacy_max);
  }
  return s;
}

void read_column_metadata(ThriftReader& thrift, ColumnChunkMetadata& chunk,
                          std::vector<std::string>& path) {
  thrift.read_struct([&](const ThriftField& f) {
    switch (f.id) {
      case 1:
        chunk.type = static_cast<Type>(thrift.read_i32(f));
        break;
      case 2:
        thrift.read_list(f, ThriftType::I32, [&](size_t) {
          chunk.encodings.push_back(static_cast<format::Encoding>(thrift.element_i32()));
        });
        break;
      case 3:
        thrift.read_list(f, ThriftType::Binary,
                         [&](size_t) { path.emplace_back(thrift.element_binary()); });
        break;
      case 4:
        chunk.codec = static_cast<format::Codec>(thrift.read_i32(f));
        break;
      case 5:
        chunk.num_values = thrift.read_i64(f);
        break;
      case 6:
        chunk.total_uncompressed_size = thrift.read_i64(f);
        break;
      case 7:
        chunk.total_compressed_size = thrift.read_i64(f);
        break;
      case 9:
        chunk.data_page_offset = thrift.read_i64(f);
        break;
      case 11:
        chunk.dictionary_page_offset = thrift.read_i64(f);
        break;
      case 12:
        if (f.type != ThriftType::Struct) return thrift.skip(f.type);
        chunk.statistics = read_statistics(thrift);
        break;
      default:
        thrift.skip(f.type);
    }
  });
}

// A ColumnChunk; checks what the chunk claims against its schema field and the file size.
ColumnChunkMetadata read_column_chunk(ThriftReader& thrift, const Field& field, uint64_t data_end) {
  ColumnChunkMetadata chunk;
  chunk.codec = static_cast<format::Codec>(-1);  // required: absent is an error below
  bool has_metadata = false;
  std::vector<std::string> path;
  thrift.read_struct([&](const ThriftField& f) {
    if (f.id == 1) throw FormatError("unsupported column chunk in another file");
    if (f.id == 3 && f.type == ThriftType::Struct) {
      read_column_metadata(thrift, chunk, path);
      has_metadata = true;
    } else {
      thrift.skip(f.type);
    }
  });
  const std::string where = "column '" + field.name + "': ";
  if (!has_metadata) throw FormatError(where + "column chunk without metadata");
  if (path.size() != 1 || path[0] != field.name)
    throw FormatError(where + "column chunk path does not match the schema");
  if (chunk.type != physical_type(field.type))
    throw FormatError(where + "column chunk has type " + format::type_name(chunk.type) +
                      ", schema says " + format::type_name(physical_type(field.type)));
  if (chunk.codec != format::Codec::Zstd && chunk.codec != format::Codec::Uncompressed)
    throw FormatError(where + "unsupported compression codec " +
                      std::to_string(static_cast<int32_t>(chunk.codec)) +
                      " (only ZSTD and UNCOMPRESSED)");
  const int64_t start = first_page_offset(chunk);
  if (chunk.num_values < 0 || chunk.total_compressed_size < 0 || start < 4 ||
      chunk.data_page_offset < start || static_cast<uint64_t>(start) > data_end ||
      static_cast<uint64_t>(chunk.total_compressed_size) >
          data_end - static_cast<uint64_t>(start) ||
      chunk.data_page_offset - start >= std::max<int64_t>(chunk.total_compressed_size, 1))
    throw FormatError(where + "column chunk offsets or sizes lie outside the file");
  return chunk;
}

RowGroupMetadata read_row_group(ThriftReader& thrift, const std::vector<Field>& schema,
                                uint64_t data_end) {
  RowGroupMetadata group;
  bool has_rows = false;
  thrift.read_struct([&](const ThriftField& f) {
    if (f.id == 1) {
      thrift.read_list(f, ThriftType::Struct, [&](size_t i) {
        if (i >= schema.size()) throw FormatError("row group has more columns than the schema");
        group.columns.push_back(read_column_chunk(thrift, schema[i], data_end));
      });
    } else if (f.id == 3) {
      group.num_rows = thrift.read_i64(f);
      has_rows = true;
    } else {
      thrift.skip(f.type);
    }
  });
  if (!has_rows || group.num_rows < 0) throw FormatError("row group without a valid row count");
  if (group.columns.size() != schema.size())
    throw FormatError("row group has " + std::to_string(group.columns.size()) +
                      " columns, schema has " + std::to_string(schema.size()));
  for (size_t i = 0; i < schema.size(); ++i) {
    // A flat column has one value (or NULL) per row.
    if (group.columns[i].num_values != group.num_rows)
      throw FormatError("column '" + schema[i].name + "' has " +
                        std::to_string(group.columns[i].num_values) + " values in a row group of " +
                        std::to_string(group.num_rows) + " rows");
  }
  return group;
}

}  // namespace

FileMetadata parse_file_metadata(std::span<const uint8_t> footer, uint64_t data_end) {
  ThriftReader thrift(footer);
  FileMetadata meta;
  bool has_schema = false, has_rows = false, has_groups = false;
  thrift.read_struct([&](const ThriftField& f) {
    switch (f.id) {
      case 2:
        meta.schema = read_schema(thrift, f);
        has_schema = true;
        break;
      case 3:
        meta.num_rows = thrift.read_i64(f);
        has_rows = true;
        break;
      case 4:
        if (!has_schema) throw FormatError("footer lists row groups before the schema");
        thrift.read_list(f, ThriftType::Struct, [&](size_t) {
          meta.row_groups.push_back(read_row_group(thrift, meta.schema, data_end));
        });
        has_groups = true;
        break;
      default:
        thrift.skip(f.type);
    }
  });
  if (!has_schema || !has_rows || !has_groups)
    throw FormatError("footer lacks the schema, the row count or the row groups");
  int64_t total = 0;
  for (const RowGroupMetadata& group : meta.row_groups) {
    if (__builtin_add_overflow(total, group.num_rows, &total))
      throw FormatError("row counts of the row groups overflow");
  }
  if (total != meta.num_rows)
    throw FormatError("footer says " + std::to_string(meta.num_rows) +
                      " rows, its row groups hold " + std::to_string(total));
  return meta;
}

}  // namespace ehrtok::parquet
