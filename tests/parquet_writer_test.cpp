// Unit tests of the Parquet writer's parts against byte sequences from the specifications (Thrift
// compact protocol, Parquet Encodings.md), plus whole-file properties: determinism, errors, empty
// tables, and chunk dictionaries that do not grow with the shared dictionary.
// Reading files back with real readers is tests/js/parquet_readback.test.mjs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "parquet/chunk_dictionary.h"
#include "parquet/column_writer.h"
#include "parquet/parquet_writer.h"
#include "parquet/rle_bp_encoder.h"
#include "parquet/statistics.h"
#include "parquet/thrift_compact.h"
#include "parquet/varint.h"
#include "parquet/zstd_compressor.h"
#include "table/column.h"
#include "table/string_dictionary.h"

namespace ehrtok::parquet {
namespace {

using Bytes = std::vector<uint8_t>;

// prefix + number; written out because GCC 12 warns falsely (-Wrestrict) on "literal" + string.
std::string numbered(std::string prefix, uint64_t n) {
  prefix += std::to_string(n);
  return prefix;
}

// ---------------------------------------------------------------------------------------------
// Thrift compact protocol

TEST(ThriftCompact, VarintSpecExample) {
  Bytes out;
  append_varint(out, 50399);  // the compact protocol spec's worked example
  EXPECT_EQ(out, (Bytes{0xDF, 0x89, 0x03}));
}

TEST(ThriftCompact, Zigzag) {
  EXPECT_EQ(zigzag(0), 0u);
  EXPECT_EQ(zigzag(-1), 1u);
  EXPECT_EQ(zigzag(1), 2u);
  EXPECT_EQ(zigzag(-2), 3u);
  EXPECT_EQ(zigzag(2), 4u);
  EXPECT_EQ(zigzag(std::numeric_limits<int64_t>::max()), ~uint64_t{1});
  EXPECT_EQ(zigzag(std::numeric_limits<int64_t>::min()), ~uint64_t{0});
}

TEST(ThriftCompact, I64ExtremesAreTenByteVarints) {
  Bytes out;
  ThriftWriter thrift(out);
  thrift.begin_struct();
  thrift.field_i64(1, std::numeric_limits<int64_t>::min());
  thrift.end_struct();
  EXPECT_EQ(out, (Bytes{0x16, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00}));
}

TEST(ThriftCompact, ShortFormFieldHeadersUseDeltas) {
  Bytes out;
  ThriftWriter thrift(out);
  thrift.begin_struct();
  thrift.field_i32(1, 0);
  thrift.field_i32(3, -1);
  thrift.field_i64(18, 2);  // delta 15: the largest short form
  thrift.end_struct();
  EXPECT_EQ(out, (Bytes{0x15, 0x00, 0x25, 0x01, 0xF6, 0x04, 0x00}));
}

TEST(ThriftCompact, LongFormFieldHeaders) {
  Bytes out;
  ThriftWriter thrift(out);
  thrift.begin_struct();
  thrift.field_i32(1, 1);
  thrift.field_i32(20, 1);  // delta 19: type byte, then the id as zigzag varint
  thrift.field_i32(2, 1);   // decreasing id: long form too
  thrift.end_struct();
  EXPECT_EQ(out, (Bytes{0x15, 0x02, 0x05, 0x28, 0x02, 0x05, 0x04, 0x02, 0x00}));
}

TEST(ThriftCompact, BoolFieldsCarryTheirValueInTheType) {
  Bytes out;
  ThriftWriter thrift(out);
  thrift.begin_struct();
  thrift.field_bool(1, true);
  thrift.field_bool(2, false);
  thrift.end_struct();
  EXPECT_EQ(out, (Bytes{0x11, 0x12, 0x00}));
}

TEST(ThriftCompact, BinaryAndDouble) {
  Bytes out;
  ThriftWriter thrift(out);
  thrift.begin_struct();
  thrift.field_binary(4, "abc");
  thrift.field_double(5, 1.0);  // little-endian IEEE 754
  thrift.end_struct();
  EXPECT_EQ(out, (Bytes{0x48, 0x03, 'a', 'b', 'c', 0x17, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x00}));
}

TEST(ThriftCompact, ListHeaders) {
  Bytes out;
  ThriftWriter thrift(out);
  thrift.begin_struct();
  thrift.field_list(1, ThriftType::I32, 2);
  thrift.element_i32(1);
  thrift.element_i32(-1);
  thrift.end_struct();
  EXPECT_EQ(out, (Bytes{0x19, 0x25, 0x02, 0x01, 0x00}));

  for (const auto& [size, header] : std::vector<std::pair<size_t, Bytes>>{
           {14, {0xE8}}, {15, {0xF8, 0x0F}}, {300, {0xF8, 0xAC, 0x02}}}) {
    out.clear();
    ThriftWriter t(out);
    t.begin_struct();
    t.field_list(2, ThriftType::Binary, size);
    Bytes expected{0x29};
    expected.insert(expected.end(), header.begin(), header.end());
    EXPECT_EQ(out, expected) << size << " elements";
  }
}

TEST(ThriftCompact, NestedStructsRestartFieldIds) {
  Bytes out;
  ThriftWriter thrift(out);
  thrift.begin_struct();
  thrift.field_i32(1, 1);
  thrift.field_struct(3);
  thrift.field_i32(1, 2);  // delta counted from 0 inside the nested struct
  thrift.end_struct();
  thrift.field_i32(4, 3);  // delta counted from 3 again outside
  thrift.field_list(5, ThriftType::Struct, 1);
  thrift.begin_struct();  // a list element struct
  thrift.field_i32(2, 4);
  thrift.end_struct();
  thrift.end_struct();
  EXPECT_EQ(out, (Bytes{0x15, 0x02, 0x2C, 0x15, 0x04, 0x00, 0x15, 0x06, 0x19, 0x1C, 0x25, 0x08,
                        0x00, 0x00}));
}

TEST(ThriftCompact, UnbalancedEndStructThrows) {
  Bytes out;
  ThriftWriter thrift(out);
  EXPECT_THROW(thrift.end_struct(), std::logic_error);
}

// ---------------------------------------------------------------------------------------------
// RLE / bit-packed hybrid

// A decoder written from Encodings.md, to check round trips of arbitrary input.
std::vector<uint32_t> decode_rle_bp(const Bytes& in, int bit_width, size_t count) {
  std::vector<uint32_t> values;
  size_t pos = 0;
  auto varint = [&] {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const uint8_t b = in.at(pos++);
      v |= uint64_t{b & 0x7Fu} << shift;
      if (!(b & 0x80)) return v;
    }
  };
  while (values.size() < count) {
    const uint64_t header = varint();
    if (header & 1) {
      const size_t n = (header >> 1) * 8;
      uint64_t bit = 0;
      for (size_t i = 0; i < n; ++i) {
        uint32_t v = 0;
        for (int b = 0; b < bit_width; ++b, ++bit) {
          v |= uint32_t{(in.at(pos + bit / 8) >> (bit % 8)) & 1u} << b;
        }
        if (values.size() < count) values.push_back(v);
      }
      pos += n * bit_width / 8;
    } else {
      uint32_t v = 0;
      for (int b = 0; b < (bit_width + 7) / 8; ++b) v |= uint32_t{in.at(pos++)} << (8 * b);
      values.insert(values.end(), header >> 1, v);
    }
  }
  EXPECT_EQ(pos, in.size()) << "trailing bytes";
  return values;
}

Bytes rle(const std::vector<uint32_t>& values, int bit_width) {
  Bytes out;
  append_rle_bp(std::span<const uint32_t>(values), bit_width, out);
  return out;
}

TEST(RleBitPacked, BitWidth) {
  EXPECT_EQ(bit_width_for(0), 0);
  EXPECT_EQ(bit_width_for(1), 1);
  EXPECT_EQ(bit_width_for(2), 2);
  EXPECT_EQ(bit_width_for(3), 2);
  EXPECT_EQ(bit_width_for(4), 3);
  EXPECT_EQ(bit_width_for(255), 8);
  EXPECT_EQ(bit_width_for(256), 9);
}

TEST(RleBitPacked, SpecBitPackingExample) {
  // Encodings.md: 0..7 with bit width 3 pack to 10001000 11000110 11111010.
  EXPECT_EQ(rle({0, 1, 2, 3, 4, 5, 6, 7}, 3), (Bytes{0x03, 0x88, 0xC6, 0xFA}));
}

TEST(RleBitPacked, RepeatedRun) {
  EXPECT_EQ(rle(std::vector<uint32_t>(10, 1), 1), (Bytes{0x14, 0x01}));
  // Values wider than a byte take ceil(width / 8) little-endian bytes.
  EXPECT_EQ(rle(std::vector<uint32_t>(8, 300), 9), (Bytes{0x10, 0x2C, 0x01}));
  // A long run needs a multi-byte varint header: 1000 << 1 = 2000.
  EXPECT_EQ(rle(std::vector<uint32_t>(1000, 2), 2), (Bytes{0xD0, 0x0F, 0x02}));
}

TEST(RleBitPacked, ShortRunToTheEndIsRle) {
  EXPECT_EQ(rle({5, 5, 5}, 3), (Bytes{0x06, 0x05}));
  EXPECT_EQ(rle({0, 0, 0, 0, 0}, 0), (Bytes{0x0A}));  // width 0: no value bytes
}

TEST(RleBitPacked, LastGroupIsZeroPadded) {
  EXPECT_EQ(rle({1, 0, 1}, 1), (Bytes{0x03, 0x05}));
  // 9 values: two groups, the second holding one value and seven zeros.
  EXPECT_EQ(rle({1, 2, 3, 1, 2, 3, 1, 2, 3}, 2), (Bytes{0x05, 0x79, 0x9E, 0x03, 0x00}));
}

TEST(RleBitPacked, BitPackedGroupsThenRun) {
  // Alternating values bit-pack; the run of twenty 1s starting at a group boundary is RLE.
  std::vector<uint32_t> values{0, 1, 0, 1, 0, 1, 0, 1};
  values.insert(values.end(), 20, 1);
  EXPECT_EQ(rle(values, 1), (Bytes{0x03, 0xAA, 0x28, 0x01}));
}

TEST(RleBitPacked, RandomRoundTrips) {
  std::mt19937 rng(12345);
  for (int bit_width : {1, 2, 3, 7, 8, 9, 13, 16, 17, 24, 31, 32}) {
    for (int trial = 0; trial < 20; ++trial) {
      const size_t n = rng() % 300;
      const uint64_t limit = uint64_t{1} << bit_width;
      std::vector<uint32_t> values;
      while (values.size() < n) {
        const auto v = static_cast<uint32_t>(rng() % limit);
        values.insert(values.end(), rng() % 4 == 0 ? rng() % 20 + 1 : 1, v);
      }
      values.resize(n);
      EXPECT_EQ(decode_rle_bp(rle(values, bit_width), bit_width, n), values)
          << "width " << bit_width << " trial " << trial;
    }
  }
}

TEST(RleBitPacked, DefinitionLevelsHaveALengthPrefix) {
  const std::vector<uint8_t> levels{1, 1, 1, 0};
  Bytes out;
  append_definition_levels(levels, out);
  EXPECT_EQ(out, (Bytes{0x02, 0x00, 0x00, 0x00, 0x03, 0x07}));
}

TEST(RleBitPacked, DictionaryIndicesHaveABitWidthByte) {
  const std::vector<uint32_t> indices{0, 1, 2, 3, 4, 5, 6, 7};
  Bytes out;
  append_dictionary_indices(indices, 3, out);
  EXPECT_EQ(out, (Bytes{0x03, 0x03, 0x88, 0xC6, 0xFA}));
}

// ---------------------------------------------------------------------------------------------
// Statistics

std::string le64(uint64_t bits) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>(bits >> (8 * i));
  return s;
}
std::string le_double(double v) { return le64(std::bit_cast<uint64_t>(v)); }

TEST(Statistics, Int64) {
  Int64Stats stats;
  for (int64_t v : {5L, -3L, std::numeric_limits<int64_t>::max(), 0L}) stats.add(v);
  stats.add_nulls(2);
  const ChunkStatistics s = stats.finish();
  EXPECT_EQ(s.min_value, le64(static_cast<uint64_t>(-3)));
  EXPECT_EQ(s.max_value, le64(static_cast<uint64_t>(std::numeric_limits<int64_t>::max())));
  EXPECT_EQ(s.null_count, 2);
  EXPECT_FALSE(s.nan_count.has_value());
}

TEST(Statistics, NullsOnlyHasNoBounds) {
  Int64Stats ints;
  ints.add_nulls(3);
  const ChunkStatistics s = ints.finish();
  EXPECT_FALSE(s.min_value.has_value());
  EXPECT_FALSE(s.max_value.has_value());
  EXPECT_EQ(s.null_count, 3);

  DoubleStats doubles;
  doubles.add_nulls(4);
  const ChunkStatistics d = doubles.finish();
  EXPECT_FALSE(d.min_value.has_value());
  EXPECT_EQ(d.null_count, 4);
  EXPECT_EQ(d.nan_count, 0);

  StringStats strings;
  strings.add_nulls(1);
  EXPECT_FALSE(strings.finish().max_value.has_value());
}

TEST(Statistics, DoubleZerosCoverBothSigns) {
  DoubleStats positive;  // min is +0.0 in the data; written as -0.0
  for (double v : {0.0, 2.0, 1.0}) positive.add(v);
  const ChunkStatistics p = positive.finish();
  EXPECT_EQ(p.min_value, le_double(-0.0));
  EXPECT_EQ(p.max_value, le_double(2.0));
  EXPECT_EQ(p.nan_count, 0);

  DoubleStats negative;  // max is -0.0 in the data; written as +0.0
  for (double v : {-0.0, -2.0}) negative.add(v);
  const ChunkStatistics n = negative.finish();
  EXPECT_EQ(n.min_value, le_double(-2.0));
  EXPECT_EQ(n.max_value, le_double(0.0));
}

TEST(Statistics, DoubleInfinitiesAreOrdinaryBounds) {
  DoubleStats stats;
  for (double v :
       {1.0, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}) {
    stats.add(v);
  }
  const ChunkStatistics s = stats.finish();
  EXPECT_EQ(s.min_value, le_double(-std::numeric_limits<double>::infinity()));
  EXPECT_EQ(s.max_value, le_double(std::numeric_limits<double>::infinity()));
}

TEST(Statistics, NaNIsCountedAndDropsTheBounds) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  DoubleStats mixed;
  for (double v : {1.0, nan, 3.0, nan}) mixed.add(v);
  mixed.add_nulls(1);
  const ChunkStatistics m = mixed.finish();
  EXPECT_EQ(m.nan_count, 2);
  EXPECT_EQ(m.null_count, 1);
  EXPECT_FALSE(m.min_value.has_value());
  EXPECT_FALSE(m.max_value.has_value());

  DoubleStats all_nan;
  all_nan.add(nan);
  const ChunkStatistics a = all_nan.finish();
  EXPECT_EQ(a.nan_count, 1);
  EXPECT_FALSE(a.min_value.has_value());
}

// add_all (vectorized) bounds and counts exactly as add does value by value, over spans with
// extremes, infinities, zeros of both signs and NaNs, and across several calls.
TEST(Statistics, AddAllEqualsAddingOneByOne) {
  std::mt19937_64 rng(7);
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> specials = {0.0, -0.0, inf, -inf, 1e308, -1e308, 5e-324};
  const std::vector<int64_t> extremes = {std::numeric_limits<int64_t>::min(),
                                         std::numeric_limits<int64_t>::max(), 0, -1};
  for (int round = 0; round < 200; ++round) {
    std::vector<double> doubles(rng() % 40);
    std::vector<int64_t> ints(doubles.size());
    for (size_t i = 0; i < doubles.size(); ++i) {
      const uint64_t pick = rng() % 10;
      doubles[i] = pick == 0   ? std::numeric_limits<double>::quiet_NaN()
                   : pick == 1 ? specials[rng() % specials.size()]
                               : static_cast<double>(static_cast<int64_t>(rng() % 2001) - 1000);
      ints[i] = pick == 1 ? extremes[rng() % extremes.size()] : static_cast<int64_t>(rng());
    }
    const size_t cut = doubles.empty() ? 0 : rng() % doubles.size();
    DoubleStats all, one;
    all.add_all(std::span(doubles).first(cut));
    all.add_all(std::span(doubles).subspan(cut));
    for (double v : doubles) one.add(v);
    const ChunkStatistics a = all.finish(), b = one.finish();
    EXPECT_EQ(a.min_value, b.min_value) << round;
    EXPECT_EQ(a.max_value, b.max_value) << round;
    EXPECT_EQ(a.nan_count, b.nan_count) << round;
    Int64Stats int_all, int_one;
    int_all.add_all(std::span(ints).first(cut));
    int_all.add_all(std::span(ints).subspan(cut));
    for (int64_t v : ints) int_one.add(v);
    EXPECT_EQ(int_all.finish().min_value, int_one.finish().min_value) << round;
    EXPECT_EQ(int_all.finish().max_value, int_one.finish().max_value) << round;
  }
}

// A column given as runs gets the statistics of its rows: NaNs counted by row, not by run.
TEST(Statistics, RunsCountLikeTheirRows) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Column rows(ColumnType::Double), runs(ColumnType::Double);
  const std::vector<std::pair<std::optional<double>, uint32_t>> cells = {
      {nan, 5}, {2.5, 3}, {std::nullopt, 4}, {nan, 2}, {-0.0, 1}, {7.0, 6}};
  std::vector<uint32_t> lengths;
  for (const auto& [value, count] : cells) {
    runs.doubles.push_back(value.value_or(0));
    runs.valid.push_back(value ? 1 : 0);
    lengths.push_back(count);
    for (uint32_t i = 0; i < count; ++i) {
      rows.doubles.push_back(value.value_or(0));
      rows.valid.push_back(value ? 1 : 0);
    }
  }
  const Field field{"d", ColumnType::Double, true};
  ZstdCompressor zstd(3);
  const auto as_rows = encode_column_chunk(field, {&rows, 0, rows.size()}, 4, zstd);
  const auto as_runs = encode_column_chunk(field, {&runs, 0, rows.size(), lengths}, 4, zstd);
  const ChunkStatistics &a = as_rows.metadata.statistics, &b = as_runs.metadata.statistics;
  EXPECT_EQ(a.nan_count, 7);
  EXPECT_EQ(b.nan_count, a.nan_count);
  EXPECT_EQ(b.null_count, a.null_count);
  EXPECT_EQ(b.min_value, a.min_value);
  EXPECT_EQ(b.max_value, a.max_value);
}

TEST(Statistics, StringsCompareAsUnsignedBytes) {
  StringStats stats;
  for (const char* s : {"zeta", "Zeta",
                        "\xC3\xA9"
                        "clair",
                        "", "alpha"})
    stats.add(s);
  const ChunkStatistics s = stats.finish();
  EXPECT_EQ(s.min_value, "");
  EXPECT_EQ(s.max_value,
            "\xC3\xA9"
            "clair");  // 0xC3 sorts after every ASCII byte
  EXPECT_TRUE(bytes_less("a", "ab"));
  EXPECT_FALSE(bytes_less("ab", "a"));
  EXPECT_TRUE(bytes_less("\x7F", "\x80"));
}

TEST(Statistics, SerializedFields) {
  ChunkStatistics s;
  s.null_count = 1;
  s.min_value = "a";
  s.max_value = "b";
  s.nan_count = 0;
  Bytes out;
  ThriftWriter thrift(out);
  thrift.begin_struct();
  s.write(thrift, 12);
  thrift.end_struct();
  // field 12 struct; null_count (3, i64); max_value (5); min_value (6); nan_count (9); stop.
  EXPECT_EQ(out,
            (Bytes{0xCC, 0x36, 0x02, 0x28, 0x01, 'b', 0x18, 0x01, 'a', 0x36, 0x00, 0x00, 0x00}));
}

// ---------------------------------------------------------------------------------------------
// Chunk dictionaries

TEST(ChunkDictionary, OnlyUsedCodesInOrderOfFirstUse) {
  auto dict = std::make_shared<StringDictionary>();
  for (int i = 0; i < 100; ++i) dict->intern(numbered("s", i));
  Column column(ColumnType::String);
  column.dictionary = dict;
  column.codes = {99, 50, 7, 50, 99, 3, 7};
  column.valid = {1, 1, 1, 0, 1, 1, 1};
  const ChunkDictionary chunk = build_chunk_dictionary({&column, 1, 6});
  EXPECT_EQ(chunk.global_codes, (std::vector<uint32_t>{50, 7, 99, 3}));
  EXPECT_EQ(chunk.indices, (std::vector<uint32_t>{0, 1, 2, 3, 1}));
}

// ---------------------------------------------------------------------------------------------
// Whole files

class ScratchDir {
 public:
  ScratchDir()
      : path_(std::filesystem::temp_directory_path() /
              numbered("ehrtok-parquet-test-", ::getpid())) {
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Table sample_table(size_t rows) {
  auto dict = std::make_shared<StringDictionary>();
  Table table;
  table.fields = {{"id", ColumnType::Int64, false},
                  {"x", ColumnType::Double, true},
                  {"at", ColumnType::Timestamp, true},
                  {"code", ColumnType::String, true}};
  Column id(ColumnType::Int64), x(ColumnType::Double), at(ColumnType::Timestamp),
      code(ColumnType::String);
  code.dictionary = dict;
  for (size_t i = 0; i < rows; ++i) {
    id.ints.push_back(static_cast<int64_t>(i) - 50);
    x.doubles.push_back(i % 5 == 0 ? std::nan("") : std::sqrt(static_cast<double>(i)));
    x.valid.push_back(i % 7 != 0);
    at.ints.push_back(4102444800000000LL + static_cast<int64_t>(i) * 1000000);
    at.valid.push_back(i % 3 != 0);
    code.codes.push_back(dict->intern(numbered("c", i * i % 17)));
    code.valid.push_back(i % 4 != 1);
  }
  table.columns = {std::move(id), std::move(x), std::move(at), std::move(code)};
  return table;
}

void expect_parquet_frame(const std::string& bytes) {
  ASSERT_GE(bytes.size(), 12u);
  EXPECT_EQ(bytes.substr(0, 4), "PAR1");
  EXPECT_EQ(bytes.substr(bytes.size() - 4), "PAR1");
  uint32_t footer = 0;
  std::memcpy(&footer, bytes.data() + bytes.size() - 8, 4);
  EXPECT_LE(footer + 12u, bytes.size());
}

TEST(ParquetWriter, SameTableGivesSameBytes) {
  ScratchDir dir;
  const Table table = sample_table(1000);
  WriterOptions options;
  options.page_values = 64;
  write_table(dir.file("a.parquet"), table, 300, options);
  write_table(dir.file("b.parquet"), table, 300, options);
  const std::string a = read_file(dir.file("a.parquet"));
  expect_parquet_frame(a);
  EXPECT_EQ(a, read_file(dir.file("b.parquet")));
}

// Overwritten in place, a longer or shorter earlier file ends up exactly as a fresh write.
TEST(ParquetWriter, OverwriteInPlaceGivesTheBytesOfAFreshWrite) {
  ScratchDir dir;
  WriterOptions in_place;
  in_place.overwrite_in_place = true;
  for (size_t earlier_rows : {2000, 10}) {
    write_table(dir.file("over.parquet"), sample_table(earlier_rows));
    write_table(dir.file("over.parquet"), sample_table(300), 100, in_place);
    write_table(dir.file("fresh.parquet"), sample_table(300), 100);
    EXPECT_EQ(read_file(dir.file("over.parquet")), read_file(dir.file("fresh.parquet")))
        << "over a file of " << earlier_rows << " rows";
  }
  write_table(dir.file("new.parquet"), sample_table(300), 100, in_place);  // no earlier file
  EXPECT_EQ(read_file(dir.file("new.parquet")), read_file(dir.file("fresh.parquet")));

  // A hard link to the earlier file (a backup) keeps the earlier bytes.
  write_table(dir.file("linked.parquet"), sample_table(50));
  const std::string earlier = read_file(dir.file("linked.parquet"));
  std::filesystem::create_hard_link(dir.file("linked.parquet"), dir.file("backup.parquet"));
  write_table(dir.file("linked.parquet"), sample_table(300), 100, in_place);
  EXPECT_EQ(read_file(dir.file("linked.parquet")), read_file(dir.file("fresh.parquet")));
  EXPECT_EQ(read_file(dir.file("backup.parquet")), earlier);
}

// Bypassing the page cache changes no byte: files of several buffers of 4 MiB and a partial
// block, of less than a block, and one overwritten in place over a longer file.
TEST(ParquetWriter, DirectIoGivesTheSameBytes) {
  ScratchDir dir;
  WriterOptions direct, direct_in_place;
  direct.direct_io = true;
  direct_in_place.direct_io = direct_in_place.overwrite_in_place = true;
  for (size_t rows : {size_t{1'500'000}, size_t{20}}) {
    const Table table = sample_table(rows);
    write_table(dir.file("buffered.parquet"), table, 100'000);
    write_table(dir.file("direct.parquet"), table, 100'000, direct);
    const std::string want = read_file(dir.file("buffered.parquet"));
    EXPECT_EQ(read_file(dir.file("direct.parquet")), want) << rows << " rows";
    write_table(dir.file("over.parquet"), sample_table(rows * 2), 100'000);
    write_table(dir.file("over.parquet"), table, 100'000, direct_in_place);
    EXPECT_EQ(read_file(dir.file("over.parquet")), want) << rows << " rows, in place";
  }
  EXPECT_GT(std::filesystem::file_size(dir.file("direct.parquet")), 0u);
}

TEST(ParquetWriter, EmptyTableIsAFooterOnly) {
  ScratchDir dir;
  write_table(dir.file("empty.parquet"), sample_table(0));
  const std::string bytes = read_file(dir.file("empty.parquet"));
  expect_parquet_frame(bytes);
  uint32_t footer = 0;
  std::memcpy(&footer, bytes.data() + bytes.size() - 8, 4);
  EXPECT_EQ(bytes.size(), footer + 12u);  // no column chunks
}

TEST(ParquetWriter, EmptyRowGroupsAreSkipped) {
  ScratchDir dir;
  const Table table = sample_table(10);
  auto slices = [&](size_t offset, size_t length) {
    std::vector<ColumnSlice> s;
    for (const Column& c : table.columns) s.push_back({&c, offset, length});
    return s;
  };
  {
    FileWriter writer(dir.file("a.parquet"), table.fields);
    writer.write_row_group(slices(0, 0));
    writer.write_row_group(slices(0, 10));
    writer.write_row_group(slices(10, 0));
    writer.finish();
  }
  write_table(dir.file("b.parquet"), table);
  EXPECT_EQ(read_file(dir.file("a.parquet")), read_file(dir.file("b.parquet")));
}

TEST(ParquetWriter, SliceOfHugeDictionaryStaysSmall) {
  ScratchDir dir;
  auto dict = std::make_shared<StringDictionary>();
  for (int i = 0; i < 200000; ++i) dict->intern(numbered("a fairly long shared string number ", i));
  Column column(ColumnType::String);
  column.dictionary = dict;
  for (uint32_t i = 0; i < 200000; ++i) column.codes.push_back(i);
  FileWriter writer(dir.file("slice.parquet"), {{"s", ColumnType::String, false}});
  writer.write_row_group({{&column, 123456, 2}});
  writer.finish();
  const std::string bytes = read_file(dir.file("slice.parquet"));
  expect_parquet_frame(bytes);
  EXPECT_LT(bytes.size(), 1000u);
}

// The error names the file and what is wrong.
void expect_error(const std::function<void()>& fn, const std::string& path,
                  const std::string& part) {
  try {
    fn();
    ADD_FAILURE() << "no exception; expected one mentioning " << part;
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path), std::string::npos) << what;
    EXPECT_NE(what.find(part), std::string::npos) << what;
  }
}

TEST(ParquetWriter, Errors) {
  ScratchDir dir;
  const std::string path = dir.file("bad.parquet");
  const Table table = sample_table(10);

  expect_error([&] { FileWriter(dir.file("no/such/dir/x.parquet"), table.fields); },
               "no/such/dir/x.parquet", "cannot open");

  FileWriter writer(path, table.fields);
  std::vector<ColumnSlice> slices;
  for (const Column& c : table.columns) slices.push_back({&c, 0, 10});

  auto wrong_type = slices;
  wrong_type[0].column = &table.columns[2];
  expect_error([&] { writer.write_row_group(wrong_type); }, path, "TIMESTAMP");

  auto out_of_range = slices;
  out_of_range[1] = {&table.columns[1], 5, 6};
  expect_error([&] { writer.write_row_group(out_of_range); }, path, "out of range");

  auto uneven = slices;
  uneven[3].length = 9;
  expect_error([&] { writer.write_row_group(uneven); }, path, "rows");

  expect_error([&] { writer.write_row_group({slices[0]}); }, path, "columns");

  Column with_null(ColumnType::Int64);
  with_null.ints.assign(10, 1);
  with_null.valid.assign(10, 1);
  with_null.valid[4] = 0;
  auto null_in_required = slices;
  null_in_required[0].column = &with_null;
  expect_error([&] { writer.write_row_group(null_in_required); }, path, "NULL");

  writer.write_row_group(slices);  // the failed calls left the file usable
  writer.finish();
  expect_parquet_frame(read_file(path));
  expect_error([&] { writer.finish(); }, path, "finish");
}

// Integer chunks are DELTA_BINARY_PACKED and ZSTD-compressed, except when a first page of some
// size would not shrink (bit-packed differences of random values): then UNCOMPRESSED. A small
// first page (here all NULL) does not decide.
TEST(ColumnWriter, CompressesUnlessTheFirstPageWouldNotShrink) {
  std::mt19937_64 random(5);
  Column shuffled(ColumnType::Int64), ordered(ColumnType::Int64), late(ColumnType::Int64);
  for (int64_t i = 0; i < 20000; ++i) {
    shuffled.ints.push_back(static_cast<int64_t>(random()));
    ordered.ints.push_back(4102444800000000 + i * 60000000);
    late.ints.push_back(i < 4096 ? 0 : i % 7);
    late.valid.push_back(i < 4096 ? 0 : 1);
  }
  ZstdCompressor zstd(3);
  const auto codec_of = [&](const Column& column, bool nullable) {
    const EncodedChunk chunk =
        encode_column_chunk({"v", ColumnType::Int64, nullable}, {&column, 0, 20000}, 4096, zstd);
    EXPECT_EQ(chunk.metadata.encodings,
              (std::vector<format::Encoding>{format::Encoding::Rle,
                                             format::Encoding::DeltaBinaryPacked}));
    return chunk.metadata.codec;
  };
  EXPECT_EQ(codec_of(shuffled, false), format::Codec::Uncompressed);
  EXPECT_EQ(codec_of(ordered, false), format::Codec::Zstd);
  EXPECT_EQ(codec_of(late, true), format::Codec::Zstd);
}

// Of a first page over 16 KiB only the last 16 KiB are tried: a page that ends in values ZSTD would
// not shrink is stored UNCOMPRESSED even when its start would shrink well, and the other way round.
TEST(ColumnWriter, TheEndOfABigFirstPageDecidesTheCodec) {
  std::mt19937_64 random(11);
  const size_t periodic_rows = 1'000'000, random_rows = 20'000;
  Column periodic_then_random(ColumnType::Int64), random_then_periodic(ColumnType::Int64);
  for (size_t i = 0; i < periodic_rows; ++i)
    periodic_then_random.ints.push_back(static_cast<int64_t>(i % 7));
  for (size_t i = 0; i < random_rows; ++i) {
    periodic_then_random.ints.push_back(static_cast<int64_t>(random()));
    random_then_periodic.ints.push_back(static_cast<int64_t>(random()));
  }
  for (size_t i = 0; i < periodic_rows; ++i)
    random_then_periodic.ints.push_back(static_cast<int64_t>(i % 7));
  ZstdCompressor zstd(1);
  const size_t rows = periodic_rows + random_rows;
  const auto codec_of = [&](const Column& column) {
    return encode_column_chunk({"v", ColumnType::Int64, false}, {&column, 0, rows}, rows, zstd)
        .metadata.codec;
  };
  EXPECT_EQ(codec_of(periodic_then_random), format::Codec::Uncompressed);
  EXPECT_EQ(codec_of(random_then_periodic), format::Codec::Zstd);
}

// Doubles with few distinct values (at most one per 8 rows) are dictionary-encoded, with the
// statistics PLAIN pages would have had; the first data page decides the codec, and the
// dictionary page follows it. Doubles with many distinct values stay PLAIN.
TEST(ColumnWriter, DoublesWithFewDistinctValuesAreDictionaryEncoded) {
  std::mt19937_64 random(9);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Column skewed(ColumnType::Double), spread(ColumnType::Double), distinct(ColumnType::Double);
  for (int i = 0; i < 20000; ++i) {
    const double specials[] = {nan, -0.0, 0.0};
    skewed.doubles.push_back(i % 50 == 7 ? specials[i / 50 % 3] : (i / 300) % 5 * 1.5);
    skewed.valid.push_back(i % 13 == 0 ? 0 : 1);
    spread.doubles.push_back(static_cast<double>(random() % 2000) / 8);  // 11 random bits each
    distinct.doubles.push_back(static_cast<double>(i) / 3);
  }
  ZstdCompressor zstd(3);
  const auto encode = [&](const Column& column, bool nullable) {
    return encode_column_chunk({"v", ColumnType::Double, nullable}, {&column, 0, 20000}, 4096,
                               zstd);
  };
  using format::Encoding;
  const std::vector<Encoding> dictionary{Encoding::Plain, Encoding::Rle, Encoding::RleDictionary};

  const EncodedChunk few = encode(skewed, true);
  EXPECT_EQ(few.metadata.encodings, dictionary);
  EXPECT_EQ(few.metadata.codec, format::Codec::Zstd);
  ASSERT_TRUE(few.metadata.dictionary_page_offset.has_value());
  EXPECT_EQ(*few.metadata.dictionary_page_offset, 0);
  EXPECT_GT(few.metadata.data_page_offset, 0);
  DoubleStats want;  // what PLAIN pages record
  for (size_t row = 0; row < 20000; ++row) {
    if (skewed.is_null(row))
      want.add_nulls(1);
    else if (std::isnan(skewed.doubles[row]))
      want.add_nans(1);
    else
      want.add(skewed.doubles[row]);
  }
  const ChunkStatistics got = few.metadata.statistics, expected = want.finish();
  EXPECT_EQ(got.min_value, expected.min_value);
  EXPECT_EQ(got.max_value, expected.max_value);
  EXPECT_EQ(got.null_count, expected.null_count);
  EXPECT_EQ(got.nan_count, expected.nan_count);
  EXPECT_GT(*got.nan_count, 0);

  const EncodedChunk noisy = encode(spread, false);
  EXPECT_EQ(noisy.metadata.encodings, dictionary);
  EXPECT_EQ(noisy.metadata.codec, format::Codec::Uncompressed);
  EXPECT_EQ(*noisy.metadata.dictionary_page_offset, 0);

  const EncodedChunk plain = encode(distinct, false);
  EXPECT_EQ(plain.metadata.encodings, (std::vector<Encoding>{Encoding::Plain, Encoding::Rle}));
  EXPECT_FALSE(plain.metadata.dictionary_page_offset.has_value());

  // Bounds without NaN: a zero minimum is written as -0.0 and a zero maximum as +0.0, whichever
  // zero the rows hold, as PLAIN pages have them.
  const auto bounds = [&](std::vector<double> cycle) {
    Column zeros(ColumnType::Double);
    for (int i = 0; i < 20000; ++i) zeros.doubles.push_back(cycle[i % cycle.size()]);
    const EncodedChunk chunk = encode(zeros, false);
    EXPECT_EQ(chunk.metadata.encodings, dictionary);
    EXPECT_EQ(chunk.metadata.statistics.nan_count, 0);
    return std::pair(chunk.metadata.statistics.min_value, chunk.metadata.statistics.max_value);
  };
  EXPECT_EQ(bounds({0.0, 3.0, -0.0}),
            std::pair(std::optional(le_double(-0.0)), std::optional(le_double(3.0))));
  EXPECT_EQ(bounds({-0.0, -3.0, 0.0}),
            std::pair(std::optional(le_double(-3.0)), std::optional(le_double(0.0))));

  // A short chunk (a patient's file) stays PLAIN whatever its values.
  Column short_chunk(ColumnType::Double);
  short_chunk.doubles.assign(300, 2.5);
  EXPECT_EQ(
      encode_column_chunk({"v", ColumnType::Double, false}, {&short_chunk, 0, 300}, 4096, zstd)
          .metadata.encodings,
      (std::vector<Encoding>{Encoding::Plain, Encoding::Rle}));
}

}  // namespace
}  // namespace ehrtok::parquet
