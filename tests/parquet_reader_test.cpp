// The Parquet reader: round trips through the writer for every type and shape (NULLs, all-NULL
// and empty columns, non-ASCII strings, several row groups and pages, projection, statistics,
// thread counts), its decoders on hand-made bytes, and malformed files, each of which must give
// an InputError naming the file (never a crash: the suite also runs under ASan/UBSan).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "column_runs.h"
#include "io/input_error.h"
#include "parquet/column_reader.h"
#include "parquet/file_metadata.h"
#include "parquet/format_error.h"
#include "parquet/page_header.h"
#include "parquet/parquet_reader.h"
#include "parquet/parquet_writer.h"
#include "parquet/rle_bp_decoder.h"
#include "parquet/rle_bp_encoder.h"
#include "parquet/thrift_compact_reader.h"
#include "parquet/zstd_compressor.h"
#include "pipeline/pipeline.h"
#include "table/column.h"
#include "test_support.h"

namespace ehrtok::parquet {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;
using ehrtok::testing::TempDir;

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Every column type, nullable and not, with NULLs, all-NULL columns, empty and non-ASCII strings,
// NaN, infinities, -0.0 and the int64 extremes.
Table every_type_table(size_t rows, uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  auto dict = std::make_shared<StringDictionary>();
  const std::vector<std::string> words = {"",
                                          "a",
                                          "Zürich",
                                          "日本語",
                                          "\xff\xfe bytes",
                                          "a b c",
                                          std::string(300, 'x'),
                                          "LAB:50912_Q3"};
  Table t;
  t.fields = {{"id", ColumnType::Int64, false},       {"hadm", ColumnType::Int64, true},
              {"at", ColumnType::Timestamp, true},    {"at_req", ColumnType::Timestamp, false},
              {"value", ColumnType::Double, true},    {"ratio", ColumnType::Double, false},
              {"code", ColumnType::String, false},    {"note", ColumnType::String, true},
              {"nothing", ColumnType::String, true},  {"no_value", ColumnType::Double, true},
              {"no_int", ColumnType::Int64, true},    {"full", ColumnType::Int64, true},
              {"visit", ColumnType::Int64, false},    {"visit_at", ColumnType::Timestamp, true},
              {"lab_value", ColumnType::Double, true}};
  for (const Field& f : t.fields) {
    t.columns.emplace_back(f.type);
    if (f.type == ColumnType::String) t.columns.back().dictionary = dict;
  }
  const double specials[] = {std::nan(""),
                             -0.0,
                             0.0,
                             std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity(),
                             1e-300};
  for (size_t i = 0; i < rows; ++i) {
    const uint64_t r = rng();
    t.columns[0].ints.push_back(i == 0   ? std::numeric_limits<int64_t>::min()
                                : i == 1 ? std::numeric_limits<int64_t>::max()
                                         : static_cast<int64_t>(r % 100000) - 50000);
    t.columns[1].ints.push_back(i % 3 == 0 ? 0 : static_cast<int64_t>(20000000 + r % 1000));
    t.columns[1].valid.push_back(i % 3 != 0);
    t.columns[2].ints.push_back(i % 5 == 1 ? 0
                                           : 4102444800000000LL + static_cast<int64_t>(i) * 997);
    t.columns[2].valid.push_back(i % 5 != 1);
    t.columns[3].ints.push_back(-2208988800000000LL + static_cast<int64_t>(r % 1000000000));
    t.columns[4].doubles.push_back(
        i % 7 == 2 ? 0 : (r % 10 == 0 ? specials[r / 10 % 6] : (r % 1000) / 7.0));
    t.columns[4].valid.push_back(i % 7 != 2);
    t.columns[5].doubles.push_back(static_cast<double>(r >> 11) * 0x1.0p-53);
    t.columns[6].codes.push_back(dict->intern(words[r % words.size()]));
    t.columns[7].codes.push_back(
        i % 4 == 3 ? 0
                   : dict->intern(words[(r >> 8) % words.size()] + "#" + std::to_string(i % 50)));
    t.columns[7].valid.push_back(i % 4 != 3);
    t.columns[8].codes.push_back(0);
    t.columns[8].valid.push_back(0);
    t.columns[9].doubles.push_back(0);
    t.columns[9].valid.push_back(0);
    t.columns[10].ints.push_back(0);
    t.columns[10].valid.push_back(0);
    t.columns[11].ints.push_back(static_cast<int64_t>(i));  // nullable, but no NULL
    // In runs: a value per 20 rows, NULLs in runs of their own.
    const auto run = static_cast<int64_t>(i / 20);
    t.columns[12].ints.push_back(run % 9 == 4 ? std::numeric_limits<int64_t>::min() : run * 31);
    t.columns[13].ints.push_back(run % 4 == 1 ? 0 : 4102444800000000LL + run % 7);
    t.columns[13].valid.push_back(run % 4 != 1);
    // Few distinct values (a dictionary in chunks of more than ~400 rows), specials among them.
    t.columns[14].doubles.push_back(r % 11 == 0 ? specials[r / 11 % 6] : (r % 40) * 0.5 - 3);
    t.columns[14].valid.push_back(i % 9 != 4);
  }
  if (rows == 0) dict->intern("unused");
  return t;
}

// Cell-by-cell equality: NULLs in the same rows, doubles bit for bit, strings by their text.
void expect_same_column(const Column& want, const Column& got, const std::string& name,
                        size_t want_offset = 0) {
  ASSERT_EQ(want.type, got.type) << name;
  const size_t rows = got.size();
  ASSERT_LE(want_offset + rows, want.size()) << name;
  size_t nulls = 0;
  for (size_t r = 0; r < rows; ++r) {
    const size_t w = want_offset + r;
    ASSERT_EQ(want.is_null(w), got.is_null(r)) << name << " row " << r;
    if (want.is_null(w)) {
      ++nulls;
      continue;
    }
    switch (want.type) {
      case ColumnType::Int64:
      case ColumnType::Timestamp:
        ASSERT_EQ(want.ints[w], got.ints[r]) << name << " row " << r;
        break;
      case ColumnType::Double:
        ASSERT_EQ(std::bit_cast<uint64_t>(want.doubles[w]), std::bit_cast<uint64_t>(got.doubles[r]))
            << name << " row " << r;
        break;
      case ColumnType::String:
        ASSERT_EQ(want.string_at(w), got.string_at(r)) << name << " row " << r;
        break;
    }
  }
  // `valid` is empty exactly when there is no NULL.
  EXPECT_EQ(got.valid.empty(), nulls == 0) << name;
  if (got.type == ColumnType::String) {
    EXPECT_NE(got.dictionary, nullptr) << name;
  }
}

void expect_same_table(const Table& want, const Table& got, size_t want_offset = 0) {
  ASSERT_EQ(want.fields.size(), got.fields.size());
  for (size_t c = 0; c < want.fields.size(); ++c) {
    EXPECT_EQ(want.fields[c].name, got.fields[c].name);
    EXPECT_EQ(want.fields[c].type, got.fields[c].type);
    EXPECT_EQ(want.fields[c].nullable, got.fields[c].nullable);
    expect_same_column(want.columns[c], got.columns[c], want.fields[c].name, want_offset);
  }
}

WriterOptions small_pages(size_t page_values) {
  WriterOptions options;
  options.page_values = page_values;
  return options;
}

TEST(ParquetReader, RoundTripsEveryType) {
  TempDir dir;
  const std::string path = dir.path() / "t.parquet";
  const Table table = every_type_table(3000);
  write_table(path, table);
  const FileReader reader(path);
  EXPECT_EQ(reader.num_rows(), 3000u);
  EXPECT_EQ(reader.num_row_groups(), 1u);
  ASSERT_EQ(reader.schema().size(), table.fields.size());
  expect_same_table(table, reader.read());
  expect_same_table(table, read_table(path));
}

TEST(ParquetReader, ManyRowGroupsAndPages) {
  TempDir dir;
  const std::string path = dir.path() / "t.parquet";
  const Table table = every_type_table(5555, 7);
  write_table(path, table, 1000, small_pages(97));
  const FileReader reader(path);
  ASSERT_EQ(reader.num_row_groups(), 6u);
  EXPECT_EQ(reader.row_group_num_rows(0), 1000u);
  EXPECT_EQ(reader.row_group_num_rows(5), 555u);
  EXPECT_THROW(reader.row_group_num_rows(6), std::out_of_range);
  expect_same_table(table, reader.read({}, 2));
  for (size_t g = 0; g < reader.num_row_groups(); ++g)
    expect_same_table(table, reader.read_row_group(g), g * 1000);
}

// Numeric columns handed to the writer as runs (one value per run of equal rows: dictionary
// pages and RLE_DICTIONARY data pages) read back as the rows they stand for, with runs across
// page and row-group ends.
TEST(ParquetReader, ColumnsWrittenAsRunsReadBackAsRows) {
  TempDir dir;
  const std::string path = dir.path() / "t.parquet";
  const Table table = every_type_table(5555, 7);
  {
    FileWriter writer(path, table.fields, small_pages(97));
    for (size_t begin = 0; begin < table.num_rows(); begin += 1000) {
      const size_t end = std::min(table.num_rows(), begin + 1000);
      writer.write_row_group(testing::slices_as_runs(table, begin, end).slices);
    }
    writer.finish();
  }
  expect_same_table(table, read_table(path));
  // A run-length column may not say more or fewer rows than its runs hold.
  Column one(ColumnType::Int64);
  one.ints = {7};
  const std::vector<uint32_t> runs = {3};
  FileWriter writer((dir.path() / "bad.parquet").string(), {{"x", ColumnType::Int64, false}});
  EXPECT_THROW(writer.write_row_group({{&one, 0, 4, runs}}), std::runtime_error);
}

TEST(ParquetReader, OnePagePerValue) {
  TempDir dir;
  const std::string path = dir.path() / "t.parquet";
  const Table table = every_type_table(40, 3);
  write_table(path, table, 16, small_pages(1));
  expect_same_table(table, read_table(path));
}

TEST(ParquetReader, EmptyTable) {
  TempDir dir;
  const std::string path = dir.path() / "t.parquet";
  const Table table = every_type_table(0);
  write_table(path, table);
  const FileReader reader(path);
  EXPECT_EQ(reader.num_rows(), 0u);
  EXPECT_EQ(reader.num_row_groups(), 0u);
  const Table got = reader.read({}, 2);
  expect_same_table(table, got);
  EXPECT_EQ(got.num_rows(), 0u);
}

TEST(ParquetReader, SingleStringDictionaryHasBitWidthZero) {
  TempDir dir;
  const std::string path = dir.path() / "t.parquet";
  auto dict = std::make_shared<StringDictionary>();
  Table table = Table::empty({{"s", ColumnType::String, false}, {"n", ColumnType::String, true}});
  for (auto& c : table.columns) c.dictionary = dict;
  for (int i = 0; i < 1000; ++i) {
    table.columns[0].codes.push_back(dict->intern("only"));
    table.columns[1].codes.push_back(dict->intern(""));
    table.columns[1].valid.push_back(i % 2);
  }
  write_table(path, table, 300, small_pages(64));
  expect_same_table(table, read_table(path));
}

TEST(ParquetReader, ProjectsColumnsInTheOrderAsked) {
  TempDir dir;
  const std::string path = dir.path() / "t.parquet";
  const Table table = every_type_table(500);
  write_table(path, table, 200);
  const Table got = read_table(path, {"note", "id"}, 2);
  ASSERT_EQ(got.fields.size(), 2u);
  EXPECT_EQ(got.fields[0].name, "note");
  EXPECT_EQ(got.fields[1].name, "id");
  expect_same_column(table.column("note"), got.columns[0], "note");
  expect_same_column(table.column("id"), got.columns[1], "id");
  try {
    read_table(path, {"id", "nope"});
    FAIL() << "no error for a missing column";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos) << e.what();
  }
}

TEST(ParquetReader, IntRangeFromStatistics) {
  TempDir dir;
  const std::string path = dir.path() / "t.parquet";
  Table table = Table::empty({{"a", ColumnType::Int64, false},
                              {"t", ColumnType::Timestamp, true},
                              {"x", ColumnType::Double, false}});
  for (int64_t i = 0; i < 30; ++i) {
    table.columns[0].ints.push_back(100 - 3 * i);
    table.columns[1].ints.push_back(i * 1000);
    table.columns[1].valid.push_back(i >= 10);  // the first row group is all NULL
    table.columns[2].doubles.push_back(0.5);
  }
  write_table(path, table, 10);
  const FileReader reader(path);
  EXPECT_EQ(reader.int_range(0, "a"), (std::pair<int64_t, int64_t>{73, 100}));
  EXPECT_EQ(reader.int_range(2, "a"), (std::pair<int64_t, int64_t>{13, 40}));
  EXPECT_EQ(reader.int_range(0, "t"), std::nullopt);
  EXPECT_EQ(reader.int_range(1, "t"), (std::pair<int64_t, int64_t>{10000, 19000}));
  EXPECT_THROW(reader.int_range(0, "x"), std::invalid_argument);
  EXPECT_THROW(reader.int_range(0, "missing"), InputError);
  EXPECT_THROW(reader.int_range(3, "a"), std::out_of_range);
}

TEST(ParquetReader, SameTableForEveryThreadCount) {
  TempDir dir;
  const std::string path = dir.path() / "t.parquet";
  const Table table = every_type_table(20000, 11);
  write_table(path, table, 1500, small_pages(512));
  const Table one = read_table(path, {}, 1);
  expect_same_table(table, one);
  for (int threads : {2, 3, 8}) {
    const Table many = read_table(path, {}, threads);
    for (size_t c = 0; c < one.columns.size(); ++c) {
      const Column& a = one.columns[c];
      const Column& b = many.columns[c];
      EXPECT_TRUE(a.ints == b.ints && a.codes == b.codes && a.valid == b.valid) << c;
      ASSERT_EQ(a.doubles.size(), b.doubles.size());
      if (!a.doubles.empty()) {
        EXPECT_EQ(std::memcmp(a.doubles.data(), b.doubles.data(), a.doubles.size() * 8), 0);
      }
      if (a.type == ColumnType::String) {
        ASSERT_EQ(a.dictionary->size(), b.dictionary->size());
        for (uint32_t k = 0; k < a.dictionary->size(); ++k)
          EXPECT_EQ(a.dictionary->at(k), b.dictionary->at(k));
      }
    }
  }
}

TEST(ParquetReader, StringCodesFollowFirstAppearance) {
  TempDir dir;
  const std::string path = dir.path() / "t.parquet";
  auto dict = std::make_shared<StringDictionary>();
  for (const char* s : {"z", "y", "x", "w"}) dict->intern(s);  // source codes in another order
  Table table = Table::empty({{"s", ColumnType::String, true}});
  table.columns[0].dictionary = dict;
  const std::vector<std::pair<const char*, bool>> rows = {{"x", true}, {"z", false}, {"x", true},
                                                          {"w", true}, {"y", true},  {"w", true}};
  for (auto [s, valid] : rows) {
    table.columns[0].codes.push_back(dict->intern(s));
    table.columns[0].valid.push_back(valid);
  }
  write_table(path, table, 4);
  const Table got = read_table(path, {}, 2);
  const auto& d = *got.columns[0].dictionary;
  ASSERT_EQ(d.size(), 3u);  // "z" only stands in a NULL row
  EXPECT_EQ(d.at(0), "x");
  EXPECT_EQ(d.at(1), "w");
  EXPECT_EQ(d.at(2), "y");
}

// ---------------------------------------------------------------------------------------------
// Decoders on hand-made bytes

TEST(RleBpDecoder, RoundTripsTheEncoderForEveryBitWidth) {
  std::mt19937 rng(5);
  for (int width = 0; width <= 32; ++width) {
    std::vector<uint32_t> values(1000);
    const uint64_t limit = width == 0 ? 1 : uint64_t{1} << width;
    for (size_t i = 0; i < values.size(); ++i)
      values[i] = (i / 40 % 2 == 0) ? static_cast<uint32_t>(rng() % limit)
                                    : static_cast<uint32_t>(limit - 1);
    for (size_t count : {size_t{0}, size_t{1}, size_t{7}, size_t{9}, size_t{1000}}) {
      Bytes bytes;
      append_rle_bp(std::span(values).first(count), width, bytes);
      bytes.resize(bytes.size() + kDecodePadding);
      std::vector<uint32_t> out(count);
      decode_rle_bp(std::span(bytes).first(bytes.size() - kDecodePadding), width, out);
      EXPECT_EQ(out, std::vector<uint32_t>(values.begin(), values.begin() + count))
          << "width " << width << " count " << count;
    }
  }
}

TEST(RleBpDecoder, RejectsRunsPastTheEnd) {
  Bytes bytes = {0x03, 0xAB};  // one bit-packed group of width 8 needs 8 bytes
  bytes.resize(bytes.size() + kDecodePadding);
  std::vector<uint32_t> out(8);
  EXPECT_THROW(decode_rle_bp(std::span(bytes).first(2), 8, out), FormatError);
  const Bytes rle_value_too_wide = {0x04, 0x05};  // RLE run of 2, value 5 in bit width 2
  EXPECT_THROW(decode_rle_bp(rle_value_too_wide, 2, std::span(out).first(2)), FormatError);
  const Bytes endless_varint(12, 0xFF);
  EXPECT_THROW(decode_rle_bp(endless_varint, 1, out), FormatError);
  std::vector<uint8_t> levels(4);
  const Bytes bad_length = {0xFF, 0, 0, 0, 0x08, 1};
  EXPECT_THROW(decode_definition_levels(bad_length, levels), FormatError);
}

TEST(ThriftReader, SkipsUnknownFieldsOfEveryType) {
  Bytes bytes;
  ThriftWriter w(bytes);
  w.begin_struct();
  w.field_i32(1, -7);
  w.field_double(2, 2.5);
  w.field_bool(3, true);
  w.field_list(4, ThriftType::Binary, 2);
  w.element_binary("ab");
  w.element_binary("");
  w.field_struct(40);
  w.field_i64(1, 1LL << 40);
  w.end_struct();
  w.field_i64(41, -3);
  w.end_struct();
  ThriftReader r(bytes);
  int64_t last = 0;
  r.read_struct([&](const ThriftField& f) {
    if (f.id == 41)
      last = r.read_i64(f);
    else
      r.skip(f.type);
  });
  EXPECT_EQ(last, -3);
  EXPECT_EQ(r.position(), bytes.size());
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    ThriftReader truncated{std::span<const uint8_t>(bytes).first(cut)};
    EXPECT_THROW(truncated.read_struct([&](const ThriftField& f) { truncated.skip(f.type); }),
                 FormatError)
        << cut;
  }
}

TEST(ThriftReader, DeepNestingIsRejected) {
  Bytes bytes;
  for (int i = 0; i < 1000; ++i) bytes.push_back(0x1C);  // field 1, type struct
  ThriftReader r(bytes);
  EXPECT_THROW(r.skip(ThriftType::Struct), FormatError);
}

// A whole file from hand-made chunks, to reach what our writer never writes.
struct HandMadeChunk {
  Bytes bytes;
  ColumnChunkMetadata meta;
};

void append_page(Bytes& out, ColumnChunkMetadata& meta, const Bytes& body, bool dictionary,
                 int32_t num_values, format::Encoding encoding) {
  ZstdCompressor zstd(1);
  const auto frame = zstd.compress(body);
  const Bytes compressed(frame.begin(), frame.end());
  const PageSizes sizes{static_cast<int32_t>(body.size()), static_cast<int32_t>(compressed.size())};
  const size_t start = out.size();
  if (dictionary) {
    meta.dictionary_page_offset = static_cast<int64_t>(start);
    append_dictionary_page_header(out, sizes, num_values);
  } else {
    if (meta.data_page_offset == 0) meta.data_page_offset = static_cast<int64_t>(start);
    append_data_page_header(out, sizes, num_values, encoding);
  }
  out.insert(out.end(), compressed.begin(), compressed.end());
  meta.total_compressed_size = static_cast<int64_t>(out.size());
  meta.total_uncompressed_size = meta.total_compressed_size;
}

std::string hand_made_file(const std::vector<Field>& schema, std::vector<HandMadeChunk> chunks,
                           int64_t rows) {
  std::string file = "PAR1";
  RowGroupMetadata group;
  group.num_rows = rows;
  for (HandMadeChunk& chunk : chunks) {
    chunk.meta.data_page_offset += static_cast<int64_t>(file.size());
    if (chunk.meta.dictionary_page_offset)
      *chunk.meta.dictionary_page_offset += static_cast<int64_t>(file.size());
    chunk.meta.num_values = rows;
    file.append(chunk.bytes.begin(), chunk.bytes.end());
    group.columns.push_back(chunk.meta);
  }
  const RowGroupMetadata* groups[] = {&group};
  const Bytes footer = serialize_file_metadata(schema, groups, "test");
  file.append(footer.begin(), footer.end());
  const auto length = static_cast<uint32_t>(footer.size());
  file.append(reinterpret_cast<const char*>(&length), 4);
  return file + "PAR1";
}

// A string chunk: dictionary {"a", "b"}, then one page of `indices` in bit width 3.
HandMadeChunk string_chunk(const std::vector<uint32_t>& indices) {
  HandMadeChunk chunk;
  chunk.meta.type = format::Type::ByteArray;
  chunk.meta.encodings = {format::Encoding::Plain, format::Encoding::Rle,
                          format::Encoding::RleDictionary};
  const Bytes dict = {1, 0, 0, 0, 'a', 1, 0, 0, 0, 'b'};
  append_page(chunk.bytes, chunk.meta, dict, true, 2, format::Encoding::Plain);
  Bytes body;
  append_dictionary_indices(indices, 3, body);
  append_page(chunk.bytes, chunk.meta, body, false, static_cast<int32_t>(indices.size()),
              format::Encoding::RleDictionary);
  return chunk;
}

void expect_input_error(const std::string& path, const std::string& fragment) {
  try {
    const Table t = read_table(path, {}, 2);
    FAIL() << "no error reading " << path << " (" << t.num_rows() << " rows)";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(ParquetReader, HandMadeFileReads) {
  TempDir dir;
  const std::string path = dir.path() / "t.parquet";
  write_bytes(path,
              hand_made_file({{"s", ColumnType::String, false}}, {string_chunk({1, 0, 1})}, 3));
  const Table t = read_table(path);
  ASSERT_EQ(t.num_rows(), 3u);
  EXPECT_EQ(t.columns[0].string_at(0), "b");
  EXPECT_EQ(t.columns[0].string_at(1), "a");
  EXPECT_EQ(t.columns[0].codes[0], 0u);  // first appearance, not dictionary order
}

TEST(ParquetReader, IndexOutsideTheDictionary) {
  TempDir dir;
  const std::string path = dir.path() / "t.parquet";
  write_bytes(path,
              hand_made_file({{"s", ColumnType::String, false}}, {string_chunk({1, 5, 0})}, 3));
  expect_input_error(path, "row group 0, column 's': dictionary index 5 out of range");
}

TEST(ParquetReader, UnsupportedCodecIsNamed) {
  TempDir dir;
  const std::string path = dir.path() / "t.parquet";
  HandMadeChunk chunk = string_chunk({0});
  chunk.meta.codec = static_cast<format::Codec>(1);  // SNAPPY
  write_bytes(path, hand_made_file({{"s", ColumnType::String, false}}, {chunk}, 1));
  expect_input_error(path, "unsupported compression codec 1");
}

TEST(ParquetReader, UnsupportedEncodingIsNamed) {
  TempDir dir;
  const std::string path = dir.path() / "t.parquet";
  HandMadeChunk chunk;
  chunk.meta.type = format::Type::Int64;
  append_page(chunk.bytes, chunk.meta, Bytes(16, 0), false, 2, static_cast<format::Encoding>(9));
  write_bytes(path, hand_made_file({{"i", ColumnType::Int64, false}}, {chunk}, 2));
  expect_input_error(path, "unsupported encoding 9");
}

TEST(ParquetReader, TooFewPagesForTheRowCount) {
  TempDir dir;
  const std::string path = dir.path() / "t.parquet";
  write_bytes(path, hand_made_file({{"s", ColumnType::String, false}}, {string_chunk({0, 1})}, 5));
  expect_input_error(path, "pages hold 2 values");
}

// ---------------------------------------------------------------------------------------------
// Malformed files

class CorruptFile : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.path() / "t.parquet";
    write_table(path_, every_type_table(2000, 9), 700, small_pages(300));
    good_ = read_bytes(path_);
  }
  // Writes `bytes` and reads the file: success or InputError naming it, nothing else.
  bool read_survives(const std::string& bytes) {
    write_bytes(path_, bytes);
    try {
      const FileReader reader(path_);
      reader.read({}, 2);
      for (size_t g = 0; g < reader.num_row_groups(); ++g) reader.read_row_group(g);
      return true;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(path_), std::string::npos) << e.what();
      return false;
    }
  }
  uint32_t footer_length() const {
    uint32_t n;
    std::memcpy(&n, good_.data() + good_.size() - 8, 4);
    return n;
  }
  TempDir dir_;
  std::string path_;
  std::string good_;
};

TEST_F(CorruptFile, Truncated) {
  const size_t size = good_.size();
  for (size_t keep : {size_t{0}, size_t{3}, size_t{4}, size_t{11}, size_t{12}, size / 3, size / 2,
                      size - footer_length() - 8, size - 12, size - 8, size - 5, size - 1}) {
    EXPECT_FALSE(read_survives(good_.substr(0, keep))) << "kept " << keep;
  }
  // Cut in the middle, footer kept: chunk offsets then point past the shortened data.
  const std::string tail = good_.substr(size - footer_length() - 8);
  EXPECT_FALSE(read_survives(good_.substr(0, size / 2) + tail));
}

TEST_F(CorruptFile, BadMagic) {
  std::string bytes = good_;
  bytes[0] = 'Q';
  EXPECT_FALSE(read_survives(bytes));
  bytes = good_;
  bytes[bytes.size() - 1] = '2';
  EXPECT_FALSE(read_survives(bytes));
  bytes = good_;
  bytes[bytes.size() - 1] = 'E';  // "PARE": encrypted footer
  write_bytes(path_, bytes);
  expect_input_error(path_, "unsupported encrypted");
}

TEST_F(CorruptFile, GarbageFooterLength) {
  for (uint32_t length : {0u, 1u, 7u, footer_length() - 1, footer_length() + 1,
                          static_cast<uint32_t>(good_.size() - 12),
                          static_cast<uint32_t>(good_.size() - 11), 0xFFFFFFFFu}) {
    std::string bytes = good_;
    std::memcpy(bytes.data() + bytes.size() - 8, &length, 4);
    EXPECT_FALSE(read_survives(bytes)) << "footer length " << length;
  }
}

TEST_F(CorruptFile, GarbageFooter) {
  std::string bytes = good_;
  const size_t start = bytes.size() - 8 - footer_length();
  for (size_t i = start; i < bytes.size() - 8; ++i) bytes[i] = static_cast<char>(0xA5 ^ i);
  EXPECT_FALSE(read_survives(bytes));
}

// Single-byte changes of a small file (footer and pages): any outcome but a crash or another
// exception (a flip inside a string or a statistic can be harmless).
TEST_F(CorruptFile, EveryByteFlippedNeverCrashes) {
  Table table = every_type_table(60, 4);
  table.fields.resize(8);
  table.columns.resize(8);
  write_table(path_, table, 25, small_pages(10));
  const std::string good = read_bytes(path_);
  uint32_t footer = 0;
  std::memcpy(&footer, good.data() + good.size() - 8, 4);
  const size_t footer_start = good.size() - 8 - footer;
  size_t rejected = 0;
  // Every byte of the footer and its frame, every fifth byte of the pages.
  for (size_t i = 0; i < good.size(); i += i + 1 < footer_start ? 5 : 1) {
    std::string bytes = good;
    bytes[i] = static_cast<char>(bytes[i] ^ (i % 2 ? 0x01 : 0xFF));
    rejected += read_survives(bytes) ? 0 : 1;
  }
  EXPECT_GT(rejected, footer / 4);
}

TEST_F(CorruptFile, PageThatDoesNotDecompress) {
  // Overwrite the first page body after the first page header with bytes that are no zstd frame.
  const FileReader reader(path_);
  std::string bytes = good_;
  // The first column chunk starts at byte 4 with a page header; its body follows. Overwrite
  // everything from byte 40 to the end of the data with 0xEE.
  const size_t footer_start = bytes.size() - 8 - footer_length();
  for (size_t i = 40; i < footer_start; ++i) bytes[i] = static_cast<char>(0xEE);
  write_bytes(path_, bytes);
  try {
    read_table(path_);
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path_), std::string::npos) << what;
    EXPECT_NE(what.find("row group 0, column 'id'"), std::string::npos) << what;
  }
  // Projection skips the broken chunk only if it is not asked for; the others are broken too.
  EXPECT_FALSE(read_survives(bytes));
}

TEST(ParquetReader, NotAFile) {
  TempDir dir;
  expect_input_error((dir.path() / "missing.parquet").string(), "cannot open");
  const std::string empty = dir.path() / "empty.parquet";
  write_bytes(empty, "");
  expect_input_error(empty, "too short");
}

// ---------------------------------------------------------------------------------------------
// The pipeline's outputs on the MIMIC-IV demo read back as they were computed.

TEST(ParquetReaderDemo, ReadsEveryPipelineOutput) {
  if (!ehrtok::testing::demo_available()) GTEST_SKIP() << "MIMIC-IV demo not found";
  TempDir dir;
  RunOptions options;
  options.input_dir = ehrtok::testing::demo_hosp_dir();
  options.output_dir = dir.path() / "out";
  options.threads = 2;
  options.row_group_rows = 10000;  // several row groups per large output
  run_pipeline(options);
  const fs::path golden = ehrtok::testing::golden_dir();
  for (const char* asset :
       {"top_200_labs", "lab_quantiles", "stg_admissions", "events_merged", "tokens_final"}) {
    const fs::path file = options.output_dir / (std::string(asset) + ".parquet");
    const fs::path expected = fs::exists(golden / (std::string(asset) + ".csv"))
                                  ? golden / (std::string(asset) + ".csv")
                                  : golden / (std::string(asset) + ".csv.gz");
    EXPECT_EQ(ehrtok::testing::diff_against_golden(read_table(file, {}, 2), expected), "") << asset;
  }
  // Every other Parquet output (stages, per-patient export) reads and has rows.
  size_t files = 0, export_rows = 0;
  for (const auto& entry : fs::recursive_directory_iterator(options.output_dir)) {
    if (entry.path().extension() != ".parquet" || !entry.is_regular_file()) continue;
    const FileReader reader(entry.path().string());
    const Table t = reader.read({}, 1);
    EXPECT_EQ(t.num_rows(), reader.num_rows());
    EXPECT_GT(t.num_rows(), 0u) << entry.path();
    if (entry.path().string().find("mimic4_tokens.parquet/") != std::string::npos)
      export_rows += t.num_rows();
    ++files;
  }
  EXPECT_GT(files, 100u);
  EXPECT_EQ(export_rows,
            FileReader((options.output_dir / "tokens_final.parquet").string()).num_rows());
}

}  // namespace
}  // namespace ehrtok::parquet
