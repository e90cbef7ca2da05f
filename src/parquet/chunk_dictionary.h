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

// Of a numeric chunk (INT64/TIMESTAMP or DOUBLE `values` of the slice's column): its distinct
// values, told apart by their bits (so -0.0 and 0.0, and NaNs of different bits, stay apart and
// each value keeps its exact bits).
template <typename T>
struct ValueDictionary {
  std::vector<T> values;
  std::vector<uint32_t> indices;  // per non-NULL row the slice stores (a row, or a run), in order
};

// None when the slice has no non-NULL value, or more than `max_values` distinct values (the scan
// stops there).
template <typename T>
std::optional<ValueDictionary<T>> build_value_dictionary(const ColumnSlice& slice,
                                                         const BigVector<T>& values,
                                                         size_t max_values);

}  // namespace ehrtok::parquet
