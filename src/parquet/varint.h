// ULEB128 varints: the integer form shared by the Thrift compact protocol and the run headers of
// the RLE/bit-packed hybrid encoding.
#pragma once

#include <cstdint>
#include <vector>

#include "parquet/format_error.h"

namespace ehrtok::parquet {

inline void append_varint(std::vector<uint8_t>& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<uint8_t>(value));
}

// Maps signed to unsigned so that small magnitudes of either sign stay short as varints.
inline uint64_t zigzag(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}

// Reads a varint at `pos`, advancing it; throws FormatError when it runs past `end` or is longer
// than 64 bits can hold.
inline uint64_t read_varint(const uint8_t*& pos, const uint8_t* end) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos == end) throw FormatError("varint runs past the end of its data");
    const uint8_t byte = *pos++;
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  throw FormatError("varint longer than 10 bytes");
}

inline int64_t unzigzag(uint64_t value) {
  return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1);
}

}  // namespace ehrtok::parquet
