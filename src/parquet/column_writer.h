// One column chunk: its pages (V1 data pages of at most `page_values` values each, preceded by a
// dictionary page for strings), every page body ZSTD-compressed behind an uncompressed header
// (except in a chunk of NULLs only, or given as runs and under a kilobyte: codec UNCOMPRESSED), and
// the ColumnMetaData the footer records about it.
//
// INT64, TIMESTAMP and DOUBLE values are PLAIN, unless the slice gives them as runs
// (ColumnSlice::runs): then, like strings, they are dictionary-encoded: a PLAIN dictionary page
// holding the chunk's distinct values, then RLE_DICTIONARY data pages (for runs, of RLE runs
// only). A chunk with no non-NULL value has no dictionary and PLAIN (empty) data pages. OPTIONAL
// columns carry RLE definition levels; REQUIRED ones none.
#pragma once

#include <cstdint>
#include <vector>

#include "parquet/file_metadata.h"
#include "parquet/zstd_compressor.h"
#include "table/column.h"

namespace ehrtok::parquet {

struct EncodedChunk {
  std::vector<uint8_t> bytes;
  ColumnChunkMetadata metadata;  // offsets relative to the start of `bytes`
};

// Throws std::runtime_error naming the field when the slice does not fit it: wrong type, rows
// out of range, NULLs in a non-nullable field, a string column without dictionary.
void check_slice(const Field& field, const ColumnSlice& slice);

// Encodes a slice that passed check_slice().
EncodedChunk encode_column_chunk(const Field& field, const ColumnSlice& slice, size_t page_values,
                                 ZstdCompressor& zstd);

}  // namespace ehrtok::parquet
