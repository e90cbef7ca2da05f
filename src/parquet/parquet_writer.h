// A Parquet file writer for flat schemas, written from the Apache Parquet format specification.
//
// Supported: INT64 and TIMESTAMP(MICROS, isAdjustedToUTC=false) stored as INT64
// (DELTA_BINARY_PACKED), DOUBLE (PLAIN, or dictionary-encoded when a chunk has few distinct
// values), both dictionary-encoded when given as runs, and UTF-8 strings stored as BYTE_ARRAY with
// dictionary encoding. REQUIRED columns for non-nullable fields,
// OPTIONAL columns with RLE definition levels for nullable ones. Pages are compressed with ZSTD,
// unless compressing would not pay (see column_writer.h).
// Every column chunk carries statistics (min, max, null count).
//
// The bytes written depend only on the values given (and on which slices give them as runs),
// never on timing or thread count.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "table/column.h"

namespace ehrtok {
class OutputFile;  // io/output_file.h
}

namespace ehrtok::parquet {

struct EncodedChunk;  // column_writer.h

struct WriterOptions {
  // Level 1 (Arrow's default for ZSTD): at full scale level 3 made events_merged and
  // tokens_final 2.2% smaller for 3 more CPU-seconds.
  int zstd_level = 1;
  // A data page holds at most this many values; a new page starts after it.
  size_t page_values = 128 * 1024;
  std::string created_by = "ehrtok";
  // Column chunks of a row group are encoded on this many threads (the bytes do not depend on it).
  int threads = 1;
  // An existing file at the path is overwritten in place and cut to the new length, instead of
  // being truncated first: the file keeps its disk blocks, which on ext4 makes rewriting tens of
  // thousands of small files (a rebuilt Hive export) several times cheaper. The bytes written are
  // the same either way.
  bool overwrite_in_place = false;
  // The file bypasses the page cache (io/output_file.h): for big files written once and not read
  // again in the run. The bytes written are the same either way.
  bool direct_io = false;
};

// Writes one Parquet file at `path` (the caller chooses a temporary name and renames it).
// Usage: construct, call write_row_group() once per row group, then finish().
class FileWriter {
 public:
  FileWriter(std::string path, std::vector<Field> schema, WriterOptions options = {});
  ~FileWriter();  // closes the file if finish() was not called; the file is then incomplete
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  // Appends a row group: one slice per schema field, all of equal length, types matching the
  // schema. Throws std::runtime_error on an I/O error or a schema mismatch.
  void write_row_group(const std::vector<ColumnSlice>& columns);
  // Writes the footer and closes the file.
  void finish();

 private:
  struct RowGroupMeta;
  std::vector<EncodedChunk> encode_columns(const std::vector<ColumnSlice>& columns);
  std::string path_;
  std::vector<Field> schema_;
  WriterOptions options_;
  std::unique_ptr<OutputFile> file_;  // until finish()
  uint64_t offset_ = 0;
  std::vector<RowGroupMeta> row_groups_;
};

// Convenience: writes `table` to `path` in row groups of at most `row_group_rows` rows.
void write_table(const std::string& path, const Table& table, size_t row_group_rows = 1 << 20,
                 WriterOptions options = {});

}  // namespace ehrtok::parquet
