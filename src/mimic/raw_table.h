// Importing one MIMIC-IV table (the raw_* assets): the used columns, typed, in file order, with
// every row that could not be read accounted for as a reject.
#pragma once

#include <any>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "mimic/schemas.h"
#include "table/column.h"

namespace ehrtok::mimic {

struct Reject {
  int64_t line;        // physical line in the file where the record starts (header is line 1)
  std::string reason;  // e.g. "bad timestamp in column charttime"
  std::string value;   // the offending text (shortened), empty when not about one field
};

struct RawTable {
  const TableSpec* spec = nullptr;
  std::string file;             // the file read
  Table table;                  // the spec's columns, all nullable; row i = i-th kept record
  std::vector<Reject> rejects;  // in file order
  int64_t rows_read = 0;        // records after the header (blank lines are not records)
  int64_t bytes_read = 0;       // bytes of the file (compressed size for gzip)

  int64_t rows_streamed = 0;  // kept rows handed on chunk by chunk, not held in `table`

  int64_t rows_kept() const { return static_cast<int64_t>(table.num_rows()) + rows_streamed; }
};

// The columns of `spec` as a table without rows (all nullable): the schema of a RawTable.
Table empty_raw_table(const TableSpec& spec);

// Reads `spec`'s table from `hosp_dir` (NAME.csv.gz or NAME.csv) with `threads` threads.
// Throws InputError naming the file for a missing file, a missing column or a corrupt stream.
// `bytes_done`, when given, follows the bytes of the file consumed so far (for progress).
RawTable load_raw_table(const TableSpec& spec, const std::filesystem::path& hosp_dir, int threads,
                        std::atomic<int64_t>* bytes_done = nullptr);

// What the caller makes of a parsed chunk (its kept rows, all columns of the spec) on the
// parsing thread that parsed it.
using ChunkWork = std::function<std::any(const Table& chunk)>;
// Called on the calling thread with each chunk in file order: its kept rows (string columns
// coded in the table's dictionaries), what ChunkWork made of it (empty without one), and the
// rows the whole file is expected to have (rows so far scaled by the share of the file read).
using ChunkSink = std::function<void(Table& chunk, std::any&& work, double expected_rows)>;

// Reads `spec`'s table as load_raw_table does, but hands each chunk to `work` and `sink` instead
// of keeping it: the returned RawTable has no rows, only the file's accounting and rejects.
RawTable stream_raw_table(const TableSpec& spec, const std::filesystem::path& hosp_dir, int threads,
                          std::atomic<int64_t>* bytes_done, const ChunkWork& work,
                          const ChunkSink& sink);

}  // namespace ehrtok::mimic
