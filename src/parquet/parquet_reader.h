// A Parquet file reader for the files FileWriter writes (parquet_writer.h), written from the
// Apache Parquet format specification.
//
// Supported: a flat schema of REQUIRED/OPTIONAL columns; INT64 (plain, or annotated INTEGER or
// TIMESTAMP(MICROS)), DOUBLE, BYTE_ARRAY strings (UTF8 or unannotated); V1 data pages with RLE
// definition levels; PLAIN or dictionary-encoded numeric values; dictionary-encoded strings
// (PLAIN dictionary page, RLE_DICTIONARY or PLAIN_DICTIONARY indices); ZSTD or uncompressed pages.
// Anything else (nested or repeated fields, other physical types, DATA_PAGE_V2, other codecs or
// encodings, encrypted footers) is rejected with an InputError saying "unsupported" and what.
//
// Malformed files (truncated, bad magic, corrupt footer or pages, indices outside the dictionary)
// throw InputError naming the file, and the row group and column where the fault lies; every
// length and offset read from the file is checked before use.
//
// The table read does not depend on the thread count: string codes follow the order in which the
// strings first appear, row group by row group. A nullable column without any NULL in what was
// read has an empty `valid`; NULL rows hold a placeholder (0 for numbers, some valid code for
// strings unless the column has no string at all).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/mapped_file.h"
#include "table/column.h"

namespace ehrtok::parquet {

struct FileMetadata;  // file_metadata_reader.h

class FileReader {
 public:
  // Maps the file and parses its footer. Throws InputError.
  explicit FileReader(const std::string& path);
  ~FileReader();
  FileReader(FileReader&&) noexcept;
  FileReader& operator=(FileReader&&) = delete;

  const std::string& path() const { return path_; }
  const std::vector<Field>& schema() const;
  size_t num_rows() const;
  size_t num_row_groups() const;
  // Throws std::out_of_range for a row group index past the end.
  size_t row_group_num_rows(size_t row_group) const;

  // The min and max of an INT64/TIMESTAMP column in one row group, from the column chunk
  // statistics; nullopt when the chunk records none (e.g. only NULLs). Throws InputError for a
  // column the file lacks, std::invalid_argument for a column of another type.
  std::optional<std::pair<int64_t, int64_t>> int_range(size_t row_group,
                                                       const std::string& column) const;

  // The named columns (empty: all, in schema order) of one row group, or of the whole file with
  // row groups decoded on `threads` threads. Throws InputError for a column the file lacks.
  Table read_row_group(size_t row_group, const std::vector<std::string>& columns = {}) const;
  // The same into `into`, reusing the memory its columns hold (reading row group after row
  // group into one table faults in no fresh pages).
  void read_row_group(size_t row_group, const std::vector<std::string>& columns, Table& into) const;
  Table read(const std::vector<std::string>& columns = {}, int threads = 1) const;

 private:
  std::vector<size_t> column_indices(const std::vector<std::string>& columns) const;
  size_t column_index(const std::string& column) const;
  void read_row_groups(size_t first, size_t last, const std::vector<size_t>& columns, int threads,
                       Table& table) const;

  std::string path_;
  MappedFile file_;
  std::unique_ptr<FileMetadata> metadata_;
  std::vector<size_t> first_rows_;  // first row of each row group, then the total
};

// Reads a whole file: FileReader(path).read(columns, threads).
Table read_table(const std::string& path, const std::vector<std::string>& columns = {},
                 int threads = 1);

}  // namespace ehrtok::parquet
