#include "parquet/column_reader.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <string>
#include <type_traits>

#include "parquet/delta_binary_packed.h"
#include "parquet/format_error.h"
#include "parquet/page_header.h"
#include "parquet/rle_bp_decoder.h"

namespace ehrtok::parquet {
namespace {

using format::Encoding;

std::string encoding_name(Encoding e) { return std::to_string(static_cast<int32_t>(e)); }

// Spreads the first `present` values of out[0, n) to the rows whose level is 1, back to front so
// it can work in place, and zeroes NULL rows.
template <typename T>
void spread_to_valid_rows(T* out, size_t n, size_t present, const uint8_t* valid) {
  if (present == n) return;
  for (size_t i = n; i-- > 0;) out[i] = valid[i] ? out[--present] : T{};
}

class ChunkDecoder {
 public:
  ChunkDecoder(const ColumnChunkMetadata& meta, const Field& field, Column& out, size_t offset,
               PageScratch& scratch)
      : meta_(meta), field_(field), out_(out), offset_(offset), scratch_(scratch) {}

  DecodedChunk run(std::span<const uint8_t> bytes) {
    const auto rows = static_cast<size_t>(meta_.num_values);
    size_t pos = 0;
    while (pos < bytes.size()) {
      const PageHeader header = parse_page_header(bytes.subspan(pos));
      pos += header.header_bytes;
      const auto compressed = static_cast<size_t>(header.sizes.compressed);
      if (compressed > bytes.size() - pos)
        throw FormatError("page runs past the end of its column chunk");
      const auto body = bytes.subspan(pos, compressed);
      pos += compressed;
      switch (header.type) {
        case format::PageType::DictionaryPage:
          read_dictionary(header, body);
          break;
        case format::PageType::DataPage:
          if (static_cast<size_t>(header.num_values) > rows - row_)
            throw FormatError("pages hold more values than the column chunk");
          read_data_page(header, body);
          row_ += static_cast<size_t>(header.num_values);
          break;
        case format::PageType::IndexPage:
          break;  // unused by the format; readers skip them
        case format::PageType::DataPageV2:
          throw FormatError("unsupported page type DATA_PAGE_V2 (only V1 data pages)");
        default:
          throw FormatError("unknown page type " +
                            std::to_string(static_cast<int32_t>(header.type)));
      }
    }
    if (row_ != rows)
      throw FormatError("pages hold " + std::to_string(row_) + " values, column chunk " +
                        std::to_string(rows));
    return std::move(result_);
  }

 private:
  // Rejects a body that is no zstd frame of the declared size before anything is allocated for
  // it, so that a header cannot make us allocate what the frame lacks.
  void check_body(const PageHeader& header, std::span<const uint8_t> body) const {
    const auto size = static_cast<uint64_t>(header.sizes.uncompressed);
    if (meta_.codec == format::Codec::Uncompressed) {
      if (size != body.size()) throw FormatError("uncompressed page with two different sizes");
      return;
    }
    const unsigned long long content = ZSTD_getFrameContentSize(body.data(), body.size());
    if (content == ZSTD_CONTENTSIZE_ERROR)
      throw FormatError("page does not decompress (not a zstd frame)");
    if (content != ZSTD_CONTENTSIZE_UNKNOWN && content != size)
      throw FormatError("page decompresses to " + std::to_string(content) + " bytes, header says " +
                        std::to_string(size));
  }

  // Decompresses a checked body into `out`, of exactly the declared size.
  void decompress_into(std::span<const uint8_t> body, std::span<uint8_t> out) {
    if (meta_.codec == format::Codec::Uncompressed) {
      if (!out.empty()) std::memcpy(out.data(), body.data(), out.size());
    } else {
      scratch_.zstd.decompress(body, out);
    }
  }

  // The page's decompressed bytes in `buffer`, followed by kDecodePadding bytes for the decoders.
  std::span<const uint8_t> decompress(const PageHeader& header, std::span<const uint8_t> body,
                                      std::vector<uint8_t>& buffer) {
    check_body(header, body);
    const auto size = static_cast<size_t>(header.sizes.uncompressed);
    buffer.resize(size + kDecodePadding);
    const std::span<uint8_t> page(buffer.data(), size);
    decompress_into(body, page);
    return page;
  }

  // A REQUIRED numeric page is nothing but its PLAIN values: decompressed straight into the
  // column, without a copy. Returns false for any other page.
  bool read_values_in_place(const PageHeader& header, std::span<const uint8_t> body) {
    if (field_.nullable || field_.type == ColumnType::String ||
        header.encoding != Encoding::Plain ||
        static_cast<uint64_t>(header.sizes.uncompressed) != uint64_t{8} * header.num_values)
      return false;
    check_body(header, body);
    const size_t row = offset_ + row_;
    auto* out = field_.type == ColumnType::Double ? reinterpret_cast<uint8_t*>(out_.doubles.data())
                                                  : reinterpret_cast<uint8_t*>(out_.ints.data());
    decompress_into(body, std::span(out + 8 * row, static_cast<size_t>(header.sizes.uncompressed)));
    return true;
  }

  void read_dictionary(const PageHeader& header, std::span<const uint8_t> body) {
    if (has_dictionary_ || row_ != 0) throw FormatError("dictionary page after the first page");
    if (header.encoding != Encoding::Plain && header.encoding != Encoding::PlainDictionary)
      throw FormatError("unsupported dictionary encoding " + encoding_name(header.encoding));
    if (field_.type != ColumnType::String) return read_numeric_dictionary(header, body);
    ChunkStrings& strings = result_.strings;
    const auto page = decompress(header, body, strings.dictionary_page);
    const auto count = static_cast<size_t>(header.num_values);
    if (count > page.size() / 4) throw FormatError("dictionary page shorter than its value count");
    strings.values.reserve(count);
    size_t pos = 0;
    for (size_t i = 0; i < count; ++i) {
      if (page.size() - pos < 4) throw FormatError("dictionary page shorter than its value count");
      uint32_t length;
      std::memcpy(&length, page.data() + pos, 4);
      pos += 4;
      if (length > page.size() - pos) throw FormatError("dictionary string runs past its page");
      strings.values.emplace_back(reinterpret_cast<const char*>(page.data() + pos), length);
      pos += length;
    }
    seen_.assign(count, 0);
    has_dictionary_ = true;
  }

  // PLAIN 8-byte values, kept as they lie in the page.
  void read_numeric_dictionary(const PageHeader& header, std::span<const uint8_t> body) {
    const auto page = decompress(header, body, numeric_dictionary_page_);
    const auto count = static_cast<size_t>(header.num_values);
    if (count > page.size() / 8) throw FormatError("dictionary page shorter than its value count");
    numeric_dictionary_ = page.first(count * 8);
    has_dictionary_ = true;
  }

  void read_data_page(const PageHeader& header, std::span<const uint8_t> body) {
    if (read_values_in_place(header, body)) return;
    const auto page = decompress(header, body, scratch_.page);
    const auto n = static_cast<size_t>(header.num_values);
    const size_t row = offset_ + row_;
    size_t present = n;
    const uint8_t* valid = nullptr;
    size_t levels_bytes = 0;
    if (field_.nullable) {
      if (header.definition_level_encoding != Encoding::Rle)
        throw FormatError("unsupported definition level encoding " +
                          encoding_name(header.definition_level_encoding) + " (only RLE)");
      uint8_t* levels = out_.valid.data() + row;
      levels_bytes = decode_definition_levels(page, std::span(levels, n));
      present = std::accumulate(levels, levels + n, size_t{0});
      result_.nulls += n - present;
      valid = levels;
    }
    const auto values = page.subspan(levels_bytes);
    switch (field_.type) {
      case ColumnType::Int64:
      case ColumnType::Timestamp:
        return read_plain(header, values, out_.ints.data() + row, n, present, valid);
      case ColumnType::Double:
        return read_plain(header, values, out_.doubles.data() + row, n, present, valid);
      case ColumnType::String:
        return read_indices(header, values, out_.codes.data() + row, n, present, valid);
    }
  }

  template <typename T>
  void read_plain(const PageHeader& header, std::span<const uint8_t> values, T* out, size_t n,
                  size_t present, const uint8_t* valid) {
    if (header.encoding == Encoding::RleDictionary || header.encoding == Encoding::PlainDictionary)
      return read_numeric_indices(values, out, n, present, valid);
    if constexpr (std::is_same_v<T, int64_t>) {
      if (header.encoding == Encoding::DeltaBinaryPacked) {
        decode_delta_binary_packed(values, std::span(out, present));
        return spread_to_valid_rows(out, n, present, valid);
      }
    }
    if (header.encoding != Encoding::Plain)
      throw FormatError("unsupported encoding " + encoding_name(header.encoding) + " for " +
                        column_type_name(field_.type) +
                        " values (only PLAIN, dictionary or, for integers, DELTA_BINARY_PACKED)");
    if (values.size() / sizeof(T) < present)
      throw FormatError("data page holds fewer values than its header says");
    if (present == n) {
      if (n != 0) std::memcpy(out, values.data(), n * sizeof(T));
      return;
    }
    // Branch-free scatter: NULL rows read the next value too (at most the one past the last,
    // inside the page buffer's padding) and store 0 instead.
    const uint8_t* src = values.data();
    for (size_t i = 0, k = 0; i < n; ++i) {
      T v;
      std::memcpy(&v, src + k * sizeof(T), sizeof(T));
      out[i] = valid[i] ? v : T{};
      k += valid[i];
    }
  }

  // The dictionary indices of a page's non-NULL values: a byte of bit width, then RLE/bit-packed.
  void decode_indices(std::span<const uint8_t> values, std::span<uint32_t> out) const {
    if (!has_dictionary_) throw FormatError("dictionary-encoded page without a dictionary page");
    if (values.empty()) throw FormatError("data page without its index bit width");
    decode_rle_bp(values.subspan(1), values[0], out);
  }

  template <typename T>
  void read_numeric_indices(std::span<const uint8_t> values, T* out, size_t n, size_t present,
                            const uint8_t* valid) {
    if (present != 0) {
      scratch_.indices.resize(present);
      decode_indices(values, scratch_.indices);
      const size_t size = numeric_dictionary_.size() / sizeof(T);
      if (*std::max_element(scratch_.indices.begin(), scratch_.indices.end()) >= size)
        throw FormatError("dictionary index out of range");
      for (size_t i = 0; i < present; ++i)
        std::memcpy(out + i, numeric_dictionary_.data() + scratch_.indices[i] * sizeof(T),
                    sizeof(T));
    }
    spread_to_valid_rows(out, n, present, valid);
  }

  void read_indices(const PageHeader& header, std::span<const uint8_t> values, uint32_t* out,
                    size_t n, size_t present, const uint8_t* valid) {
    if (header.encoding == Encoding::Plain) {
      if (present != 0)
        throw FormatError("unsupported PLAIN-encoded strings (only dictionary-encoded)");
    } else if (header.encoding != Encoding::RleDictionary &&
               header.encoding != Encoding::PlainDictionary) {
      throw FormatError("unsupported encoding " + encoding_name(header.encoding) + " for strings");
    }
    if (present != 0) {
      decode_indices(values, std::span(out, present));
      note_indices(out, present);
    }
    spread_to_valid_rows(out, n, present, valid);
  }

  // Checks indices against the dictionary and records the order of first use. Once every entry
  // has been used, only the range check remains, as a vectorisable max.
  void note_indices(const uint32_t* indices, size_t count) {
    ChunkStrings& strings = result_.strings;
    const size_t size = strings.values.size();
    if (strings.first_use.size() == size) {
      if (count != 0 && *std::max_element(indices, indices + count) >= size)
        throw FormatError("dictionary index out of range");
      return;
    }
    for (size_t i = 0; i < count; ++i) {
      const uint32_t index = indices[i];
      if (index >= size)
        throw FormatError("dictionary index " + std::to_string(index) + " out of range (" +
                          std::to_string(size) + " entries)");
      if (!seen_[index]) {
        seen_[index] = 1;
        strings.first_use.push_back(index);
      }
    }
  }

  const ColumnChunkMetadata& meta_;
  const Field& field_;
  Column& out_;
  size_t offset_;
  PageScratch& scratch_;
  size_t row_ = 0;  // rows of the chunk decoded so far
  bool has_dictionary_ = false;
  std::vector<uint8_t> seen_;  // per dictionary entry: used yet?
  std::vector<uint8_t> numeric_dictionary_page_;
  std::span<const uint8_t> numeric_dictionary_;  // of an INT64/TIMESTAMP/DOUBLE chunk
  DecodedChunk result_;
};

}  // namespace

DecodedChunk decode_column_chunk(std::span<const uint8_t> bytes, const ColumnChunkMetadata& meta,
                                 const Field& field, Column& out, size_t offset,
                                 PageScratch& scratch) {
  return ChunkDecoder(meta, field, out, offset, scratch).run(bytes);
}

}  // namespace ehrtok::parquet
