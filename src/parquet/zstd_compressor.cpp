#include "parquet/zstd_compressor.h"

#include <zstd.h>

#include <new>
#include <stdexcept>
#include <string>

namespace ehrtok::parquet {

ZstdCompressor::ZstdCompressor(int level) : level_(level), context_(ZSTD_createCCtx()) {
  if (context_ == nullptr) throw std::bad_alloc();
}

ZstdCompressor::~ZstdCompressor() { ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(context_)); }

std::span<const uint8_t> ZstdCompressor::compress(std::span<const uint8_t> input) {
  if (const size_t bound = ZSTD_compressBound(input.size()); bound > frame_capacity_) {
    frame_ = std::make_unique_for_overwrite<uint8_t[]>(bound);
    frame_capacity_ = bound;
  }
  const size_t written = ZSTD_compressCCtx(static_cast<ZSTD_CCtx*>(context_), frame_.get(),
                                           frame_capacity_, input.data(), input.size(), level_);
  if (ZSTD_isError(written)) {
    throw std::runtime_error(std::string("zstd compression failed: ") + ZSTD_getErrorName(written));
  }
  return {frame_.get(), written};
}

}  // namespace ehrtok::parquet
