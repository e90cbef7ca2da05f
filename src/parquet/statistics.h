// Column-chunk statistics (Statistics in parquet.thrift): min_value, max_value and null_count,
// with min/max encoded as PLAIN values without a length prefix, in the order the column's type
// defines (TypeDefinedOrder): signed for INT64 and TIMESTAMP, numeric for DOUBLE, unsigned
// byte-wise for strings.
//
// Doubles follow the spec's rules for TypeDefinedOrder floats: nan_count is always written, a zero
// minimum is written as -0.0 and a zero maximum as +0.0. A chunk holding any NaN gets no min/max
// at all (the spec would allow NaN-free bounds, but DuckDB misreads them; see statistics.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ehrtok::parquet {

class ThriftWriter;

struct ChunkStatistics {
  std::optional<std::string> min_value;  // absent without non-NULL values, or with a NaN
  std::optional<std::string> max_value;
  int64_t null_count = 0;
  std::optional<int64_t> nan_count;  // set for doubles only

  // Writes the Statistics struct as the value of field `field_id` of the enclosing struct.
  void write(ThriftWriter& thrift, int16_t field_id) const;
};

// Accumulates min/max over values; NULLs are counted by the caller with add_nulls().
class Int64Stats {
 public:
  void add(int64_t v);
  void add_all(std::span<const int64_t> values);
  void add_nulls(int64_t n) { nulls_ += n; }
  ChunkStatistics finish() const;

 private:
  bool any_ = false;
  int64_t min_ = 0;
  int64_t max_ = 0;
  int64_t nulls_ = 0;
};

class DoubleStats {
 public:
  void add(double v);
  void add_all(std::span<const double> values);
  void add_nans(int64_t n) { nans_ += n; }
  void add_nulls(int64_t n) { nulls_ += n; }
  ChunkStatistics finish() const;

 private:
  bool any_ = false;
  double min_ = 0;
  double max_ = 0;
  int64_t nulls_ = 0;
  int64_t nans_ = 0;
};

// The views must stay valid until finish().
class StringStats {
 public:
  void add(std::string_view v);
  void add_nulls(int64_t n) { nulls_ += n; }
  ChunkStatistics finish() const;

 private:
  bool any_ = false;
  std::string_view min_;
  std::string_view max_;
  int64_t nulls_ = 0;
};

// Unsigned byte-wise order, the order of UTF8 and BYTE_ARRAY statistics.
bool bytes_less(std::string_view a, std::string_view b);

}  // namespace ehrtok::parquet
