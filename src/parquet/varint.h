// ULEB128 varints: the integer form shared by the Thrift compact protocol and the run headers of
// the RLE/bit-packed hybrid encoding.
#pragma once

#include <cstdint>
#include <vector>

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

}  // namespace ehrtok::parquet
