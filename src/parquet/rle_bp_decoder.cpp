#include "parquet/rle_bp_decoder.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <string>
#include <utility>

#include "parquet/format_error.h"
#include "parquet/varint.h"

namespace ehrtok::parquet {
namespace {

static_assert(std::endian::native == std::endian::little,
              "bit unpacking and PLAIN values assume a little-endian host");

// Unpacks `groups` groups of 8 values of W bits (LSB first). Each value is read from a 64-bit
// load at its first byte: its bits then start at (bit % 8) < 8, and 7 + 32 bits fit in 64.
template <int W>
void unpack_groups(const uint8_t* in, size_t groups, uint32_t* out) {
  constexpr uint64_t kMask = (uint64_t{1} << W) - 1;
  for (size_t g = 0; g < groups; ++g, in += W, out += 8) {
    for (int j = 0; j < 8; ++j) {  // the compiler unrolls this: offsets and shifts are constants
      uint64_t word;
      std::memcpy(&word, in + j * W / 8, sizeof word);
      out[j] = static_cast<uint32_t>((word >> (j * W % 8)) & kMask);
    }
  }
}

using UnpackFn = void (*)(const uint8_t*, size_t, uint32_t*);

template <size_t... W>
constexpr std::array<UnpackFn, sizeof...(W)> make_unpackers(std::index_sequence<W...>) {
  return {&unpack_groups<static_cast<int>(W)>...};
}

// Index = bit width 0..32.
constexpr auto kUnpackers = make_unpackers(std::make_index_sequence<33>{});

// Bit width 1 into bytes: each input byte becomes eight 0/1 bytes, looked up whole.
constexpr std::array<uint64_t, 256> make_bit_spread() {
  std::array<uint64_t, 256> table{};
  for (uint64_t b = 0; b < 256; ++b)
    for (int j = 0; j < 8; ++j) table[b] |= ((b >> j) & 1) << (8 * j);
  return table;
}
constexpr auto kBitSpread = make_bit_spread();

void unpack_levels(const uint8_t* in, size_t groups, uint8_t* out) {
  for (size_t g = 0; g < groups; ++g) std::memcpy(out + 8 * g, &kBitSpread[in[g]], 8);
}

// Walks the runs, filling RLE runs and handing bit-packed groups to `unpack`.
template <typename T, typename Unpack>
void decode_runs(const uint8_t* pos, const uint8_t* end, int bit_width, T* out, size_t count,
                 Unpack unpack) {
  const size_t value_bytes = (static_cast<size_t>(bit_width) + 7) / 8;
  size_t done = 0;
  while (done < count) {
    const uint64_t header = read_varint(pos, end);
    const uint64_t n = header >> 1;
    const auto available = static_cast<uint64_t>(end - pos);
    const size_t wanted = count - done;
    if (header & 1) {  // n groups of 8 bit-packed values
      if (bit_width > 0 && n > available / static_cast<uint64_t>(bit_width)) {
        throw FormatError("bit-packed run of " + std::to_string(n) +
                          " groups runs past the end of its data");
      }
      const size_t take = n >= (wanted + 7) / 8 ? wanted : static_cast<size_t>(n) * 8;
      const size_t full = take / 8;
      unpack(pos, full, out + done);
      if (take % 8 != 0) {  // the last group is padded; unpack it aside and keep what is needed
        T group[8];
        unpack(pos + full * static_cast<size_t>(bit_width), 1, group);
        std::copy_n(group, take % 8, out + done + 8 * full);
      }
      pos += n * static_cast<uint64_t>(bit_width);
      done += take;
    } else {  // an RLE run: n copies of one value
      if (value_bytes > available) throw FormatError("RLE run value runs past the end of its data");
      uint64_t value = 0;
      for (size_t b = 0; b < value_bytes; ++b) value |= uint64_t{pos[b]} << (8 * b);
      pos += value_bytes;
      if (value >> bit_width != 0) {
        throw FormatError("RLE run value " + std::to_string(value) + " exceeds bit width " +
                          std::to_string(bit_width));
      }
      const size_t take = std::min<uint64_t>(n, wanted);
      std::fill_n(out + done, take, static_cast<T>(value));
      done += take;
    }
  }
}

}  // namespace

void decode_rle_bp(std::span<const uint8_t> data, int bit_width, std::span<uint32_t> out) {
  if (bit_width < 0 || bit_width > 32) {
    throw FormatError("bit width " + std::to_string(bit_width) + " out of range 0..32");
  }
  decode_runs(data.data(), data.data() + data.size(), bit_width, out.data(), out.size(),
              kUnpackers[static_cast<size_t>(bit_width)]);
}

size_t decode_definition_levels(std::span<const uint8_t> data, std::span<uint8_t> levels) {
  if (data.size() < 4) throw FormatError("definition levels: length prefix runs past the end");
  uint32_t length;
  std::memcpy(&length, data.data(), 4);
  if (length > data.size() - 4) {
    throw FormatError("definition levels of " + std::to_string(length) +
                      " bytes run past the end of the page");
  }
  decode_runs(data.data() + 4, data.data() + 4 + length, 1, levels.data(), levels.size(),
              unpack_levels);
  return 4 + size_t{length};
}

}  // namespace ehrtok::parquet
