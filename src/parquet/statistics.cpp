#include "parquet/statistics.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "parquet/thrift_compact.h"

namespace ehrtok::parquet {
namespace {

std::string little_endian(uint64_t bits) {
  std::string out(8, '\0');
  for (int byte = 0; byte < 8; ++byte) out[byte] = static_cast<char>(bits >> (8 * byte));
  return out;
}

std::string plain_int64(int64_t v) { return little_endian(static_cast<uint64_t>(v)); }
std::string plain_double(double v) { return little_endian(std::bit_cast<uint64_t>(v)); }

// Branch-free, so that the compiler vectorizes it; 64-bit compares need AVX2, chosen at load
// time where the CPU has it (x86-64 Linux: the ifunc that target_clones needs). Writes the min
// and max of a non-empty span.
#if defined(__x86_64__) && defined(__linux__)
#define EHRTOK_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define EHRTOK_AVX2_CLONES
#endif
EHRTOK_AVX2_CLONES void int64_min_max(const int64_t* values, size_t n, int64_t& lo, int64_t& hi) {
  int64_t min = values[0], max = values[0];
  for (size_t i = 0; i < n; ++i) {
    min = values[i] < min ? values[i] : min;
    max = values[i] > max ? values[i] : max;
  }
  lo = min;
  hi = max;
}

}  // namespace

void ChunkStatistics::write(ThriftWriter& thrift, int16_t field_id) const {
  thrift.field_struct(field_id);
  thrift.field_i64(3, null_count);
  if (max_value) thrift.field_binary(5, *max_value);
  if (min_value) thrift.field_binary(6, *min_value);
  if (nan_count) thrift.field_i64(9, *nan_count);
  thrift.end_struct();
}

void Int64Stats::add(int64_t v) {
  min_ = any_ ? std::min(min_, v) : v;
  max_ = any_ ? std::max(max_, v) : v;
  any_ = true;
}

void Int64Stats::add_all(std::span<const int64_t> values) {
  if (values.empty()) return;
  int64_t lo, hi;
  int64_min_max(values.data(), values.size(), lo, hi);
  min_ = any_ ? std::min(min_, lo) : lo;
  max_ = any_ ? std::max(max_, hi) : hi;
  any_ = true;
}

ChunkStatistics Int64Stats::finish() const {
  ChunkStatistics s;
  s.null_count = nulls_;
  if (any_) {
    s.min_value = plain_int64(min_);
    s.max_value = plain_int64(max_);
  }
  return s;
}

void DoubleStats::add(double v) {
  if (std::isnan(v)) {
    ++nans_;
    return;
  }
  min_ = any_ ? std::min(min_, v) : v;
  max_ = any_ ? std::max(max_, v) : v;
  any_ = true;
}

void DoubleStats::add_all(std::span<const double> values) {
  // Branch-free (scalar: without -ffast-math the compiler keeps the order of min/max). A NaN
  // fails every comparison.
  double lo = HUGE_VAL, hi = -HUGE_VAL;
  int64_t nans = 0;
  for (const double v : values) {
    nans += v != v ? 1 : 0;
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  nans_ += nans;
  if (static_cast<size_t>(nans) == values.size()) return;  // no number: no bounds to add
  add(lo);
  add(hi);
}

ChunkStatistics DoubleStats::finish() const {
  ChunkStatistics s;
  s.null_count = nulls_;
  s.nan_count = nans_;
  // The spec allows bounds that exclude NaN when nan_count is set, but DuckDB (1.5) orders NaN
  // above every number and still prunes `x > max` with such a max, losing the NaN rows. Leaving
  // the bounds out, as DuckDB's own writer does, is correct for every reader.
  if (any_ && nans_ == 0) {
    // -0.0 == +0.0, so which zero min_/max_ holds depends on value order; the spec fixes the sign
    // so that the bounds include both zeros.
    s.min_value = plain_double(min_ == 0.0 ? -0.0 : min_);
    s.max_value = plain_double(max_ == 0.0 ? +0.0 : max_);
  }
  return s;
}

bool bytes_less(std::string_view a, std::string_view b) {
  const size_t common = std::min(a.size(), b.size());
  // memcmp compares as unsigned char; an empty view may have a null data pointer.
  const int c = common == 0 ? 0 : std::memcmp(a.data(), b.data(), common);
  return c != 0 ? c < 0 : a.size() < b.size();
}

void StringStats::add(std::string_view v) {
  if (!any_ || bytes_less(v, min_)) min_ = v;
  if (!any_ || bytes_less(max_, v)) max_ = v;
  any_ = true;
}

ChunkStatistics StringStats::finish() const {
  ChunkStatistics s;
  s.null_count = nulls_;
  if (any_) {
    s.min_value = std::string(min_);
    s.max_value = std::string(max_);
  }
  return s;
}

}  // namespace ehrtok::parquet
