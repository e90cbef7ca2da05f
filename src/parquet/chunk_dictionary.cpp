#include "parquet/chunk_dictionary.h"

#include <bit>

#include <absl/container/flat_hash_map.h>

namespace ehrtok::parquet {
namespace {

// Numbers the codes of the slice's non-NULL rows in order of first use; `local_of(code)` is the
// slot holding a code's chunk index (kNone until it is first used).
constexpr uint32_t kNone = UINT32_MAX;

template <class LocalOf>
ChunkDictionary number_codes(const ColumnSlice& slice, LocalOf local_of) {
  const Column& column = *slice.column;
  ChunkDictionary dict;
  dict.indices.reserve(slice.length);
  for (size_t row = slice.offset; row < slice.offset + slice.length; ++row) {
    if (column.is_null(row)) continue;
    const uint32_t code = column.codes[row];
    uint32_t& local = local_of(code);
    if (local == kNone) {
      local = static_cast<uint32_t>(dict.global_codes.size());
      dict.global_codes.push_back(code);
    }
    dict.indices.push_back(local);
  }
  return dict;
}

}  // namespace

ChunkDictionary build_chunk_dictionary(const ColumnSlice& slice) {
  const size_t codes = slice.column->dictionary ? slice.column->dictionary->size() : 0;
  if (codes <= slice.length) {  // a table indexed by code costs no more than the rows
    std::vector<uint32_t> local(codes, kNone);
    return number_codes(slice, [&](uint32_t code) -> uint32_t& { return local.at(code); });
  }
  absl::flat_hash_map<uint32_t, uint32_t> local;
  return number_codes(slice, [&](uint32_t code) -> uint32_t& {
    return local.try_emplace(code, kNone).first->second;
  });
}

template <typename T>
std::optional<ValueDictionary<T>> build_value_dictionary(const ColumnSlice& slice,
                                                         const BigVector<T>& values,
                                                         size_t max_values) {
  const Column& column = *slice.column;
  const size_t stored = slice.runs.empty() ? slice.length : slice.runs.size();
  ValueDictionary<T> dict;
  dict.indices.reserve(stored);
  absl::flat_hash_map<uint64_t, uint32_t> index_of;
  // Equal values often follow each other (events at one time): the last lookup is reused.
  uint64_t last_bits = 0;
  uint32_t last_index = kNone;
  for (size_t row = slice.offset; row < slice.offset + stored; ++row) {
    if (column.is_null(row)) continue;
    const auto bits = std::bit_cast<uint64_t>(values[row]);
    if (bits != last_bits || last_index == kNone) {
      const auto [it, added] =
          index_of.try_emplace(bits, static_cast<uint32_t>(dict.values.size()));
      if (added) {
        if (dict.values.size() == max_values) return std::nullopt;
        dict.values.push_back(values[row]);
      }
      last_bits = bits;
      last_index = it->second;
    }
    dict.indices.push_back(last_index);
  }
  if (dict.values.empty()) return std::nullopt;
  return dict;
}

template std::optional<ValueDictionary<int64_t>> build_value_dictionary(const ColumnSlice&,
                                                                        const BigVector<int64_t>&,
                                                                        size_t);
template std::optional<ValueDictionary<double>> build_value_dictionary(const ColumnSlice&,
                                                                       const BigVector<double>&,
                                                                       size_t);

}  // namespace ehrtok::parquet
