// Reading a file: the footer is parsed once; row groups are decoded in parallel, each column chunk
// straight into its window of the preallocated output columns; then the strings of each string
// column are interned in row-group order (the only sequential step, over distinct strings per
// chunk) and the chunk indices rewritten to codes, again in parallel.
#include "parquet/parquet_reader.h"

#include <cstring>
#include <new>
#include <stdexcept>

#include "io/input_error.h"
#include "parquet/column_reader.h"
#include "parquet/file_metadata_reader.h"
#include "parquet/format_error.h"
#include "util/parallel_for.h"

namespace ehrtok::parquet {
namespace {

constexpr char kMagic[4] = {'P', 'A', 'R', '1'};
constexpr char kEncryptedMagic[4] = {'P', 'A', 'R', 'E'};
// Magic, footer length and magic: the least a file can hold besides its footer.
constexpr size_t kFrameBytes = 4 + 4 + 4;

bool has_magic(const uint8_t* at, const char (&magic)[4]) { return std::memcmp(at, magic, 4) == 0; }

// The thread's page decoding state, kept across row groups and files (a zstd context costs more
// to create than a small file costs to decode).
PageScratch& thread_scratch() {
  thread_local PageScratch scratch;
  return scratch;
}

// Makes `column` an output column of `field` with `rows` zeroed rows, ready for chunks to be
// decoded into it. Memory the column already holds is reused.
void allocate_column(const Field& field, size_t rows, Column& column) {
  auto zeroed = [rows](auto& values) {
    values.clear();
    values.resize(rows);
  };
  column.type = field.type;
  column.dictionary.reset();
  switch (field.type) {
    case ColumnType::Int64:
    case ColumnType::Timestamp:
      zeroed(column.ints);
      break;
    case ColumnType::Double:
      zeroed(column.doubles);
      break;
    case ColumnType::String:
      zeroed(column.codes);
      break;
  }
  if (field.nullable)
    zeroed(column.valid);
  else
    column.valid.clear();
}

// Makes `table` the table of `columns` with `rows` rows allocated, reusing its memory. Fresh
// memory is mostly the kernel providing zeroed pages, so columns are allocated in parallel.
void allocate_table(const std::string& path, const std::vector<Field>& schema,
                    const std::vector<size_t>& columns, size_t rows, int threads, Table& table) {
  table.fields.clear();
  for (size_t c : columns) table.fields.push_back(schema[c]);
  table.columns.resize(columns.size());
  try {
    parallel_each(columns.size(), threads,
                  [&](size_t j) { allocate_column(table.fields[j], rows, table.columns[j]); });
  } catch (const std::exception& e) {  // bad_alloc or length_error: a hostile row count
    throw InputError(path + ": cannot allocate " + std::to_string(rows) + " rows (" + e.what() +
                     ")");
  }
}

// Chunk dictionary index -> code of `dictionary`, interning the chunk's strings in order of first
// use. Unused entries map to 0 (they appear only as NULL placeholders).
std::vector<uint32_t> intern_chunk_strings(const ChunkStrings& strings,
                                           StringDictionary& dictionary) {
  std::vector<uint32_t> codes(strings.values.size(), 0);
  for (uint32_t index : strings.first_use) codes[index] = dictionary.intern(strings.values[index]);
  return codes;
}

// After decoding: each string column gets one dictionary, interned chunk by chunk in row-group
// order (sequential, but over distinct strings only), then chunk indices become its codes (in
// parallel). `valid` is dropped where nothing was NULL. Row group g holds rows
// [starts[g], starts[g + 1]).
void finish_columns(Table& table, const std::vector<std::vector<DecodedChunk>>& decoded,
                    const std::vector<size_t>& starts, int threads) {
  const size_t groups = decoded.size();
  std::vector<std::vector<std::vector<uint32_t>>> codes_of(table.columns.size());
  for (size_t j = 0; j < table.columns.size(); ++j) {
    Column& column = table.columns[j];
    if (column.type == ColumnType::String) {
      auto dictionary = std::make_shared<StringDictionary>();
      for (size_t g = 0; g < groups; ++g)
        codes_of[j].push_back(intern_chunk_strings(decoded[g][j].strings, *dictionary));
      column.dictionary = std::move(dictionary);
    }
    size_t nulls = 0;
    for (size_t g = 0; g < groups; ++g) nulls += decoded[g][j].nulls;
    if (nulls == 0) BigVector<uint8_t>().swap(column.valid);
  }
  parallel_each(groups, threads, [&](size_t g) {
    for (size_t j = 0; j < table.columns.size(); ++j) {
      if (table.columns[j].type != ColumnType::String) continue;
      const std::vector<uint32_t>& codes = codes_of[j][g];
      uint32_t* out = table.columns[j].codes.data();
      // Every index was checked against its chunk dictionary; an all-NULL chunk has none and
      // keeps its placeholders.
      if (!codes.empty())
        for (size_t row = starts[g]; row < starts[g + 1]; ++row) out[row] = codes[out[row]];
    }
  });
}

}  // namespace

FileReader::FileReader(const std::string& path) : path_(path), file_(path) {
  const auto bytes = file_.bytes();
  if (bytes.size() < kFrameBytes)
    throw InputError(path_ + ": not a Parquet file (" + std::to_string(bytes.size()) +
                     " bytes, too short)");
  const uint8_t* tail = bytes.data() + bytes.size() - 4;
  if (has_magic(tail, kEncryptedMagic))
    throw InputError(path_ + ": unsupported encrypted Parquet footer");
  if (!has_magic(bytes.data(), kMagic) || !has_magic(tail, kMagic))
    throw InputError(path_ + ": not a Parquet file (no PAR1 magic at its start and end)");
  uint32_t footer_length;
  std::memcpy(&footer_length, tail - 4, 4);
  if (footer_length > bytes.size() - kFrameBytes)
    throw InputError(path_ + ": corrupt or truncated file: footer length " +
                     std::to_string(footer_length) + " exceeds the file's " +
                     std::to_string(bytes.size()) + " bytes");
  const size_t footer_start = bytes.size() - 8 - footer_length;
  try {
    metadata_ = std::make_unique<FileMetadata>(
        parse_file_metadata(bytes.subspan(footer_start, footer_length), footer_start));
  } catch (const FormatError& e) {
    throw InputError(path_ + ": footer: " + e.what());
  }
  first_rows_.push_back(0);
  for (const RowGroupMetadata& group : metadata_->row_groups)
    first_rows_.push_back(first_rows_.back() + static_cast<size_t>(group.num_rows));
}

FileReader::~FileReader() = default;
FileReader::FileReader(FileReader&&) noexcept = default;

const std::vector<Field>& FileReader::schema() const { return metadata_->schema; }
size_t FileReader::num_rows() const { return first_rows_.back(); }
size_t FileReader::num_row_groups() const { return metadata_->row_groups.size(); }

size_t FileReader::row_group_num_rows(size_t row_group) const {
  if (row_group >= num_row_groups())
    throw std::out_of_range(path_ + ": row group " + std::to_string(row_group) + " of " +
                            std::to_string(num_row_groups()));
  return first_rows_[row_group + 1] - first_rows_[row_group];
}

size_t FileReader::column_index(const std::string& column) const {
  const auto& schema = metadata_->schema;
  for (size_t i = 0; i < schema.size(); ++i)
    if (schema[i].name == column) return i;
  std::string names;
  for (const Field& f : schema) names += (names.empty() ? "" : ", ") + f.name;
  throw InputError(path_ + ": no column '" + column + "' (columns: " + names + ")");
}

std::vector<size_t> FileReader::column_indices(const std::vector<std::string>& columns) const {
  std::vector<size_t> indices;
  if (columns.empty()) {
    for (size_t i = 0; i < metadata_->schema.size(); ++i) indices.push_back(i);
  } else {
    for (const std::string& name : columns) indices.push_back(column_index(name));
  }
  return indices;
}

std::optional<std::pair<int64_t, int64_t>> FileReader::int_range(size_t row_group,
                                                                 const std::string& column) const {
  row_group_num_rows(row_group);  // range check
  const size_t index = column_index(column);
  const Field& field = metadata_->schema[index];
  if (field.type != ColumnType::Int64 && field.type != ColumnType::Timestamp)
    throw std::invalid_argument(path_ + ": int_range of column '" + column + "' of type " +
                                column_type_name(field.type));
  const ChunkStatistics& stats = metadata_->row_groups[row_group].columns[index].statistics;
  if (!stats.min_value || !stats.max_value) return std::nullopt;
  if (stats.min_value->size() != 8 || stats.max_value->size() != 8)
    throw InputError(path_ + ": row group " + std::to_string(row_group) + ", column '" + column +
                     "': statistics of " + std::to_string(stats.min_value->size()) +
                     " bytes, expected 8");
  int64_t min, max;
  std::memcpy(&min, stats.min_value->data(), 8);
  std::memcpy(&max, stats.max_value->data(), 8);
  return std::pair{min, max};
}

Table FileReader::read_row_group(size_t row_group, const std::vector<std::string>& columns) const {
  Table table;
  read_row_group(row_group, columns, table);
  return table;
}

void FileReader::read_row_group(size_t row_group, const std::vector<std::string>& columns,
                                Table& into) const {
  row_group_num_rows(row_group);  // range check
  read_row_groups(row_group, row_group + 1, column_indices(columns), 1, into);
}

Table FileReader::read(const std::vector<std::string>& columns, int threads) const {
  Table table;
  read_row_groups(0, num_row_groups(), column_indices(columns), threads, table);
  return table;
}

void FileReader::read_row_groups(size_t first, size_t last, const std::vector<size_t>& columns,
                                 int threads, Table& table) const {
  const auto& schema = metadata_->schema;
  // Row ranges of the row groups within the table read.
  std::vector<size_t> starts;
  for (size_t group = first; group <= last; ++group)
    starts.push_back(first_rows_[group] - first_rows_[first]);
  allocate_table(path_, schema, columns, starts.back(), threads, table);

  std::vector<std::vector<DecodedChunk>> decoded(last - first,
                                                 std::vector<DecodedChunk>(columns.size()));
  parallel_each(last - first, threads, [&](size_t g) {
    const size_t group = first + g;
    for (size_t j = 0; j < columns.size(); ++j) {
      const ColumnChunkMetadata& chunk = metadata_->row_groups[group].columns[columns[j]];
      // parse_file_metadata checked that the chunk lies inside the file.
      const auto bytes = file_.bytes().subspan(static_cast<size_t>(first_page_offset(chunk)),
                                               static_cast<size_t>(chunk.total_compressed_size));
      const std::string where =
          ": row group " + std::to_string(group) + ", column '" + schema[columns[j]].name + "': ";
      try {
        decoded[g][j] = decode_column_chunk(bytes, chunk, schema[columns[j]], table.columns[j],
                                            starts[g], thread_scratch());
      } catch (const FormatError& e) {
        throw InputError(path_ + where + e.what());
      } catch (const std::bad_alloc&) {
        throw InputError(path_ + where + "page too large to allocate");
      }
    }
  });
  finish_columns(table, decoded, starts, threads);
}

Table read_table(const std::string& path, const std::vector<std::string>& columns, int threads) {
  return FileReader(path).read(columns, threads);
}

}  // namespace ehrtok::parquet
