#include "parquet/zstd_decompressor.h"

#include <zstd.h>

#include <new>
#include <string>

#include "parquet/format_error.h"

namespace ehrtok::parquet {

ZstdDecompressor::ZstdDecompressor() : context_(ZSTD_createDCtx()) {
  if (context_ == nullptr) throw std::bad_alloc();
}

ZstdDecompressor::~ZstdDecompressor() { ZSTD_freeDCtx(static_cast<ZSTD_DCtx*>(context_)); }

void ZstdDecompressor::decompress(std::span<const uint8_t> input, std::span<uint8_t> out) {
  const size_t written = ZSTD_decompressDCtx(static_cast<ZSTD_DCtx*>(context_), out.data(),
                                             out.size(), input.data(), input.size());
  if (ZSTD_isError(written)) {
    throw FormatError(std::string("page does not decompress (zstd: ") + ZSTD_getErrorName(written) +
                      ")");
  }
  if (written != out.size()) {
    throw FormatError("page decompresses to " + std::to_string(written) + " bytes, header says " +
                      std::to_string(out.size()));
  }
}

}  // namespace ehrtok::parquet
