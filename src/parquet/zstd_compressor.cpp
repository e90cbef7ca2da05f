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

void ZstdCompressor::compress(std::span<const uint8_t> input, std::vector<uint8_t>& out) {
  const size_t start = out.size();
  out.resize(start + ZSTD_compressBound(input.size()));
  const size_t written = ZSTD_compressCCtx(static_cast<ZSTD_CCtx*>(context_), out.data() + start,
                                           out.size() - start, input.data(), input.size(), level_);
  if (ZSTD_isError(written)) {
    throw std::runtime_error(std::string("zstd compression failed: ") + ZSTD_getErrorName(written));
  }
  out.resize(start + written);
}

}  // namespace ehrtok::parquet
