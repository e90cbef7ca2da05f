// The RLE/bit-packed hybrid encoding of Parquet's Encodings.md, used here for definition levels
// and for dictionary indices.
//
// Runs of at least 8 equal values (or equal values up to the end) become RLE runs; everything
// else is bit-packed in groups of 8, LSB first, the last group zero-padded. The reader knows the
// value count from the page header, so padding is harmless.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace ehrtok::parquet {

// The number of bits needed for values 0..max_value (0 for max_value 0).
int bit_width_for(uint64_t max_value);

// Appends the hybrid runs of `values`, each of which must fit in `bit_width` (0..32) bits.
void append_rle_bp(std::span<const uint8_t> values, int bit_width, std::vector<uint8_t>& out);
void append_rle_bp(std::span<const uint32_t> values, int bit_width, std::vector<uint8_t>& out);

// Definition levels of a V1 data page for a flat OPTIONAL column (1 = value, 0 = NULL): a 4-byte
// little-endian byte length, then the runs with bit width 1.
void append_definition_levels(std::span<const uint8_t> levels, std::vector<uint8_t>& out);

// The data of an RLE_DICTIONARY page: one byte of bit width, then the runs (no length prefix).
void append_dictionary_indices(std::span<const uint32_t> indices, int bit_width,
                               std::vector<uint8_t>& out);

// Values that come as runs already (count > 0 each): written as RLE runs only, neighbours of
// equal value merged, without looking at each value.
struct RleRun {
  uint32_t value;
  uint32_t count;
};
void append_definition_levels(std::span<const RleRun> levels, std::vector<uint8_t>& out);
void append_dictionary_indices(std::span<const RleRun> indices, int bit_width,
                               std::vector<uint8_t>& out);

}  // namespace ehrtok::parquet
