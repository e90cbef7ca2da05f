// One column chunk: its pages (V1 data pages of at most `page_values` values each, preceded by a
// dictionary page for dictionary-encoded chunks) and the ColumnMetaData the footer records about
// it. Every page body is ZSTD-compressed behind an uncompressed header, except in three kinds of
// chunk stored UNCOMPRESSED: a chunk of NULLs only, one given as runs and under a kilobyte, and a
// numeric chunk whose first data page (of at least 4 KiB; its last 16 KiB are tried) ZSTD would
// not shrink by a tenth (bit-packed differences of shuffled values, random dictionary indices).
//
// INT64 and TIMESTAMP values are DELTA_BINARY_PACKED. DOUBLE values are dictionary-encoded when
// the chunk has at least 512 rows and at most one distinct value per 8 (lab values, hour
// offsets), PLAIN otherwise. Strings, and numbers the slice gives as runs (ColumnSlice::runs), are
// always dictionary-encoded. A dictionary chunk is a PLAIN dictionary page holding the chunk's
// distinct values in order of first use, then RLE_DICTIONARY data pages (for runs, of RLE runs
// only). A chunk with no non-NULL value has no dictionary and PLAIN data pages of definition levels
// only. OPTIONAL columns carry RLE definition levels; REQUIRED ones none.
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
