// The DELTA_BINARY_PACKED encoding of Parquet's Encodings.md, for INT64 values: a header (block
// size, miniblocks per block, value count, first value), then blocks of the differences between
// consecutive values, each block stored as its smallest difference plus, per miniblock, the rest
// bit-packed at the miniblock's own bit width.
//
// Why: ids, timestamps and sequence numbers of the assets change little from row to row
// (labevent_id by 1, subject_id mostly by 0), so their pages shrink to a few bits per value
// before ZSTD sees them, and ZSTD's time grows with what it is given. Arithmetic wraps around
// (two's complement), as the specification asks, so every int64 comes back exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace ehrtok::parquet {

// Appends `values` encoded: blocks of 128 values in 4 miniblocks of 32.
void append_delta_binary_packed(std::span<const int64_t> values, std::vector<uint8_t>& out);

// Decodes exactly out.size() values from `data`, which must be followed by kDecodePadding
// readable bytes. Returns the bytes consumed. Throws FormatError when the header is invalid,
// holds another value count, or the data ends early.
size_t decode_delta_binary_packed(std::span<const uint8_t> data, std::span<int64_t> out);

}  // namespace ehrtok::parquet
