#include "parquet/rle_bp_encoder.h"

#include <algorithm>
#include <bit>
#include <stdexcept>

#include "parquet/varint.h"

namespace ehrtok::parquet {
namespace {

// Shorter runs are cheaper bit-packed: a bit-packed group of 8 costs `bit_width` bytes, an RLE run
// at least 2, and bit-packing never needs to end a group early.
constexpr size_t kMinRleRun = 8;

template <typename T>
size_t run_length(std::span<const T> values, size_t start) {
  size_t end = start + 1;
  while (end < values.size() && values[end] == values[start]) ++end;
  return end - start;
}

template <typename T>
void append_rle_run(T value, size_t count, int bit_width, std::vector<uint8_t>& out) {
  append_varint(out, static_cast<uint64_t>(count) << 1);
  const uint64_t v = value;
  for (int byte = 0; byte < (bit_width + 7) / 8; ++byte) {
    out.push_back(static_cast<uint8_t>(v >> (8 * byte)));
  }
}

// Packs values[begin, begin + 8 * groups), reading zeros past the end of `values`.
template <typename T>
void append_bit_packed(std::span<const T> values, size_t begin, size_t groups, int bit_width,
                       std::vector<uint8_t>& out) {
  append_varint(out, static_cast<uint64_t>(groups) << 1 | 1);
  uint64_t bits = 0;
  int pending = 0;
  for (size_t i = begin; i < begin + 8 * groups; ++i) {
    const uint64_t v = i < values.size() ? static_cast<uint64_t>(values[i]) : 0;
    bits |= v << pending;
    pending += bit_width;
    for (; pending >= 8; pending -= 8, bits >>= 8) out.push_back(static_cast<uint8_t>(bits));
  }
}

template <typename T>
void append_runs(std::span<const T> values, int bit_width, std::vector<uint8_t>& out) {
  if (bit_width < 0 || bit_width > 32) throw std::invalid_argument("rle: bit width out of range");
  size_t i = 0;
  while (i < values.size()) {
    const size_t run = run_length(values, i);
    if (run >= kMinRleRun || i + run == values.size()) {
      append_rle_run(values[i], run, bit_width, out);
      i += run;
      continue;
    }
    // Bit-pack whole groups until a long run starts at a group boundary, or the input ends.
    size_t end = i;
    do {
      end += 8;
    } while (end < values.size() && run_length(values, end) < kMinRleRun);
    const size_t groups = (end - i) / 8;
    append_bit_packed(values, i, groups, bit_width, out);
    i = std::min(end, values.size());
  }
}

void append_rle_runs(std::span<const RleRun> runs, int bit_width, std::vector<uint8_t>& out) {
  if (bit_width < 0 || bit_width > 32) throw std::invalid_argument("rle: bit width out of range");
  for (size_t i = 0; i < runs.size();) {
    uint64_t count = 0;
    size_t j = i;
    for (; j < runs.size() && runs[j].value == runs[i].value; ++j) count += runs[j].count;
    append_rle_run(runs[i].value, count, bit_width, out);
    i = j;
  }
}

// A V1 page's definition levels: a 4-byte little-endian byte length, then what `append` writes.
template <class Append>
void append_with_length(std::vector<uint8_t>& out, Append append) {
  const size_t length_at = out.size();
  out.resize(length_at + 4);
  append();
  const auto length = static_cast<uint32_t>(out.size() - length_at - 4);
  for (int byte = 0; byte < 4; ++byte) {
    out[length_at + byte] = static_cast<uint8_t>(length >> (8 * byte));
  }
}

}  // namespace

int bit_width_for(uint64_t max_value) { return static_cast<int>(std::bit_width(max_value)); }

void append_rle_bp(std::span<const uint8_t> values, int bit_width, std::vector<uint8_t>& out) {
  append_runs(values, bit_width, out);
}

void append_rle_bp(std::span<const uint32_t> values, int bit_width, std::vector<uint8_t>& out) {
  append_runs(values, bit_width, out);
}

void append_definition_levels(std::span<const uint8_t> levels, std::vector<uint8_t>& out) {
  append_with_length(out, [&] { append_runs(levels, 1, out); });
}

void append_dictionary_indices(std::span<const uint32_t> indices, int bit_width,
                               std::vector<uint8_t>& out) {
  out.push_back(static_cast<uint8_t>(bit_width));
  append_runs(indices, bit_width, out);
}

void append_definition_levels(std::span<const RleRun> levels, std::vector<uint8_t>& out) {
  append_with_length(out, [&] { append_rle_runs(levels, 1, out); });
}

void append_dictionary_indices(std::span<const RleRun> indices, int bit_width,
                               std::vector<uint8_t>& out) {
  out.push_back(static_cast<uint8_t>(bit_width));
  append_rle_runs(indices, bit_width, out);
}

}  // namespace ehrtok::parquet
