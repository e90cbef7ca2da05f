#include "parquet/column_writer.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "parquet/chunk_dictionary.h"
#include "parquet/delta_binary_packed.h"
#include "parquet/page_header.h"
#include "parquet/rle_bp_encoder.h"
#include "parquet/statistics.h"

namespace ehrtok::parquet {
namespace {

using format::Encoding;

int32_t checked_i32(size_t n, const char* what) {
  if (n > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    throw std::runtime_error(std::string(what) + " exceeds 2^31-1 bytes or values");
  }
  return static_cast<int32_t>(n);
}

template <typename T>
void append_plain(std::vector<uint8_t>& out, const T* values, size_t count) {
  // PLAIN is little-endian: the host's own layout, so values are copied as they lie in memory.
  static_assert(sizeof(T) == 8 && std::endian::native == std::endian::little);
  const auto* bytes = reinterpret_cast<const uint8_t*>(values);
  out.insert(out.end(), bytes, bytes + count * sizeof(T));
}

// The non-NULL values of a data page: integers (ids, timestamps, sequence numbers, which change
// little from row to row) DELTA_BINARY_PACKED, doubles (of many distinct values) PLAIN.
void append_values(std::vector<uint8_t>& out, const int64_t* values, size_t count) {
  append_delta_binary_packed({values, count}, out);
}
void append_values(std::vector<uint8_t>& out, const double* values, size_t count) {
  append_plain(out, values, count);
}
template <typename T>
constexpr Encoding kValueEncoding =
    std::is_same_v<T, int64_t> ? Encoding::DeltaBinaryPacked : Encoding::Plain;

void append_plain_string(std::vector<uint8_t>& out, std::string_view s) {
  const uint32_t length = checked_i32(s.size(), "a string");
  for (int byte = 0; byte < 4; ++byte) out.push_back(static_cast<uint8_t>(length >> (8 * byte)));
  out.insert(out.end(), s.begin(), s.end());
}

// Whether a chunk's pages are compressed: always, never, or as its first page decides.
enum class Compression { Zstd, None, IfFirstPageShrinks };

// A first page that ZSTD leaves above this share of its size is high-entropy (bit-packed
// differences of shuffled values): compressing the chunk would cost time and save nothing. A
// smaller first page (a page of NULLs, a short chunk) says nothing about the rest: the chunk is
// compressed. Of a bigger first page only the last kProbeBytes are tried (its values, after the
// definition levels): a page that will not shrink is then never compressed whole, only to be
// stored as it was. 16 KiB tells as well as more, and costs little even where every chunk is
// probed and none compressed (the labevents cache: 13 000 chunks at full scale, 1.4 CPU-s of
// probing with 64 KiB).
constexpr double kWorthwhileCompressedShare = 0.9;
constexpr size_t kDecidingPageBytes = 4096;
constexpr size_t kProbeBytes = 16 * 1024;

// Collects compressed pages and the sizes and offsets the footer needs.
class ChunkBuilder {
 public:
  // Pages are ZSTD-compressed, or stored as they are (codec UNCOMPRESSED for the whole chunk,
  // Parquet has one codec per chunk). With IfFirstPageShrinks the first data page decides, and a
  // dictionary page waits for that decision: it comes first in the chunk, under the same codec.
  ChunkBuilder(ZstdCompressor& zstd, Compression compression) : zstd_(zstd) {
    if (compression == Compression::None) chunk_.metadata.codec = format::Codec::Uncompressed;
    decide_on_first_page_ = compression == Compression::IfFirstPageShrinks;
  }

  void add_dictionary_page(std::span<const uint8_t> body, size_t num_values) {
    dictionary_values_ = checked_i32(num_values, "a dictionary");
    if (decide_on_first_page_) {
      held_dictionary_.assign(body.begin(), body.end());
      return;
    }
    write_dictionary_page(body);
  }

  void add_data_page(std::span<const uint8_t> body, size_t num_values, Encoding encoding) {
    const bool first = std::exchange(decide_on_first_page_, false);
    if (first && body.size() >= kDecidingPageBytes && !probe_shrinks(body))
      chunk_.metadata.codec = format::Codec::Uncompressed;
    std::span<const uint8_t> compressed = compress(body);
    std::vector<uint8_t> kept;  // the page's frame, while the compressor makes the dictionary's
    if (first && !held_dictionary_.empty()) {
      if (compressed.data() != body.data()) {
        kept.assign(compressed.begin(), compressed.end());
        compressed = kept;
      }
      write_dictionary_page(std::exchange(held_dictionary_, {}));
    }
    if (!has_data_page_)
      chunk_.metadata.data_page_offset = static_cast<int64_t>(chunk_.bytes.size());
    has_data_page_ = true;
    const int32_t n = checked_i32(num_values, "a page");
    add_page(body, compressed,
             [&](PageSizes sizes) { append_data_page_header(chunk_.bytes, sizes, n, encoding); });
  }

  EncodedChunk finish(ColumnType type, size_t num_values, ChunkStatistics stats,
                      std::vector<Encoding> encodings) {
    if (!held_dictionary_.empty()) throw std::logic_error("a dictionary page without data pages");
    chunk_.metadata.type = physical_type(type);
    chunk_.metadata.num_values = static_cast<int64_t>(num_values);
    chunk_.metadata.statistics = std::move(stats);
    chunk_.metadata.encodings = std::move(encodings);
    return std::move(chunk_);
  }

 private:
  // Whether ZSTD shrinks the last kProbeBytes of a first page enough to compress the chunk.
  bool probe_shrinks(std::span<const uint8_t> body) {
    const auto probe = body.last(std::min(body.size(), kProbeBytes));
    return static_cast<double>(zstd_.compress(probe).size()) <=
           kWorthwhileCompressedShare * static_cast<double>(probe.size());
  }

  std::span<const uint8_t> compress(std::span<const uint8_t> body) {
    return chunk_.metadata.codec == format::Codec::Zstd ? zstd_.compress(body) : body;
  }

  void write_dictionary_page(std::span<const uint8_t> body) {
    chunk_.metadata.dictionary_page_offset = static_cast<int64_t>(chunk_.bytes.size());
    add_page(body, compress(body), [&](PageSizes sizes) {
      append_dictionary_page_header(chunk_.bytes, sizes, dictionary_values_);
    });
  }

  template <typename AppendHeader>
  void add_page(std::span<const uint8_t> body, std::span<const uint8_t> compressed,
                AppendHeader&& append_header) {
    const size_t header_start = chunk_.bytes.size();
    append_header(
        PageSizes{checked_i32(body.size(), "a page"), checked_i32(compressed.size(), "a page")});
    const auto header = static_cast<int64_t>(chunk_.bytes.size() - header_start);
    chunk_.bytes.insert(chunk_.bytes.end(), compressed.begin(), compressed.end());
    chunk_.metadata.total_uncompressed_size += header + static_cast<int64_t>(body.size());
    chunk_.metadata.total_compressed_size += header + static_cast<int64_t>(compressed.size());
  }

  ZstdCompressor& zstd_;
  EncodedChunk chunk_;
  bool has_data_page_ = false;
  bool decide_on_first_page_ = false;
  std::vector<uint8_t> held_dictionary_;  // until the first data page decides the codec
  int32_t dictionary_values_ = 0;
};

// Rows of the slice, split into pages.
struct PageRange {
  size_t begin;  // absolute row in the column
  size_t end;
};

template <typename Fn>
void for_each_page(const ColumnSlice& slice, size_t page_values, Fn&& fn) {
  const size_t end = slice.offset + slice.length;
  for (size_t begin = slice.offset; begin < end; begin += page_values) {
    fn(PageRange{begin, std::min(end, begin + page_values)});
  }
}

void append_levels(const Field& field, const Column& column, PageRange page,
                   std::vector<uint8_t>& body) {
  if (!field.nullable) return;
  const size_t rows = page.end - page.begin;
  if (column.valid.empty()) {  // no NULL: every level is 1
    const std::vector<uint8_t> levels(rows, 1);
    return append_definition_levels(levels, body);
  }
  // The validity bytes (1 = value, 0 = NULL) are the definition levels.
  append_definition_levels(std::span(column.valid.data() + page.begin, rows), body);
}

template <typename T, typename Stats>
EncodedChunk encode_values(const Field& field, const ColumnSlice& slice, size_t page_values,
                           const BigVector<T>& values, ZstdCompressor& zstd) {
  const Column& column = *slice.column;
  ChunkBuilder builder(zstd, Compression::IfFirstPageShrinks);
  Stats stats;
  std::vector<uint8_t> body;
  std::vector<T> kept;  // a page's non-NULL values
  for_each_page(slice, page_values, [&](PageRange page) {
    body.clear();
    append_levels(field, column, page, body);
    if (column.valid.empty()) {  // no NULL: the page's values in one copy
      const size_t count = page.end - page.begin;
      append_values(body, values.data() + page.begin, count);
      stats.add_all({values.data() + page.begin, count});
      return builder.add_data_page(body, count, kValueEncoding<T>);
    }
    // The page's values without its NULLs, compacted branch-free: every row is stored at the next
    // place, which only a non-NULL row then keeps.
    const size_t rows = page.end - page.begin;
    kept.resize(rows);
    size_t count = 0;
    for (size_t row = page.begin; row < page.end; ++row) {
      kept[count] = values[row];
      count += column.valid[row] != 0 ? 1 : 0;
    }
    stats.add_all({kept.data(), count});
    stats.add_nulls(static_cast<int64_t>(rows - count));
    append_values(body, kept.data(), count);
    builder.add_data_page(body, rows, kValueEncoding<T>);
  });
  // The footer lists the chunk's encodings ascending: its values', and RLE for the levels.
  const auto [low, high] =
      std::minmax({kValueEncoding<T>, Encoding::Rle});  // values, not references
  return builder.finish(field.type, slice.length, stats.finish(), {low, high});
}

// A chunk of `rows` NULLs (of any type): a dictionary would be empty, which not every reader
// accepts, so its pages are PLAIN and hold only definition levels, all 0: one RLE run of a few
// bytes per page, which a ZSTD frame would only make longer, so they are stored uncompressed.
EncodedChunk encode_all_null(const Field& field, size_t rows, size_t page_values,
                             ChunkStatistics stats, ZstdCompressor& zstd) {
  ChunkBuilder builder(zstd, Compression::None);
  std::vector<uint8_t> body;
  for (size_t first = 0; first < rows; first += page_values) {
    const auto count = static_cast<uint32_t>(std::min(page_values, rows - first));
    body.clear();
    const RleRun nulls[] = {{0, count}};
    append_definition_levels(nulls, body);
    builder.add_data_page(body, count, Encoding::Plain);
  }
  return builder.finish(field.type, rows, std::move(stats), {Encoding::Plain, Encoding::Rle});
}

// Below this size (dictionary and runs) a chunk given as runs is stored uncompressed.
constexpr size_t kTinyRunChunkBytes = 1024;

// A run of `count` rows of one value in the statistics: the bounds once, NaNs by row.
void add_run(Int64Stats& stats, int64_t value, uint32_t) { stats.add(value); }
void add_run(DoubleStats& stats, double value, uint32_t count) {
  if (std::isnan(value))
    stats.add_nans(count);
  else
    stats.add(value);
}

// A chunk given as runs (ColumnSlice::runs), dictionary-encoded: the distinct values in order of
// first use (told apart by their bits, so each double keeps its exact bits) in a PLAIN
// dictionary page, then RLE_DICTIONARY pages whose indices and definition levels are RLE runs
// taken from the slice's runs. Nothing is done per row.
template <typename T, typename Stats>
EncodedChunk encode_runs(const Field& field, const ColumnSlice& slice, size_t page_values,
                         const BigVector<T>& values, ZstdCompressor& zstd) {
  constexpr uint32_t kNullRun = UINT32_MAX;
  const Column& column = *slice.column;
  const auto dict = build_value_dictionary(slice, values, std::numeric_limits<size_t>::max());
  if (!dict) {
    Stats nulls;
    nulls.add_nulls(static_cast<int64_t>(slice.length));
    return encode_all_null(field, slice.length, page_values, nulls.finish(), zstd);
  }
  const std::vector<T>& dictionary = dict->values;
  std::vector<uint32_t> run_index(slice.runs.size());
  Stats stats;
  for (size_t k = 0, next = 0; k < slice.runs.size(); ++k) {
    const size_t row = slice.offset + k;
    if (column.is_null(row)) {
      run_index[k] = kNullRun;
      stats.add_nulls(slice.runs[k]);
      continue;
    }
    run_index[k] = dict->indices[next++];
    add_run(stats, values[row], slice.runs[k]);  // as many times as the run has rows, for NaNs
  }

  // A chunk this small (a patient's admissions) would not shrink: a ZSTD frame costs more bytes
  // and time than it saves.
  const bool tiny = dictionary.size() * sizeof(T) + slice.runs.size() * 8 < kTinyRunChunkBytes;
  ChunkBuilder builder(zstd, tiny ? Compression::None : Compression::Zstd);
  std::vector<uint8_t> body;
  append_plain(body, dictionary.data(), dictionary.size());
  builder.add_dictionary_page(body, dictionary.size());
  const int bit_width = bit_width_for(dictionary.size() - 1);
  std::vector<RleRun> levels, indices;
  size_t k = 0, used = 0;  // run k, of which `used` rows are in earlier pages
  for (size_t first = 0; first < slice.length; first += page_values) {
    const size_t rows = std::min(page_values, slice.length - first);
    levels.clear();
    indices.clear();
    for (size_t left = rows; left > 0;) {
      const size_t take = std::min<size_t>(slice.runs[k] - used, left);
      const bool null = run_index[k] == kNullRun;
      levels.push_back({null ? 0u : 1u, static_cast<uint32_t>(take)});
      if (!null) indices.push_back({run_index[k], static_cast<uint32_t>(take)});
      used += take;
      left -= take;
      if (used == slice.runs[k]) ++k, used = 0;
    }
    body.clear();
    if (field.nullable) append_definition_levels(levels, body);
    append_dictionary_indices(indices, bit_width, body);
    builder.add_data_page(body, rows, Encoding::RleDictionary);
  }
  return builder.finish(field.type, slice.length, stats.finish(),
                        {Encoding::Plain, Encoding::Rle, Encoding::RleDictionary});
}

// RLE_DICTIONARY data pages: each page's definition levels, then the indices of its non-NULL
// rows (`indices`: one per non-NULL row of the slice).
void add_dictionary_data_pages(ChunkBuilder& builder, const Field& field, const ColumnSlice& slice,
                               size_t page_values, std::span<const uint32_t> indices,
                               size_t dictionary_size) {
  const Column& column = *slice.column;
  const int bit_width = bit_width_for(dictionary_size - 1);
  std::vector<uint8_t> body;
  size_t next_index = 0;
  for_each_page(slice, page_values, [&](PageRange page) {
    body.clear();
    append_levels(field, column, page, body);
    size_t values = page.end - page.begin;
    if (!column.valid.empty())
      values = static_cast<size_t>(std::count(column.valid.begin() + page.begin,
                                              column.valid.begin() + page.end, uint8_t{1}));
    append_dictionary_indices(indices.subspan(next_index, values), bit_width, body);
    next_index += values;
    builder.add_data_page(body, page.end - page.begin, Encoding::RleDictionary);
  });
}

EncodedChunk encode_strings(const Field& field, const ColumnSlice& slice, size_t page_values,
                            ZstdCompressor& zstd) {
  const Column& column = *slice.column;
  const ChunkDictionary dict = build_chunk_dictionary(slice);
  if (dict.global_codes.empty()) {
    StringStats nulls;
    nulls.add_nulls(static_cast<int64_t>(slice.length));
    return encode_all_null(field, slice.length, page_values, nulls.finish(), zstd);
  }

  ChunkBuilder builder(zstd, Compression::Zstd);
  StringStats stats;
  std::vector<uint8_t> body;
  for (uint32_t code : dict.global_codes) {
    stats.add(column.dictionary->at(code));
    append_plain_string(body, column.dictionary->at(code));
  }
  stats.add_nulls(static_cast<int64_t>(slice.length - dict.indices.size()));
  builder.add_dictionary_page(body, dict.global_codes.size());
  add_dictionary_data_pages(builder, field, slice, page_values, dict.indices,
                            dict.global_codes.size());
  return builder.finish(field.type, slice.length, stats.finish(),
                        {Encoding::Plain, Encoding::Rle, Encoding::RleDictionary});
}

// A double chunk with few distinct values (lab values, measured to a few digits; hour offsets of
// events at shared times): a PLAIN dictionary page and RLE_DICTIONARY data pages, which take a
// fraction of PLAIN's bytes and of ZSTD's time. The first data page decides the codec.
EncodedChunk encode_double_dictionary(const Field& field, const ColumnSlice& slice,
                                      size_t page_values, const ValueDictionary<double>& dict,
                                      ZstdCompressor& zstd) {
  DoubleStats stats;
  std::vector<bool> nan(dict.values.size());
  for (size_t i = 0; i < dict.values.size(); ++i) {
    nan[i] = std::isnan(dict.values[i]);
    if (!nan[i]) stats.add(dict.values[i]);
  }
  if (std::find(nan.begin(), nan.end(), true) != nan.end())
    stats.add_nans(std::count_if(dict.indices.begin(), dict.indices.end(),
                                 [&](uint32_t i) { return nan[i]; }));
  stats.add_nulls(static_cast<int64_t>(slice.length - dict.indices.size()));

  ChunkBuilder builder(zstd, Compression::IfFirstPageShrinks);
  std::vector<uint8_t> body;
  append_plain(body, dict.values.data(), dict.values.size());
  builder.add_dictionary_page(body, dict.values.size());
  add_dictionary_data_pages(builder, field, slice, page_values, dict.indices, dict.values.size());
  return builder.finish(field.type, slice.length, stats.finish(),
                        {Encoding::Plain, Encoding::Rle, Encoding::RleDictionary});
}

// A double chunk of at least kDictionaryRows rows is dictionary-encoded when it holds at most one
// distinct value per kRowsPerDictionaryValue rows: the dictionary then takes at most an eighth of
// PLAIN's bytes, and the indices (17 bits for a million rows) about a quarter. A shorter chunk (a
// patient's file) would gain a few bytes and pay a second ZSTD frame.
constexpr size_t kDictionaryRows = 512;
constexpr size_t kRowsPerDictionaryValue = 8;

std::runtime_error slice_error(const Field& field, const std::string& what) {
  return std::runtime_error("column '" + field.name + "': " + what);
}

}  // namespace

void check_slice(const Field& field, const ColumnSlice& slice) {
  if (slice.column == nullptr) throw slice_error(field, "no column given");
  const Column& column = *slice.column;
  if (column.type != field.type) {
    throw slice_error(field, std::string("column has type ") + column_type_name(column.type) +
                                 ", schema says " + column_type_name(field.type));
  }
  // The column's rows the slice reads: one per row, or one per run.
  const size_t stored = slice.runs.empty() ? slice.length : slice.runs.size();
  if (slice.offset > column.size() || stored > column.size() - slice.offset) {
    throw slice_error(field, "rows [" + std::to_string(slice.offset) + ", " +
                                 std::to_string(slice.offset + stored) + ") out of range, " +
                                 "column has " + std::to_string(column.size()) + " rows");
  }
  if (!slice.runs.empty()) {
    if (column.type == ColumnType::String) throw slice_error(field, "string column given as runs");
    uint64_t rows = 0;
    for (const uint32_t run : slice.runs) {
      if (run == 0) throw slice_error(field, "empty run");
      rows += run;
    }
    if (rows != slice.length)
      throw slice_error(field, "runs hold " + std::to_string(rows) + " rows, slice says " +
                                   std::to_string(slice.length));
  }
  if (!column.valid.empty() && column.valid.size() != column.size()) {
    throw slice_error(field, "validity has " + std::to_string(column.valid.size()) +
                                 " entries for " + std::to_string(column.size()) + " rows");
  }
  if (column.type == ColumnType::String && column.dictionary == nullptr) {
    throw slice_error(field, "string column without dictionary");
  }
  if (!field.nullable && !column.valid.empty()) {
    const auto begin = column.valid.begin() + static_cast<ptrdiff_t>(slice.offset);
    if (std::find(begin, begin + static_cast<ptrdiff_t>(stored), 0) !=
        begin + static_cast<ptrdiff_t>(stored)) {
      throw slice_error(field, "NULL in a non-nullable field");
    }
  }
}

EncodedChunk encode_column_chunk(const Field& field, const ColumnSlice& slice, size_t page_values,
                                 ZstdCompressor& zstd) {
  const Column& column = *slice.column;
  const bool runs = !slice.runs.empty();
  switch (field.type) {
    case ColumnType::Int64:
    case ColumnType::Timestamp:
      if (runs)
        return encode_runs<int64_t, Int64Stats>(field, slice, page_values, column.ints, zstd);
      return encode_values<int64_t, Int64Stats>(field, slice, page_values, column.ints, zstd);
    case ColumnType::Double:
      if (runs)
        return encode_runs<double, DoubleStats>(field, slice, page_values, column.doubles, zstd);
      if (slice.length >= kDictionaryRows)
        if (const auto dict = build_value_dictionary(slice, column.doubles,
                                                     slice.length / kRowsPerDictionaryValue))
          return encode_double_dictionary(field, slice, page_values, *dict, zstd);
      return encode_values<double, DoubleStats>(field, slice, page_values, column.doubles, zstd);
    case ColumnType::String:
      return encode_strings(field, slice, page_values, zstd);
  }
  throw slice_error(field, "unknown column type");
}

}  // namespace ehrtok::parquet
