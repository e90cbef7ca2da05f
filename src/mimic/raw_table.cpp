#include "mimic/raw_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <any>
#include <atomic>
#include <filesystem>

#include "io/byte_source.h"
#include "io/csv_scanner.h"
#include "io/input_error.h"
#include "io/ordered_pipeline.h"
#include "mimic/field_parsers.h"
#include "table/timestamp.h"

namespace ehrtok::mimic {
namespace {

constexpr size_t kMaxRejectValue = 200;

ColumnType column_type(FieldKind kind) {
  switch (kind) {
    case FieldKind::Int64:
      return ColumnType::Int64;
    case FieldKind::Double:
      return ColumnType::Double;
    case FieldKind::Timestamp:
    case FieldKind::Date:
      return ColumnType::Timestamp;
    case FieldKind::String:
      return ColumnType::String;
  }
  return ColumnType::Int64;
}

const char* kind_name(FieldKind kind) {
  switch (kind) {
    case FieldKind::Int64:
      return "integer";
    case FieldKind::Double:
      return "number";
    case FieldKind::Timestamp:
      return "timestamp";
    case FieldKind::Date:
      return "date";
    case FieldKind::String:
      return "text";
  }
  return "value";
}

// The rows of one chunk, with strings coded against chunk-local dictionaries.
struct ParsedChunk {
  Table table;
  std::vector<StringDictionary> strings;  // one per column (used by String columns only)
  std::vector<Reject> rejects;            // lines relative to the chunk's first line
  int64_t rows = 0;
  int64_t lines = 0;        // physical lines in the chunk
  uint64_t file_bytes = 0;  // CsvChunk::file_bytes
  std::any work;            // what the caller's ChunkWork made of it
};

class ChunkParser {
 public:
  ChunkParser(const TableSpec& spec, const std::vector<std::string>& header,
              const std::string& file)
      : spec_(spec), header_size_(header.size()) {
    for (const auto& c : spec.columns) {
      size_t index = header.size();
      for (size_t h = 0; h < header.size(); ++h)
        if (header[h] == c.name) index = h;
      if (index == header.size())
        throw InputError(fmt::format("{}: missing required column {}", file, c.name));
      file_index_.push_back(index);
      if (c.kind == FieldKind::String) string_columns_.push_back(file_index_.size() - 1);
    }
  }

  ParsedChunk parse(const CsvChunk& chunk) const {
    ParsedChunk out{empty_raw_table(spec_),
                    std::vector<StringDictionary>(spec_.columns.size()),
                    {},
                    0,
                    0,
                    chunk.file_bytes,
                    {}};
    const size_t rows = expected_rows(chunk.bytes.size());
    for (Column& col : out.table.columns) col.reserve(rows);
    CsvRecordSplitter splitter(chunk.text(), 0);
    CsvRecord record;
    std::vector<std::string> scratch(spec_.columns.size());
    while (splitter.next(record)) {
      ++out.rows;
      if (record.malformed) {
        out.rejects.push_back({record.line, "malformed quoted field", ""});
        continue;
      }
      if (record.size() != header_size_) {
        out.rejects.push_back(
            {record.line, fmt::format("expected {} fields, found {}", header_size_, record.size()),
             ""});
        continue;
      }
      append_row(record, scratch, out);
    }
    out.lines = splitter.line();
    learn_record_bytes(chunk.bytes.size(), out.rows);
    // A column without NULLs keeps no validity (the Column contract): what reads the chunk
    // then checks none row by row, and its Parquet definition levels are one run.
    for (Column& col : out.table.columns)
      if (std::find(col.valid.begin(), col.valid.end(), 0) == col.valid.end()) col.valid.clear();
    return out;
  }

 private:
  // A chunk's columns are reserved for the rows its bytes are expected to hold, so they grow
  // once, not by doubling (each doubling copied the chunk's columns: a quarter of parsing).
  // The estimate is the record length of the chunks parsed so far, a little short, so that it
  // usually covers the chunk; before any, the shortest record the header allows.
  size_t expected_rows(size_t bytes) const {
    const double per_record = record_bytes_.load(std::memory_order_relaxed);
    const double shortest = static_cast<double>(header_size_);  // commas and a newline
    return static_cast<size_t>(static_cast<double>(bytes) /
                               (per_record > 0 ? per_record * 0.9 : shortest)) +
           64;
  }
  void learn_record_bytes(size_t bytes, int64_t rows) const {
    if (rows > 0)
      record_bytes_.store(static_cast<double>(bytes) / static_cast<double>(rows),
                          std::memory_order_relaxed);
  }

  // Converts a record's used fields straight into the chunk's columns; a field that is not a
  // value of its column's kind rejects the record, and the columns drop what it had appended.
  bool append_row(const CsvRecord& record, std::vector<std::string>& scratch,
                  ParsedChunk& out) const {
    for (size_t c = 0; c < file_index_.size(); ++c) {
      const CsvField field = record.field(file_index_[c]);
      const std::string_view text = field.has_escapes ? unescape(field, scratch[c]) : field.text;
      // Quoted or not, an empty field is NULL, as the reference's CSV reader has it.
      const bool null = text.empty();
      Column& col = out.table.columns[c];
      col.valid.push_back(null ? 0 : 1);
      const FieldKind kind = spec_.columns[c].kind;
      bool ok = true;
      switch (kind) {
        case FieldKind::Int64: {
          const auto parsed = null ? std::optional<int64_t>(0) : parse_int64(text);
          ok = parsed.has_value();
          col.ints.push_back(parsed.value_or(0));
          break;
        }
        case FieldKind::Double: {
          const auto parsed = null ? std::optional<double>(0) : parse_double(text);
          ok = parsed.has_value();
          col.doubles.push_back(parsed.value_or(0));
          break;
        }
        case FieldKind::Timestamp:
        case FieldKind::Date: {
          const auto parsed = null ? std::optional<int64_t>(0) : parse_timestamp(text);
          ok = parsed.has_value() && (null || kind == FieldKind::Timestamp || text.size() == 10);
          col.ints.push_back(parsed.value_or(0));
          break;
        }
        case FieldKind::String:  // interned once the whole record is read
          col.codes.push_back(0);
          break;
      }
      if (!ok) {
        out.rejects.push_back(
            {record.line,
             fmt::format("bad {} in column {}", kind_name(kind), spec_.columns[c].name),
             std::string(text.substr(0, kMaxRejectValue))});
        // The columns drop what the record had appended.
        for (size_t d = 0; d <= c; ++d) out.table.columns[d].pop_back();
        return false;
      }
    }
    for (const size_t c : string_columns_) {
      const CsvField field = record.field(file_index_[c]);
      if (field.text.empty()) continue;
      out.table.columns[c].codes.back() =
          out.strings[c].intern(field.has_escapes ? scratch[c] : field.text);
    }
    return true;
  }

  const TableSpec& spec_;
  size_t header_size_;
  std::vector<size_t> file_index_;
  std::vector<size_t> string_columns_;
  mutable std::atomic<double> record_bytes_{0};  // bytes per record of the last chunk parsed
};

// Account for a parsed chunk in file order: re-code its strings against the table's
// dictionaries and turn its reject lines into file lines (`next_line` is where it starts).
void account(ParsedChunk& chunk, RawTable& raw,
             std::vector<std::shared_ptr<StringDictionary>>& dictionaries, int64_t& next_line) {
  for (size_t c = 0; c < raw.table.columns.size(); ++c) {
    Column& col = chunk.table.columns[c];
    if (col.type != ColumnType::String) continue;
    std::vector<uint32_t> recode(chunk.strings[c].size());
    for (uint32_t k = 0; k < recode.size(); ++k)
      recode[k] = dictionaries[c]->intern(chunk.strings[c].at(k));
    for (size_t r = 0; r < col.codes.size(); ++r)
      col.codes[r] = col.is_null(r) ? 0 : recode[col.codes[r]];
  }
  chunk.strings.clear();
  raw.rows_read += chunk.rows;
  for (auto& reject : chunk.rejects) {
    reject.line += next_line;
    raw.rejects.push_back(std::move(reject));
  }
  chunk.rejects.clear();
  next_line += chunk.lines;
}

// The capacity for `needed` rows when the file's rows are expected to number `expected`: the
// expected count (plus 2%) rather than a doubling, so that a big table holds little unused
// memory and is moved few times; at least 1.25x the old capacity, so that a low estimate still
// grows geometrically.
size_t grown_capacity(size_t capacity, size_t needed, double expected) {
  return std::max({needed, capacity + capacity / 4, static_cast<size_t>(expected * 1.02)});
}

template <class T>
void append(BigVector<T>& to, const BigVector<T>& from, double expected_rows) {
  if (from.empty()) return;
  if (to.size() + from.size() > to.capacity())
    to.reserve(grown_capacity(to.capacity(), to.size() + from.size(), expected_rows));
  to.insert(to.end(), from.begin(), from.end());
}

// Appends the validity of a chunk of `chunk_rows` rows to a column of `rows` rows. Neither keeps
// validity while it has no NULL (most MIMIC columns never have one: a byte per row saved); the
// column's first NULL brings in the 1s of the rows before.
void append_validity(Column& to, size_t rows, const BigVector<uint8_t>& from, size_t chunk_rows,
                     double expected_rows) {
  if (to.valid.empty() && std::find(from.begin(), from.end(), 0) == from.end()) return;
  if (to.valid.empty()) {
    to.valid.reserve(grown_capacity(0, rows + chunk_rows, expected_rows));
    to.valid.assign(rows, 1);
  }
  if (!from.empty()) return append(to.valid, from, expected_rows);
  if (to.valid.size() + chunk_rows > to.valid.capacity())
    to.valid.reserve(
        grown_capacity(to.valid.capacity(), to.valid.size() + chunk_rows, expected_rows));
  to.valid.insert(to.valid.end(), chunk_rows, 1);
}

// Appends a parsed chunk. `expected_rows` estimates the rows of the whole file.
void append(Table& table, const Table& chunk, double expected_rows) {
  const size_t rows = table.num_rows();
  for (size_t c = 0; c < table.columns.size(); ++c) {
    const Column& from = chunk.columns[c];
    append_validity(table.columns[c], rows, from.valid, chunk.num_rows(), expected_rows);
    append(table.columns[c].ints, from.ints, expected_rows);
    append(table.columns[c].doubles, from.doubles, expected_rows);
    append(table.columns[c].codes, from.codes, expected_rows);
  }
}

}  // namespace

RawTable stream_raw_table(const TableSpec& spec, const std::filesystem::path& hosp_dir, int threads,
                          std::atomic<int64_t>* bytes_done, const ChunkWork& work,
                          const ChunkSink& sink) {
  RawTable raw;
  raw.spec = &spec;
  const auto path = find_table_file(hosp_dir, spec.name);
  raw.file = path.string();
  raw.table = empty_raw_table(spec);
  std::vector<std::shared_ptr<StringDictionary>> dictionaries(spec.columns.size());
  for (size_t c = 0; c < spec.columns.size(); ++c) {
    if (raw.table.columns[c].type != ColumnType::String) continue;
    dictionaries[c] = std::make_shared<StringDictionary>();
    raw.table.columns[c].dictionary = dictionaries[c];
  }

  const auto file_bytes = static_cast<double>(std::filesystem::file_size(path));
  CsvChunker chunker(open_byte_source(path), raw.file);
  const ChunkParser parser(spec, chunker.header(), raw.file);
  int64_t next_line = chunker.first_data_line(), rows_kept = 0;
  run_ordered_pipeline<CsvChunk, ParsedChunk>(
      threads,
      [&] {
        auto chunk = chunker.next();
        if (bytes_done) bytes_done->store(static_cast<int64_t>(chunker.bytes_consumed()));
        return chunk;
      },
      [&](CsvChunk& chunk) {
        ParsedChunk parsed = parser.parse(chunk);
        chunker.recycle(std::move(chunk));
        if (work) parsed.work = work(parsed.table);
        return parsed;
      },
      [&](ParsedChunk&& chunk) {
        account(chunk, raw, dictionaries, next_line);
        for (size_t c = 0; c < dictionaries.size(); ++c)
          chunk.table.columns[c].dictionary = dictionaries[c];
        // Rows so far scaled by the share of the file their records reach: a table grown to this
        // estimate is moved (its memory touched afresh) once or twice, not at every quarter.
        rows_kept += static_cast<int64_t>(chunk.table.num_rows());
        const auto read = static_cast<double>(std::max<uint64_t>(1, chunk.file_bytes));
        sink(chunk.table, std::move(chunk.work),
             static_cast<double>(rows_kept) * std::max(1.0, file_bytes / read));
      });
  raw.bytes_read = static_cast<int64_t>(chunker.bytes_consumed());
  raw.rows_streamed = rows_kept;
  return raw;
}

RawTable load_raw_table(const TableSpec& spec, const std::filesystem::path& hosp_dir, int threads,
                        std::atomic<int64_t>* bytes_done) {
  Table table;
  RawTable raw = stream_raw_table(spec, hosp_dir, threads, bytes_done, {},
                                  [&](Table& chunk, std::any&&, double expected_rows) {
                                    if (table.columns.empty()) table = Table::empty(chunk.fields);
                                    for (size_t c = 0; c < chunk.columns.size(); ++c)
                                      table.columns[c].dictionary = chunk.columns[c].dictionary;
                                    append(table, chunk, expected_rows);
                                  });
  if (!table.columns.empty()) raw.table = std::move(table);
  raw.rows_streamed = 0;
  return raw;
}

Table empty_raw_table(const TableSpec& spec) {
  std::vector<Field> fields;
  for (const auto& c : spec.columns) fields.push_back({c.name, column_type(c.kind), true});
  return Table::empty(std::move(fields));
}

}  // namespace ehrtok::mimic
