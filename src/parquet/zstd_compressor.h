// ZSTD compression of page bodies (codec ZSTD in parquet.thrift: one zstd frame per page).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace ehrtok::parquet {

class ZstdCompressor {
 public:
  explicit ZstdCompressor(int level);
  ~ZstdCompressor();
  ZstdCompressor(const ZstdCompressor&) = delete;
  ZstdCompressor& operator=(const ZstdCompressor&) = delete;

  // Appends one zstd frame holding `input` to `out`. The frame depends only on `input` and the
  // level, so files are reproducible.
  void compress(std::span<const uint8_t> input, std::vector<uint8_t>& out);

 private:
  int level_;
  void* context_;  // ZSTD_CCtx, reused across pages to avoid reallocating its tables
};

}  // namespace ehrtok::parquet
