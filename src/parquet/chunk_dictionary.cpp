#include "parquet/chunk_dictionary.h"

#include <absl/container/flat_hash_map.h>

namespace ehrtok::parquet {

ChunkDictionary build_chunk_dictionary(const ColumnSlice& slice) {
  const Column& column = *slice.column;
  ChunkDictionary dict;
  dict.indices.reserve(slice.length);
  absl::flat_hash_map<uint32_t, uint32_t> local_of;
  for (size_t row = slice.offset; row < slice.offset + slice.length; ++row) {
    if (column.is_null(row)) continue;
    const uint32_t code = column.codes[row];
    const auto [it, inserted] = local_of.try_emplace(code, dict.global_codes.size());
    if (inserted) dict.global_codes.push_back(code);
    dict.indices.push_back(it->second);
  }
  return dict;
}

}  // namespace ehrtok::parquet
