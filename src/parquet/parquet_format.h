// Numeric values of the enums in the Parquet format's Thrift definition (parquet.thrift) that this
// writer emits. The footer and page headers carry them as i32.
#pragma once

#include <cstdint>

namespace ehrtok::parquet::format {

enum class Type : int32_t { Int64 = 2, Double = 5, ByteArray = 6 };

enum class ConvertedType : int32_t { Utf8 = 0, TimestampMicros = 10 };

enum class Repetition : int32_t { Required = 0, Optional = 1 };

enum class Encoding : int32_t { Plain = 0, Rle = 3, RleDictionary = 8 };

enum class Codec : int32_t { Zstd = 6 };

enum class PageType : int32_t { DataPage = 0, DictionaryPage = 2 };

}  // namespace ehrtok::parquet::format
