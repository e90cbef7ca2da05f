// The dictionaries of column chunks: the values a chunk uses, numbered in order of first use, and
// each non-NULL row's number (its index into the dictionary page).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "table/column.h"

namespace ehrtok::parquet {

// Of a string chunk: only the strings the chunk uses, built from codes into a shared (possibly
// huge) StringDictionary. Its cost depends on the chunk's length, never on the shared
// dictionary's size, so tiny files stay cheap.
struct ChunkDictionary {
  std::vector<uint32_t> global_codes;  // chunk index -> code in the shared dictionary
  std::vector<uint32_t> indices;       // per non-NULL row of the slice, in row order
};

ChunkDictionary build_chunk_dictionary(const ColumnSlice& slice);

// Of a DOUBLE chunk: its distinct values, told apart by their bits (so -0.0 and 0.0, and NaNs of
// different bits, stay apart and each value keeps its exact bits).
struct ValueDictionary {
  std::vector<double> values;
  std::vector<uint32_t> indices;  // per non-NULL row of the slice, in row order
};

// None when the slice has no non-NULL value, or more than `max_values` distinct values (the scan
// stops there).
std::optional<ValueDictionary> build_value_dictionary(const ColumnSlice& slice, size_t max_values);

}  // namespace ehrtok::parquet
