// ZSTD compression of page bodies (codec ZSTD in parquet.thrift: one zstd frame per page).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace ehrtok::parquet {

class ZstdCompressor {
 public:
  explicit ZstdCompressor(int level);
  ~ZstdCompressor();
  ZstdCompressor(const ZstdCompressor&) = delete;
  ZstdCompressor& operator=(const ZstdCompressor&) = delete;

  // One zstd frame holding `input`, valid until the next call. The frame depends only on
  // `input` and the level, so files are reproducible.
  std::span<const uint8_t> compress(std::span<const uint8_t> input);

 private:
  int level_;
  void* context_;  // ZSTD_CCtx, reused across pages to avoid reallocating its tables
  // Where frames are written: reused, and never zero-filled (a vector would clear the frame's
  // worst-case size, about the page size, for every page).
  std::unique_ptr<uint8_t[]> frame_;
  size_t frame_capacity_ = 0;
};

}  // namespace ehrtok::parquet
