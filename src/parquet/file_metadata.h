// FileMetaData (parquet.thrift): the footer that describes the schema, the row groups and every
// column chunk's location, encodings and statistics.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parquet/parquet_format.h"
#include "parquet/statistics.h"
#include "table/column.h"

namespace ehrtok::parquet {

// What the footer records about one column chunk. Offsets are absolute file positions.
struct ColumnChunkMetadata {
  format::Type type = format::Type::Int64;
  std::vector<format::Encoding> encodings;  // ascending, each once
  int64_t num_values = 0;                   // NULLs included
  int64_t total_uncompressed_size = 0;      // page headers included
  int64_t total_compressed_size = 0;
  format::Codec codec = format::Codec::Zstd;  // what the writer uses; the reader also takes none
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  ChunkStatistics statistics;
};

struct RowGroupMetadata {
  std::vector<ColumnChunkMetadata> columns;  // in schema order
  int64_t num_rows = 0;
};

// Where a column chunk's pages start: its dictionary page if it has one, else its first data page.
int64_t first_page_offset(const ColumnChunkMetadata& chunk);

// The Parquet physical type that stores a column type.
format::Type physical_type(ColumnType type);

// The serialized FileMetaData for a flat schema (one leaf per field under the root).
std::vector<uint8_t> serialize_file_metadata(std::span<const Field> schema,
                                             std::span<const RowGroupMetadata* const> row_groups,
                                             std::string_view created_by);

}  // namespace ehrtok::parquet
