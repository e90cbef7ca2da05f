// ZSTD decompression of page bodies (the counterpart of ZstdCompressor): one context per thread,
// reused across pages.
#pragma once

#include <cstdint>
#include <span>

namespace ehrtok::parquet {

class ZstdDecompressor {
 public:
  ZstdDecompressor();
  ~ZstdDecompressor();
  ZstdDecompressor(const ZstdDecompressor&) = delete;
  ZstdDecompressor& operator=(const ZstdDecompressor&) = delete;

  // Decompresses `input` into `out`, which must be exactly the decompressed size the page header
  // declares. Throws FormatError when the data is not zstd, is corrupt, or has another size.
  void decompress(std::span<const uint8_t> input, std::span<uint8_t> out);

 private:
  void* context_;  // ZSTD_DCtx
};

}  // namespace ehrtok::parquet
