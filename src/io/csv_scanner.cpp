#include "io/csv_scanner.h"

#include <algorithm>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <fmt/format.h>

#include "io/input_error.h"

namespace ehrtok {
namespace {

// Stores field number `count` (then counts it) in `fields`, which only grows: a record's fields
// cost no allocation once the vector is as long as the widest record.
void store_field(std::vector<CsvField>& fields, size_t& count, const CsvField& field) {
  if (count == fields.size()) fields.resize(count + 8);
  fields[count++] = field;
}

}  // namespace

std::string_view unescape(const CsvField& field, std::string& scratch) {
  if (!field.has_escapes) return field.text;
  scratch.clear();
  for (size_t i = 0; i < field.text.size(); ++i) {
    scratch.push_back(field.text[i]);
    if (field.text[i] == '"') ++i;  // skip the second quote of a doubled pair
  }
  return scratch;
}

CsvChunker::CsvChunker(std::unique_ptr<ByteSource> source, std::string file_name,
                       size_t target_bytes)
    : source_(std::move(source)), file_name_(std::move(file_name)), target_bytes_(target_bytes) {
  read_header();
}

// Appends up to `want` bytes from the source; false when nothing more could be read.
bool CsvChunker::fill(ChunkBytes& buffer, size_t want) {
  if (eof_) return false;
  const size_t old = buffer.size();
  buffer.resize(old + want);
  size_t got = 0;
  while (got < want) {
    const size_t n = source_->read({buffer.data() + old + got, want - got});
    if (n == 0) {
      eof_ = true;
      break;
    }
    got += n;
  }
  buffer.resize(old + got);
  return got > 0;
}

// Scans buffer[scanned..] with the quoting rules of this file, carrying the quote state across
// calls, and returns one past the last record end seen so far (0 if none). The state only
// changes at quotes, so the scan jumps from quote to quote with memchr and looks for the last
// newline of each unquoted stretch with memrchr: both are vectorized in libc, and MIMIC files
// have few quotes.
size_t CsvChunker::last_record_end(const ChunkBytes& buffer, size_t& scanned,
                                   bool& in_quotes) const {
  const char* data = buffer.data();
  const size_t size = buffer.size();
  size_t end = 0;
  size_t i = scanned;
  while (i < size) {
    const void* hit = std::memchr(data + i, '"', size - i);
    const size_t q = hit ? static_cast<const char*>(hit) - data : size;
    if (in_quotes) {
      if (q + 1 >= size) {  // no closing quote yet, or can't tell yet whether it is doubled
        i = std::min(q, size);
        break;
      }
      i = q + 1;
      if (data[i] == '"')
        ++i;
      else
        in_quotes = false;
      continue;
    }
    if (const void* nl = memrchr(data + i, '\n', q - i))
      end = static_cast<const char*>(nl) - data + 1;
    if (q == size) {
      i = size;
      break;
    }
    in_quotes = q == 0 || data[q - 1] == ',' || data[q - 1] == '\n';
    i = q + 1;
  }
  scanned = i;
  return end;
}

void CsvChunker::recycle(CsvChunk&& chunk) {
  // A buffer grown for a huge record (a long quoted field) is not kept.
  if (chunk.bytes.capacity() <= 4 * target_bytes_ + (1 << 20))
    spare_.give_back(std::move(chunk.bytes));
}

std::optional<CsvChunk> CsvChunker::next() {
  CsvChunk chunk;
  if (auto spare = spare_.take()) chunk.bytes = std::move(*spare);
  chunk.bytes.clear();
  chunk.bytes.reserve(carry_.size() + target_bytes_ + (1 << 16));
  chunk.bytes.assign(carry_.begin(), carry_.end());
  carry_.clear();
  size_t scanned = 0;
  bool in_quotes = false;
  size_t end = last_record_end(chunk.bytes, scanned, in_quotes);
  while (chunk.bytes.size() < target_bytes_ || end == 0) {
    const size_t want =
        std::max(target_bytes_ - std::min(target_bytes_, chunk.bytes.size()), size_t{1} << 16);
    if (!fill(chunk.bytes, want)) break;
    end = std::max(end, last_record_end(chunk.bytes, scanned, in_quotes));
  }
  if (chunk.bytes.empty()) return std::nullopt;
  if (!eof_ && end < chunk.bytes.size()) {
    carry_.assign(chunk.bytes.begin() + static_cast<ptrdiff_t>(end), chunk.bytes.end());
    chunk.bytes.resize(end);
  }
  chunk.file_bytes = source_->consumed();
  return chunk;
}

void CsvChunker::read_header() {
  // Read until at least one whole record is in the buffer (or the file ends), then split the
  // first record by the same rules as every other.
  ChunkBytes buffer;
  size_t scanned = 0;
  bool in_quotes = false;
  while (last_record_end(buffer, scanned, in_quotes) == 0 && fill(buffer, 1 << 16)) {
  }
  if (buffer.empty()) throw InputError(fmt::format("{}: empty file (no header line)", file_name_));
  const std::string_view text(buffer.data(), buffer.size());
  const size_t bom = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  CsvRecordSplitter splitter(text.substr(bom), 1);
  CsvRecord record;
  if (!splitter.next(record) || record.malformed)
    throw InputError(fmt::format("{}:1: malformed header line", file_name_));
  std::string scratch;
  for (size_t k = 0; k < record.size(); ++k)
    header_.emplace_back(unescape(record.field(k), scratch));
  first_data_line_ = splitter.line();
  carry_.assign(buffer.begin() + static_cast<ptrdiff_t>(bom + splitter.position()), buffer.end());
}

#if defined(__SSE2__)
namespace {

// The bytes equal to `c` among the 64 at `p`, as bits.
uint64_t byte_mask(const char* p, char c) {
  const __m128i wanted = _mm_set1_epi8(c);
  uint64_t mask = 0;
  for (int k = 0; k < 4; ++k) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    mask |= static_cast<uint64_t>(
                static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, wanted))))
            << (16 * k);
  }
  return mask;
}

// Its set bits: std::popcount is a library call on baseline x86-64 (no POPCNT instruction).
int bit_count(uint64_t x) {
  x -= (x >> 1) & 0x5555555555555555;
  x = (x & 0x3333333333333333) + ((x >> 2) & 0x3333333333333333);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0F;
  return static_cast<int>((x * 0x0101010101010101) >> 56);
}

}  // namespace
#endif

// Most records hold no quote: their fields end at the commas up to the newline, found 64 bytes
// at a time, and their offsets are written without a branch per field (16 at a time, whether or
// not that many were found: the record's offsets only grow). A quote anywhere in the record
// leaves it to the general rules.
bool CsvRecordSplitter::split_plain(CsvRecord& record) {
  const char* data = data_.data();
  const size_t size = data_.size();
  const size_t start = pos_;
  size_t i = pos_, count = 0;
  std::vector<uint32_t>& ends = record.ends_;
  const auto room_for = [&](size_t more) {
    if (ends.size() < count + more) ends.resize(count + more + 64);
  };
  bool at_end = false;
#if defined(__SSE2__)
  for (; i + 64 <= size; i += 64) {
    const uint64_t newlines = byte_mask(data + i, '\n');
    const uint64_t before_end = newlines ? (newlines & (0 - newlines)) - 1 : ~uint64_t{0};
    if (byte_mask(data + i, '"') & before_end) return false;
    uint64_t commas = byte_mask(data + i, ',') & before_end;
    const int found = bit_count(commas);
    room_for(64);
    uint32_t* out = ends.data() + count;
    for (int k = 0; k < 16; ++k) {
      out[k] = static_cast<uint32_t>(i + std::countr_zero(commas));
      commas &= commas - 1;
    }
    for (int k = 16; k < found; ++k) {
      out[k] = static_cast<uint32_t>(i + std::countr_zero(commas));
      commas &= commas - 1;
    }
    count += static_cast<size_t>(found);
    if (newlines) {
      i += std::countr_zero(newlines);
      at_end = true;
      break;
    }
  }
#endif
  for (; !at_end && i < size && data[i] != '\n'; ++i) {
    if (data[i] == '"') return false;
    if (data[i] == ',') {
      room_for(1);
      ends[count++] = static_cast<uint32_t>(i);
    }
  }
  const size_t last_start = count == 0 ? start : ends[count - 1] + 1;
  room_for(1);
  ends[count++] = static_cast<uint32_t>(i > last_start && data[i - 1] == '\r' ? i - 1 : i);
  record.plain_ = true;
  record.data_ = data;
  record.start_ = start;
  record.ends_count_ = count;
  if (i < size) {
    pos_ = i + 1;
    ++line_;
  } else {
    pos_ = size;
  }
  return true;
}

bool CsvRecordSplitter::next(CsvRecord& record) {
  const char* data = data_.data();
  const size_t size = data_.size();
  // Blank lines are not records.
  while (pos_ < size && (data[pos_] == '\n' ||
                         (data[pos_] == '\r' && pos_ + 1 < size && data[pos_ + 1] == '\n'))) {
    if (data[pos_] == '\r') ++pos_;
    ++pos_;
    ++line_;
  }
  if (pos_ >= size) return false;
  record.malformed = false;
  record.line = line_;
  // Offsets are 32-bit: a chunk beyond 4 GiB (one giant quoted field) takes the general way.
  if (size <= UINT32_MAX && split_plain(record)) return true;
  record.plain_ = false;
  split_quoted(record.fields_, record.malformed);
  return true;
}

// The general rules, for a record with a quote somewhere.
void CsvRecordSplitter::split_quoted(std::vector<CsvField>& fields, bool& malformed) {
  const char* data = data_.data();
  const size_t size = data_.size();
  size_t count = 0;
  auto store = [&](const CsvField& f) { store_field(fields, count, f); };
  size_t i = pos_;
  while (true) {
    CsvField field;
    if (i < size && data[i] == '"') {
      field.quoted = true;
      const size_t start = ++i;
      while (true) {
        const void* q = std::memchr(data + i, '"', size - i);
        if (!q) {  // unterminated: the rest of the chunk is this field
          line_ += std::count(data + start, data + size, '\n');
          field.text = {data + start, size - start};
          store(field);
          fields.resize(count);
          malformed = true;
          pos_ = size;
          return;
        }
        i = static_cast<const char*>(q) - data;
        if (i + 1 < size && data[i + 1] == '"') {
          field.has_escapes = true;
          i += 2;
          continue;
        }
        break;
      }
      field.text = {data + start, i - start};
      line_ += std::count(field.text.begin(), field.text.end(), '\n');
      ++i;  // closing quote
      // Only a delimiter or a line end may follow a closing quote.
      if (i < size && data[i] != ',' && data[i] != '\n' &&
          !(data[i] == '\r' && (i + 1 == size || data[i + 1] == '\n'))) {
        malformed = true;
        while (i < size && data[i] != ',' && data[i] != '\n') ++i;
      }
    } else {
      const size_t start = i;
      while (i < size && data[i] != ',' && data[i] != '\n') ++i;
      size_t stop = i;
      if (stop > start && data[stop - 1] == '\r' && (i == size || data[i] == '\n')) --stop;
      field.text = {data + start, stop - start};
    }
    store(field);
    if (i < size && data[i] == ',') {
      ++i;
      continue;
    }
    if (i < size && data[i] == '\r') ++i;  // CRLF after a quoted field
    if (i < size && data[i] == '\n') {
      ++i;
      ++line_;
    }
    pos_ = i;
    fields.resize(count);
    return;
  }
}

}  // namespace ehrtok
