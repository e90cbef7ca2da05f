// Decoding of the RLE/bit-packed hybrid encoding (Parquet's Encodings.md), the counterpart of
// rle_bp_encoder: definition levels and dictionary indices.
//
// Why it is written for speed: dictionary indices are one value per row of every string column
// of the cached tables (tens of millions). Bit-packed groups are unpacked eight values at a time
// by a loop specialised per bit width (constant shifts and masks, no per-value branch); RLE runs
// are fills. Inputs must be followed by kDecodePadding readable bytes (the page buffers are), so
// the unpacker may load 8 bytes at a time near the end without a bounds check per value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ehrtok::parquet {

// Readable bytes the decoders may touch past the end of their input (never used as data).
inline constexpr size_t kDecodePadding = 8;

// Decodes out.size() values of `bit_width` (0..32) bits from the runs in `data`. Throws
// FormatError when the runs end early or are malformed; runs longer than needed are cut.
void decode_rle_bp(std::span<const uint8_t> data, int bit_width, std::span<uint32_t> out);

// Definition levels of a V1 data page of a flat OPTIONAL column: a 4-byte little-endian length,
// then runs of bit width 1, written to `levels` as 1 (value) or 0 (NULL). Returns the bytes
// consumed (length prefix included).
size_t decode_definition_levels(std::span<const uint8_t> data, std::span<uint8_t> levels);

}  // namespace ehrtok::parquet
