// Decoding one column chunk (the counterpart of column_writer): its pages, decompressed and
// decoded straight into a window of rows of a preallocated Column.
//
// INT64/TIMESTAMP/DOUBLE values are copied from PLAIN pages in bulk, decoded from
// DELTA_BINARY_PACKED ones (integers), or looked up in the chunk's dictionary; definition levels
// become the column's `valid` bytes; NULL rows get 0 as placeholder. String chunks decode to
// indices into the chunk's own dictionary: the caller maps them to codes of the table's
// StringDictionary once all chunks of the column are decoded (so that codes follow first appearance
// in row-group order whatever the thread count).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "parquet/file_metadata.h"
#include "parquet/zstd_decompressor.h"
#include "table/column.h"

namespace ehrtok::parquet {

// A string chunk's dictionary, kept until its strings are interned.
struct ChunkStrings {
  std::vector<uint8_t> dictionary_page;  // owns the bytes `values` point into
  std::vector<std::string_view> values;  // chunk dictionary index -> string
  std::vector<uint32_t> first_use;       // the indices used, in order of first use
};

struct DecodedChunk {
  size_t nulls = 0;
  ChunkStrings strings;  // string columns only
};

// What one decoding thread reuses from page to page.
struct PageScratch {
  ZstdDecompressor zstd;
  std::vector<uint8_t> page;
  std::vector<uint32_t> indices;  // of a dictionary-encoded numeric page
};

// Decodes the chunk whose bytes (all its pages) are `bytes` into rows [offset, offset + rows) of
// `out`, where rows = meta.num_values. `out` must already hold at least that many rows of its
// type, and `valid` as many when the field is nullable. Throws FormatError.
DecodedChunk decode_column_chunk(std::span<const uint8_t> bytes, const ColumnChunkMetadata& meta,
                                 const Field& field, Column& out, size_t offset,
                                 PageScratch& scratch);

}  // namespace ehrtok::parquet
