// Parsing of FileMetaData (the footer), the counterpart of serialize_file_metadata: the flat
// schema as Fields, and each row group's column chunks with their locations and statistics.
//
// Everything a later step relies on is checked here: a flat schema of supported types, one chunk
// per field in every row group, value counts that add up to the row counts, and chunk byte ranges
// inside the file's data area. Throws FormatError (message starts "unsupported" for features
// this reader does not implement).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "parquet/file_metadata.h"
#include "table/column.h"

namespace ehrtok::parquet {

struct FileMetadata {
  std::vector<Field> schema;
  int64_t num_rows = 0;
  std::vector<RowGroupMetadata> row_groups;
};

// `data_end` is the file offset where the footer starts: column chunks must lie in [4, data_end).
FileMetadata parse_file_metadata(std::span<const uint8_t> footer, uint64_t data_end);

}  // namespace ehrtok::parquet
