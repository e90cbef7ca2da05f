// RFC 4180 CSV: cutting a byte stream into chunks of whole records, and splitting a chunk's
// records into fields.
//
// Both follow one rule set, so the cut points of the chunker and the record boundaries of the
// splitter always agree: a double quote opens a quoted field only at the start of a field; inside
// a quoted field a doubled quote is a literal quote, and commas and newlines are data; a quote
// elsewhere in an unquoted field is a literal character. Records end at "\n" or "\r\n"; the last
// record may lack a line end. Blank lines are not records.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/byte_source.h"
#include "table/big_vector.h"
#include "util/spare_pool.h"

namespace ehrtok {

// One field of a record, pointing into the chunk. For a quoted field, `text` is the content
// between the quotes, still with doubled quotes when `has_escapes` is set.
struct CsvField {
  std::string_view text;
  bool quoted = false;
  bool has_escapes = false;
};

// The field's value with doubled quotes undone; `scratch` holds the bytes when needed.
std::string_view unescape(const CsvField& field, std::string& scratch);

// A run of whole records cut from a file.
// Line numbers are not counted while cutting (that would be a second pass on the one sequential
// thread): a chunk's splitter counts its lines, and the in-order consumer adds them up.
// Chunk buffers are large: huge pages keep their first touch cheap, and recycle() reuses them.
using ChunkBytes = std::vector<char, UninitializedHugePageAllocator<char>>;

struct CsvChunk {
  ChunkBytes bytes;
  // Bytes of the file (compressed, for gzip) consumed when the chunk was cut: how far into the
  // file its records reach, give or take the reader's input buffer.
  uint64_t file_bytes = 0;

  std::string_view text() const { return {bytes.data(), bytes.size()}; }
};

// Reads a CSV stream as a header record and then chunks of whole records of about
// `target_bytes` each.
class CsvChunker {
 public:
  CsvChunker(std::unique_ptr<ByteSource> source, std::string file_name,
             size_t target_bytes = 8 << 20);
  // The header's field names. Throws InputError if the file is empty.
  const std::vector<std::string>& header() const { return header_; }
  // The 1-based line number at which the first chunk starts.
  int64_t first_data_line() const { return first_data_line_; }
  std::optional<CsvChunk> next();
  uint64_t bytes_consumed() const { return source_->consumed(); }
  // Takes back a chunk whose records are parsed, from any thread: the next chunks reuse its
  // memory. A fresh chunk buffer costs a page fault per page (the kernel zeroes each one), which
  // profiling the import showed to be a fifth of its time.
  void recycle(CsvChunk&& chunk);

 private:
  bool fill(ChunkBytes& buffer, size_t want);
  size_t last_record_end(const ChunkBytes& buffer, size_t& scanned, bool& in_quotes) const;
  void read_header();

  std::unique_ptr<ByteSource> source_;
  std::string file_name_;
  size_t target_bytes_;
  std::vector<std::string> header_;
  ChunkBytes carry_;
  SparePool<ChunkBytes> spare_{8};
  int64_t first_data_line_ = 1;
  bool eof_ = false;
};

// One record of a chunk. A record without a quote (most) is kept as the offsets where its
// fields end, read as fields only where asked; any other as its fields.
class CsvRecord {
 public:
  int64_t line = 0;        // where the record starts
  bool malformed = false;  // a quoted field is unterminated or followed by stray characters

  size_t size() const { return plain_ ? ends_count_ : fields_.size(); }
  // Field k (< size()).
  CsvField field(size_t k) const {
    if (!plain_) return fields_[k];
    const size_t begin = k == 0 ? start_ : ends_[k - 1] + 1;
    return {.text = {data_ + begin, ends_[k] - begin}};
  }

 private:
  friend class CsvRecordSplitter;
  bool plain_ = false;
  const char* data_ = nullptr;  // the chunk
  size_t start_ = 0;            // of the first field
  std::vector<uint32_t> ends_;  // field k ends at ends_[k] (offsets into the chunk); only grows
  size_t ends_count_ = 0;
  std::vector<CsvField> fields_;
};

// Splits the records of one chunk (under 4 GiB) in order. Line numbers count from `first_line`
// at the start of the chunk (pass 0 for numbers relative to the chunk).
class CsvRecordSplitter {
 public:
  CsvRecordSplitter(std::string_view bytes, int64_t first_line) : data_(bytes), line_(first_line) {}
  // The next record; false at the end of the chunk.
  bool next(CsvRecord& record);
  // Where the next record starts, and its line number.
  size_t position() const { return pos_; }
  int64_t line() const { return line_; }

 private:
  bool split_plain(CsvRecord& record);
  void split_quoted(std::vector<CsvField>& fields, bool& malformed);
  std::string_view data_;
  size_t pos_ = 0;
  int64_t line_;
};

}  // namespace ehrtok
