#include "parquet/column_writer.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>

#include "parquet/chunk_dictionary.h"
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

void append_plain_string(std::vector<uint8_t>& out, std::string_view s) {
  const uint32_t length = checked_i32(s.size(), "a string");
  for (int byte = 0; byte < 4; ++byte) out.push_back(static_cast<uint8_t>(length >> (8 * byte)));
  out.insert(out.end(), s.begin(), s.end());
}

// Collects compressed pages and the sizes and offsets the footer needs.
class ChunkBuilder {
 public:
  explicit ChunkBuilder(ZstdCompressor& zstd) : zstd_(zstd) {}

  void add_dictionary_page(std::span<const uint8_t> body, size_t num_values) {
    chunk_.metadata.dictionary_page_offset = static_cast<int64_t>(chunk_.bytes.size());
    const int32_t n = checked_i32(num_values, "a dictionary");
    add_page(body, [&](PageSizes sizes) { append_dictionary_page_header(chunk_.bytes, sizes, n); });
  }

  void add_data_page(std::span<const uint8_t> body, size_t num_values, Encoding encoding) {
    if (!has_data_page_)
      chunk_.metadata.data_page_offset = static_cast<int64_t>(chunk_.bytes.size());
    has_data_page_ = true;
    const int32_t n = checked_i32(num_values, "a page");
    add_page(body,
             [&](PageSizes sizes) { append_data_page_header(chunk_.bytes, sizes, n, encoding); });
  }

  EncodedChunk finish(ColumnType type, size_t num_values, ChunkStatistics stats,
                      std::vector<Encoding> encodings) {
    chunk_.metadata.type = physical_type(type);
    chunk_.metadata.num_values = static_cast<int64_t>(num_values);
    chunk_.metadata.statistics = std::move(stats);
    chunk_.metadata.encodings = std::move(encodings);
    return std::move(chunk_);
  }

 private:
  template <typename AppendHeader>
  void add_page(std::span<const uint8_t> body, AppendHeader&& append_header) {
    const std::span<const uint8_t> compressed = zstd_.compress(body);
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
EncodedChunk encode_plain(const Field& field, const ColumnSlice& slice, size_t page_values,
                          const BigVector<T>& values, ZstdCompressor& zstd) {
  const Column& column = *slice.column;
  ChunkBuilder builder(zstd);
  Stats stats;
  std::vector<uint8_t> body;
  std::vector<T> kept;  // a page's non-NULL values
  for_each_page(slice, page_values, [&](PageRange page) {
    body.clear();
    append_levels(field, column, page, body);
    if (column.valid.empty()) {  // no NULL: the page's values in one copy
      const size_t count = page.end - page.begin;
      append_plain(body, values.data() + page.begin, count);
      stats.add_all({values.data() + page.begin, count});
      return builder.add_data_page(body, count, Encoding::Plain);
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
    append_plain(body, kept.data(), count);
    builder.add_data_page(body, rows, Encoding::Plain);
  });
  return builder.finish(field.type, slice.length, stats.finish(), {Encoding::Plain, Encoding::Rle});
}

// A string chunk of NULLs only: a dictionary would be empty, which not every reader accepts.
EncodedChunk encode_all_null_strings(const Field& field, const ColumnSlice& slice,
                                     size_t page_values, ZstdCompressor& zstd) {
  ChunkBuilder builder(zstd);
  std::vector<uint8_t> body;
  for_each_page(slice, page_values, [&](PageRange page) {
    body.clear();
    append_levels(field, *slice.column, page, body);
    builder.add_data_page(body, page.end - page.begin, Encoding::Plain);
  });
  StringStats stats;
  stats.add_nulls(static_cast<int64_t>(slice.length));
  return builder.finish(field.type, slice.length, stats.finish(), {Encoding::Plain, Encoding::Rle});
}

EncodedChunk encode_strings(const Field& field, const ColumnSlice& slice, size_t page_values,
                            ZstdCompressor& zstd) {
  const Column& column = *slice.column;
  const ChunkDictionary dict = build_chunk_dictionary(slice);
  if (dict.global_codes.empty()) return encode_all_null_strings(field, slice, page_values, zstd);

  ChunkBuilder builder(zstd);
  StringStats stats;
  std::vector<uint8_t> body;
  for (uint32_t code : dict.global_codes) {
    stats.add(column.dictionary->at(code));
    append_plain_string(body, column.dictionary->at(code));
  }
  stats.add_nulls(static_cast<int64_t>(slice.length - dict.indices.size()));
  builder.add_dictionary_page(body, dict.global_codes.size());

  const int bit_width = bit_width_for(dict.global_codes.size() - 1);
  size_t next_index = 0;  // dict.indices holds non-NULL rows only
  for_each_page(slice, page_values, [&](PageRange page) {
    body.clear();
    append_levels(field, column, page, body);
    size_t values = 0;
    for (size_t row = page.begin; row < page.end; ++row) values += column.is_null(row) ? 0 : 1;
    append_dictionary_indices(std::span(dict.indices).subspan(next_index, values), bit_width, body);
    next_index += values;
    builder.add_data_page(body, page.end - page.begin, Encoding::RleDictionary);
  });
  return builder.finish(field.type, slice.length, stats.finish(),
                        {Encoding::Plain, Encoding::Rle, Encoding::RleDictionary});
}

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
  if (slice.offset > column.size() || slice.length > column.size() - slice.offset) {
    throw slice_error(field, "rows [" + std::to_string(slice.offset) + ", " +
                                 std::to_string(slice.offset + slice.length) + ") out of range, " +
                                 "column has " + std::to_string(column.size()) + " rows");
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
    if (std::find(begin, begin + static_cast<ptrdiff_t>(slice.length), 0) !=
        begin + static_cast<ptrdiff_t>(slice.length)) {
      throw slice_error(field, "NULL in a non-nullable field");
    }
  }
}

EncodedChunk encode_column_chunk(const Field& field, const ColumnSlice& slice, size_t page_values,
                                 ZstdCompressor& zstd) {
  const Column& column = *slice.column;
  switch (field.type) {
    case ColumnType::Int64:
    case ColumnType::Timestamp:
      return encode_plain<int64_t, Int64Stats>(field, slice, page_values, column.ints, zstd);
    case ColumnType::Double:
      return encode_plain<double, DoubleStats>(field, slice, page_values, column.doubles, zstd);
    case ColumnType::String:
      return encode_strings(field, slice, page_values, zstd);
  }
  throw slice_error(field, "unknown column type");
}

}  // namespace ehrtok::parquet
