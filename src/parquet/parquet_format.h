// Numeric values of the enums in the Parquet format's Thrift definition (parquet.thrift) that this
// writer emits, and that the reader recognises (to accept them or to name them in an error). The
// footer and page headers carry them as i32.
#pragma once

#include <cstdint>
#include <string>

namespace ehrtok::parquet::format {

enum class Type : int32_t {
  Boolean = 0,
  Int32 = 1,
  Int64 = 2,
  Int96 = 3,
  Float = 4,
  Double = 5,
  ByteArray = 6,
  FixedLenByteArray = 7,
};

enum class ConvertedType : int32_t { Utf8 = 0, TimestampMillis = 9, TimestampMicros = 10 };

enum class Repetition : int32_t { Required = 0, Optional = 1, Repeated = 2 };

enum class Encoding : int32_t {
  Plain = 0,
  PlainDictionary = 2,
  Rle = 3,
  DeltaBinaryPacked = 5,
  RleDictionary = 8
};

enum class Codec : int32_t { Uncompressed = 0, Zstd = 6 };

enum class PageType : int32_t { DataPage = 0, IndexPage = 1, DictionaryPage = 2, DataPageV2 = 3 };

// "INT64 (2)" and the like, for error messages; unknown values as "unknown (N)".
inline std::string type_name(Type type) {
  static constexpr const char* kNames[] = {
      "BOOLEAN", "INT32",  "INT64",      "INT96",
      "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
  const auto v = static_cast<int32_t>(type);
  return std::string(v >= 0 && v < 8 ? kNames[v] : "unknown") + " (" + std::to_string(v) + ")";
}

}  // namespace ehrtok::parquet::format
