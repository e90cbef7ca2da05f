#include "parquet/delta_binary_packed.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <string>

#include "parquet/format_error.h"
#include "parquet/varint.h"

namespace ehrtok::parquet {
namespace {

constexpr size_t kBlockValues = 128;
constexpr size_t kMiniblocks = 4;
constexpr size_t kMiniblockValues = kBlockValues / kMiniblocks;

// A block size this large is no file we or a common writer make, and would let a header ask for
// absurd work; the specification's multiples of 128 up to it are accepted.
constexpr uint64_t kMaxBlockValues = 1 << 20;

void store_le64(uint8_t* at, uint64_t value) {
  static_assert(std::endian::native == std::endian::little);
  std::memcpy(at, &value, 8);
}

uint64_t load_le64(const uint8_t* at) {
  uint64_t value;
  std::memcpy(&value, at, 8);
  return value;
}

// Packs the 32 values of a miniblock at `width` bits each, LSB first: exactly 4 * width bytes.
void pack_miniblock(const uint64_t* values, int width, std::vector<uint8_t>& out) {
  if (width == 0) return;
  const size_t start = out.size();
  out.resize(start + kMiniblockValues * width / 8);
  uint8_t* at = out.data() + start;
  uint64_t pending = 0;  // bits not yet stored, the oldest lowest
  int filled = 0;        // how many, always < 64
  for (size_t i = 0; i < kMiniblockValues; ++i) {
    pending |= values[i] << filled;
    if (filled + width < 64) {
      filled += width;
      continue;
    }
    store_le64(at, pending);
    at += 8;
    const int stored = 64 - filled;  // bits of values[i] that went out with `pending`
    pending = stored < 64 ? values[i] >> stored : 0;
    filled = filled + width - 64;
  }
  for (; filled > 0; filled -= 8, pending >>= 8) *at++ = static_cast<uint8_t>(pending);
}

// The value at `index` of a miniblock packed at `width` (1..64) bits.
uint64_t unpack(const uint8_t* miniblock, size_t index, int width) {
  const size_t bit = index * static_cast<size_t>(width);
  const uint8_t* at = miniblock + bit / 8;
  const int shift = static_cast<int>(bit % 8);
  uint64_t value = load_le64(at) >> shift;
  if (shift + width > 64) value |= static_cast<uint64_t>(at[8]) << (64 - shift);
  return width == 64 ? value : value & ((uint64_t{1} << width) - 1);
}

}  // namespace

void append_delta_binary_packed(std::span<const int64_t> values, std::vector<uint8_t>& out) {
  append_varint(out, kBlockValues);
  append_varint(out, kMiniblocks);
  append_varint(out, values.size());
  append_varint(out, zigzag(values.empty() ? 0 : values[0]));
  uint64_t deltas[kBlockValues];
  for (size_t first = 1; first < values.size(); first += kBlockValues) {
    const size_t count = std::min(kBlockValues, values.size() - first);
    int64_t min_delta = std::numeric_limits<int64_t>::max();
    for (size_t i = 0; i < count; ++i) {
      deltas[i] =
          static_cast<uint64_t>(values[first + i]) - static_cast<uint64_t>(values[first + i - 1]);
      min_delta = std::min(min_delta, static_cast<int64_t>(deltas[i]));
    }
    for (size_t i = 0; i < count; ++i) deltas[i] -= static_cast<uint64_t>(min_delta);
    std::fill(deltas + count, deltas + kBlockValues, 0);  // padding of the last miniblock
    append_varint(out, zigzag(min_delta));
    const size_t used = (count + kMiniblockValues - 1) / kMiniblockValues;
    int widths[kMiniblocks] = {};
    for (size_t m = 0; m < used; ++m) {
      uint64_t bits = 0;
      for (size_t i = 0; i < kMiniblockValues; ++i) bits |= deltas[m * kMiniblockValues + i];
      widths[m] = std::bit_width(bits);
    }
    for (const int width : widths) out.push_back(static_cast<uint8_t>(width));
    for (size_t m = 0; m < used; ++m) pack_miniblock(deltas + m * kMiniblockValues, widths[m], out);
  }
}

size_t decode_delta_binary_packed(std::span<const uint8_t> data, std::span<int64_t> out) {
  const uint8_t* pos = data.data();
  const uint8_t* const end = pos + data.size();
  const uint64_t block_values = read_varint(pos, end);
  const uint64_t miniblocks = read_varint(pos, end);
  const uint64_t total = read_varint(pos, end);
  const uint64_t first = static_cast<uint64_t>(unzigzag(read_varint(pos, end)));
  if (block_values == 0 || block_values % 128 != 0 || block_values > kMaxBlockValues ||
      miniblocks == 0 || block_values % miniblocks != 0 || block_values / miniblocks % 32 != 0)
    throw FormatError("delta-encoded page with invalid block layout (" +
                      std::to_string(block_values) + " values in " + std::to_string(miniblocks) +
                      " miniblocks)");
  if (total != out.size())
    throw FormatError("delta-encoded page holds " + std::to_string(total) + " values, expected " +
                      std::to_string(out.size()));
  if (total == 0) return static_cast<size_t>(pos - data.data());
  const uint64_t miniblock_values = block_values / miniblocks;
  uint64_t value = first;
  out[0] = static_cast<int64_t>(value);
  size_t n = 1;
  while (n < total) {
    const uint64_t min_delta = static_cast<uint64_t>(unzigzag(read_varint(pos, end)));
    if (static_cast<uint64_t>(end - pos) < miniblocks)
      throw FormatError("delta-encoded page ends inside a block header");
    const uint8_t* widths = pos;
    pos += miniblocks;
    for (uint64_t m = 0; m < miniblocks && n < total; ++m) {
      const int width = widths[m];
      if (width > 64)
        throw FormatError("delta-encoded miniblock of bit width " + std::to_string(width));
      const uint64_t bytes = miniblock_values * width / 8;
      if (static_cast<uint64_t>(end - pos) < bytes)
        throw FormatError("delta-encoded page ends inside a miniblock");
      const size_t take = static_cast<size_t>(std::min<uint64_t>(miniblock_values, total - n));
      for (size_t i = 0; i < take; ++i) {
        value += min_delta + (width == 0 ? 0 : unpack(pos, i, width));
        out[n++] = static_cast<int64_t>(value);
      }
      pos += bytes;
    }
  }
  return static_cast<size_t>(pos - data.data());
}

}  // namespace ehrtok::parquet
