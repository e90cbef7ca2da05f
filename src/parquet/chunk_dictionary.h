// The dictionary of one string column chunk: only the strings the chunk uses, numbered in order of
// first use, built from codes into a shared (possibly huge) StringDictionary. Its cost depends on
// the chunk's length, never on the shared dictionary's size, so tiny files stay cheap.
#pragma once

#include <cstdint>
#include <vector>

#include "table/column.h"

namespace ehrtok::parquet {

struct ChunkDictionary {
  std::vector<uint32_t> global_codes;  // chunk index -> code in the shared dictionary
  std::vector<uint32_t> indices;       // per non-NULL row of the slice, in row order
};

ChunkDictionary build_chunk_dictionary(const ColumnSlice& slice);

}  // namespace ehrtok::parquet
