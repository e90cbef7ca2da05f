// Writes Parquet files that exercise the writer's edge cases, each next to a JSON file of what an
// independent reader must find in it. tests/js/parquet_readback.test.mjs reads both.
//   parquet_fixture_writer <output-dir>
//
// The expectations (values and per-row-group min/max/null_count) are computed here from the input
// values with plain loops, not by the writer's statistics code, so a bug there cannot hide itself.
//
// JSON conventions: INT64 and TIMESTAMP values are decimal strings (microseconds for timestamps:
// JSON numbers lose int64 precision); DOUBLE values are strings that JavaScript's Number() parses
// back exactly ("NaN", "Infinity", "-0", "%.17g"); NULL is null.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "column_runs.h"
#include "parquet/parquet_writer.h"
#include "table/column.h"
#include "table/string_dictionary.h"

namespace {

using ehrtok::Column;
using ehrtok::ColumnSlice;
using ehrtok::ColumnType;
using ehrtok::Field;
using ehrtok::StringDictionary;
using ehrtok::Table;
using nlohmann::json;
namespace fs = std::filesystem;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

using Ints = std::vector<std::optional<int64_t>>;
using Doubles = std::vector<std::optional<double>>;
using Strings = std::vector<std::optional<std::string>>;

std::string double_text(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// DuckDB's text form of a TIMESTAMP: "YYYY-MM-DD HH:MM:SS", then the non-zero fraction of a
// second without trailing zeros.
std::string timestamp_text(int64_t micros) {
  using namespace std::chrono;
  const sys_time<microseconds> t{microseconds{micros}};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  std::string text = buf;
  if (const auto frac = hms.subseconds().count(); frac != 0) {
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
    text += buf;
    while (text.back() == '0') text.pop_back();
  }
  return text;
}

int64_t micros_of(int year, unsigned month, unsigned day, int h, int m, int s, int64_t us = 0) {
  using namespace std::chrono;
  const sys_days d{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}};
  return (duration_cast<microseconds>(d.time_since_epoch()) + hours{h} + minutes{m} + seconds{s})
             .count() +
         us;
}

// Unsigned byte-wise order, as Parquet orders UTF8 statistics.
bool bytes_less(const std::string& a, const std::string& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
  });
}

// A table under construction plus the JSON describing what readers must see.
class Fixture {
 public:
  explicit Fixture(std::string name) : name_(std::move(name)) {
    dictionary_ = std::make_shared<StringDictionary>();
  }

  void add_int64(const std::string& name, bool nullable, const Ints& values,
                 ColumnType type = ColumnType::Int64) {
    Column column(type);
    for (const auto& v : values) column.ints.push_back(v.value_or(0));
    set_validity(column, values);
    add(name, type, nullable, std::move(column));
  }

  void add_timestamp(const std::string& name, bool nullable, const Ints& values) {
    add_int64(name, nullable, values, ColumnType::Timestamp);
  }

  void add_double(const std::string& name, bool nullable, const Doubles& values) {
    Column column(ColumnType::Double);
    for (const auto& v : values) column.doubles.push_back(v.value_or(0.0));
    set_validity(column, values);
    add(name, ColumnType::Double, nullable, std::move(column));
  }

  void add_string(const std::string& name, bool nullable, const Strings& values) {
    Column column(ColumnType::String);
    column.dictionary = dictionary_;
    for (const auto& v : values) column.codes.push_back(v ? dictionary_->intern(*v) : 0);
    set_validity(column, values);
    add(name, ColumnType::String, nullable, std::move(column));
  }

  // Adds a column whose values are already in `column` (sharing someone else's dictionary).
  void add_column(const std::string& name, bool nullable, Column column) {
    add(name, column.type, nullable, std::move(column));
  }

  // Writes the table in row groups of `row_group_rows` and the expectations for them.
  void write(const fs::path& dir, size_t row_group_rows, ehrtok::parquet::WriterOptions options) {
    ehrtok::parquet::write_table((dir / (name_ + ".parquet")).string(), table_, row_group_rows,
                                 options);
    std::vector<std::pair<size_t, size_t>> groups;
    for (size_t b = 0; b < table_.num_rows(); b += row_group_rows)
      groups.emplace_back(b, std::min(table_.num_rows(), b + row_group_rows));
    finish_expectations(dir, groups);
  }

  // Writes the given row windows as row groups through FileWriter directly; the expected values
  // are the rows of those windows, in order.
  void write_windows(const fs::path& dir, const std::vector<std::pair<size_t, size_t>>& windows,
                     ehrtok::parquet::WriterOptions options, std::optional<size_t> max_bytes) {
    ehrtok::parquet::FileWriter writer((dir / (name_ + ".parquet")).string(), table_.fields,
                                       options);
    for (const auto& [begin, end] : windows) {
      std::vector<ColumnSlice> slices;
      for (const Column& column : table_.columns) slices.push_back({&column, begin, end - begin});
      writer.write_row_group(slices);
    }
    writer.finish();
    if (max_bytes) expected_["max_bytes"] = *max_bytes;
    finish_expectations(dir, windows);
  }

  // Writes row groups of `row_group_rows` with every non-string column given to the writer as
  // runs (ColumnSlice::runs: one value per run of equal rows); the expectations are the rows.
  void write_as_runs(const fs::path& dir, size_t row_group_rows,
                     ehrtok::parquet::WriterOptions options) {
    ehrtok::parquet::FileWriter writer((dir / (name_ + ".parquet")).string(), table_.fields,
                                       options);
    std::vector<std::pair<size_t, size_t>> groups;
    for (size_t b = 0; b < table_.num_rows(); b += row_group_rows) {
      const size_t e = std::min(table_.num_rows(), b + row_group_rows);
      groups.emplace_back(b, e);
      const auto row_group = ehrtok::testing::slices_as_runs(table_, b, e);
      writer.write_row_group(row_group.slices);
    }
    writer.finish();
    finish_expectations(dir, groups);
  }

 private:
  template <typename Values>
  static void set_validity(Column& column, const Values& values) {
    bool any_null = false;
    for (const auto& v : values) any_null |= !v.has_value();
    if (!any_null) return;
    for (const auto& v : values) column.valid.push_back(v.has_value() ? 1 : 0);
  }

  void add(const std::string& name, ColumnType type, bool nullable, Column column) {
    table_.fields.push_back({name, type, nullable});
    table_.columns.push_back(std::move(column));
    expected_["columns"].push_back(
        {{"name", name}, {"type", column_type_name(type)}, {"nullable", nullable}});
  }

  json cell(const Column& c, size_t row) const {
    if (c.is_null(row)) return nullptr;
    switch (c.type) {
      case ColumnType::Int64:
      case ColumnType::Timestamp:
        return std::to_string(c.ints[row]);
      case ColumnType::Double:
        return double_text(c.doubles[row]);
      case ColumnType::String:
        return std::string(c.string_at(row));
    }
    return nullptr;
  }

  // min/max/null_count of rows [begin, end) of a column, by the Parquet rules.
  json stats(const Column& c, size_t begin, size_t end) const {
    int64_t nulls = 0;
    std::optional<int64_t> imin, imax;
    std::optional<double> dmin, dmax;
    std::optional<std::string> smin, smax;
    bool nan = false;
    for (size_t r = begin; r < end; ++r) {
      if (c.is_null(r)) {
        ++nulls;
      } else if (c.type == ColumnType::Double) {
        const double v = c.doubles[r];
        if (std::isnan(v)) {
          nan = true;
          continue;
        }
        if (!dmin || v < *dmin) dmin = v;
        if (!dmax || v > *dmax) dmax = v;
      } else if (c.type == ColumnType::String) {
        const std::string v(c.string_at(r));
        if (!smin || bytes_less(v, *smin)) smin = v;
        if (!smax || bytes_less(*smax, v)) smax = v;
      } else {
        const int64_t v = c.ints[r];
        if (!imin || v < *imin) imin = v;
        if (!imax || v > *imax) imax = v;
      }
    }
    json s = {{"null_count", nulls}, {"min", nullptr}, {"max", nullptr}};
    if (imin) {
      s["min"] = std::to_string(*imin);
      s["max"] = std::to_string(*imax);
    } else if (dmin && !nan) {
      // A chunk with a NaN has no bounds (DuckDB would misread NaN-free ones).
      // A zero bound is written so that it covers both zeros: min -0.0, max +0.0.
      s["min"] = double_text(*dmin == 0 ? -0.0 : *dmin);
      s["max"] = double_text(*dmax == 0 ? 0.0 : *dmax);
    } else if (smin) {
      s["min"] = *smin;
      s["max"] = *smax;
    }
    return s;
  }

  void finish_expectations(const fs::path& dir,
                           const std::vector<std::pair<size_t, size_t>>& groups) {
    json values = json::object();
    json stats_by_column = json::object();
    size_t rows = 0;
    for (const auto& [b, e] : groups) rows += e - b;
    for (size_t i = 0; i < table_.fields.size(); ++i) {
      const Column& c = table_.columns[i];
      json column_values = json::array();
      json text = json::array();
      json column_stats = json::array();
      for (const auto& [b, e] : groups) {
        for (size_t r = b; r < e; ++r) {
          column_values.push_back(cell(c, r));
          if (c.type == ColumnType::Timestamp)
            text.push_back(c.is_null(r) ? json(nullptr) : json(timestamp_text(c.ints[r])));
        }
        if (e > b) column_stats.push_back(stats(c, b, e));
      }
      values[table_.fields[i].name] = column_values;
      if (c.type == ColumnType::Timestamp)
        expected_["timestamp_text"][table_.fields[i].name] = text;
      stats_by_column[table_.fields[i].name] = column_stats;
    }
    expected_["values"] = values;
    expected_["stats"] = stats_by_column;
    expected_["num_rows"] = rows;
    size_t nonempty = 0;
    for (const auto& [b, e] : groups) nonempty += e > b ? 1 : 0;
    expected_["row_groups"] = nonempty;
    expected_["file"] = name_ + ".parquet";
    if (!expected_.contains("columns")) expected_["columns"] = json::array();
    std::ofstream(dir / (name_ + ".json")) << expected_.dump() << '\n';
  }

  std::string name_;
  std::shared_ptr<StringDictionary> dictionary_;
  Table table_;
  json expected_ = json::object();
};

// Deterministic pseudo-random numbers (64-bit LCG, high bits).
struct Lcg {
  uint64_t state;
  uint32_t next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  }
};

void write_int64(const fs::path& dir) {
  Fixture f("int64");
  f.add_int64("id", false, {0, 1, -1, kInt64Min, kInt64Max, 1234567890123, -987654321098});
  // 2^53 + 1 is not a double: a reader that goes through double would change it.
  f.add_int64("maybe", true,
              {5, std::nullopt, -7, std::nullopt, std::nullopt, 9007199254740993, 0});
  f.write(dir, 1 << 20, {});
}

void write_double(const fs::path& dir) {
  Fixture f("double");
  f.add_double("d", false, {1.5, -0.0, 0.0, 3.141592653589793, kNaN, 1e308, -2.5e-308, 5e-324});
  f.add_double("zero_min", false, {0.0, 2.5, -0.0, 7.0, 1.0, 0.0, 3.0, 0.0});
  f.add_double("zero_max", false, {-3.0, -0.0, -1.0, -2.0, -0.0, -5.0, -4.0, -6.0});
  f.add_double("inf", false, {kInf, -kInf, 1, 2, 3, 4, 5, 6});
  const std::nullopt_t null = std::nullopt;
  f.add_double("nan_nullable", true, {kNaN, null, kNaN, null, kNaN, kNaN, null, kNaN});
  f.add_double("all_null", true, {null, null, null, null, null, null, null, null});
  f.write(dir, 1 << 20, {});
}

// Doubles with few distinct values, dictionary-encoded: -0.0 apart from 0.0, NaNs, NULLs and
// pages of several sizes (compressed), and random 10-bit dictionary indices in pages of over
// 4 KiB, which ZSTD would not shrink (UNCOMPRESSED).
void write_double_dictionary(const fs::path& dir) {
  Fixture f("double_dictionary");
  Doubles lab, noise;
  Lcg random{7};
  for (int i = 0; i < 10000; ++i) {
    const double specials[] = {kNaN, -0.0, 0.0, kInf, -1e-300};
    lab.push_back(i % 17 == 3   ? std::nullopt
                  : i % 23 == 5 ? std::optional(specials[i / 23 % 5])
                                : std::optional((i / 40) % 12 * 0.25 + 4));
    noise.push_back((random.next() % 1000) / 16.0);
  }
  f.add_double("lab", true, lab);
  f.add_double("noise", false, noise);
  f.write(dir, 10000, {.page_values = 4500});
}

void write_timestamp(const fs::path& dir) {
  Fixture f("timestamp");
  f.add_timestamp("t", false,
                  {micros_of(2100, 1, 1, 0, 0, 0), micros_of(2150, 6, 15, 12, 34, 56, 789012),
                   micros_of(2199, 12, 31, 23, 59, 59, 999999), micros_of(2200, 1, 1, 0, 0, 0),
                   micros_of(2123, 2, 28, 1, 2, 3, 500000), -1, micros_of(2160, 2, 29, 0, 0, 0, 1),
                   micros_of(2100, 3, 1, 0, 0, 0)});
  f.add_timestamp("tn", true,
                  {std::nullopt, micros_of(2180, 7, 4, 18, 0, 0), std::nullopt,
                   micros_of(2101, 1, 1, 0, 0, 1), micros_of(2199, 1, 1, 0, 0, 0), std::nullopt,
                   std::nullopt, micros_of(2111, 11, 11, 11, 11, 11, 111111)});
  f.write(dir, 1 << 20, {});
}

void write_strings(const fs::path& dir) {
  Fixture f("strings");
  const std::nullopt_t null = std::nullopt;
  f.add_string(
      "s", true,
      {"héllo wörld", "", null, "a,b,c", "say \"hi\"", "line1\nline2", "日本語テキスト",
       "🧪 emoji", "tab\there", null, "héllo wörld", "'single'", "back\\slash", "\r\n crlf", ""});
  f.add_string("one", false, Strings(15, std::string("the same value")));
  f.add_string("all_null", true, Strings(15, null));
  // Unsigned byte order puts "éclair" (0xC3...) after every ASCII string; signed would not.
  f.add_string("mixed", false,
               {"zeta", "Zeta", "éclair", "alpha", "", "~tilde", "zeta", "alpha", "Zeta", "éclair",
                "", "b", "c", "d", "e"});
  f.write(dir, 1 << 20, {});
}

// Thousands of distinct strings: wide dictionary indices (12-13 bits) and a big dictionary page.
void write_dictionary(const fs::path& dir) {
  Fixture f("dictionary");
  Lcg rng{42};
  Strings code, label;
  for (int i = 0; i < 20000; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "code-%04u", rng.next() % 5000);
    code.push_back(buf);
    if (i % 11 == 0) {
      label.push_back(std::nullopt);
    } else {
      std::snprintf(buf, sizeof buf, "label %u ✓", rng.next() % 3000);
      label.push_back(buf);
    }
  }
  f.add_string("code", false, code);
  f.add_string("label", true, label);
  f.write(dir, 1 << 20, {});
}

// Several row groups and several pages per column chunk.
void write_multi(const fs::path& dir) {
  Fixture f("multi");
  Lcg rng{7};
  Ints seq, when;
  Doubles x;
  Strings tok, rnd;
  const int64_t base = micros_of(2100, 1, 1, 0, 0, 0);
  for (int64_t i = 0; i < 10000; ++i) {
    seq.push_back(i * 7 - 5000);
    x.push_back(i % 13 == 0    ? std::nullopt
                : i % 101 == 0 ? std::optional(kNaN)
                               : std::optional(std::sin(static_cast<double>(i)) * 1000));
    when.push_back(i % 17 == 0 ? std::nullopt : std::optional(base + i * 3600000000LL + i));
    tok.push_back(i % 29 == 0 ? std::nullopt : std::optional("tok" + std::to_string(i / 50 % 37)));
    rnd.push_back("r" + std::to_string(rng.next() % 1000));
  }
  f.add_int64("seq", false, seq);
  f.add_double("x", true, x);
  f.add_timestamp("when", true, when);
  f.add_string("tok", true, tok);
  f.add_string("rnd", false, rnd);
  f.write(dir, 3000, {.page_values = 700});
}

void write_empty(const fs::path& dir) {
  Fixture f("empty");
  f.add_int64("i", false, {});
  f.add_double("d", true, {});
  f.add_timestamp("t", true, {});
  f.add_string("s", false, {});
  f.write(dir, 1 << 20, {});
}

// Row groups of zero rows between real ones.
void write_empty_groups(const fs::path& dir) {
  Fixture f("empty_groups");
  f.add_int64("i", false, {10, 20, 30, 40});
  f.add_string("s", true, {"x", std::nullopt, "y", "z"});
  f.write_windows(dir, {{0, 0}, {0, 3}, {3, 3}, {3, 4}}, {}, std::nullopt);
}

// Small windows of a column whose dictionary holds 200000 strings: the file must hold only the
// strings it uses.
void write_sliced(const fs::path& dir) {
  Fixture f("sliced");
  auto shared = std::make_shared<StringDictionary>();
  Column big(ColumnType::String), number(ColumnType::Int64);
  big.dictionary = shared;
  constexpr uint32_t kStrings = 200000;
  for (uint32_t i = 0; i < kStrings; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "shared-%06u", i);
    shared->intern(buf);
  }
  for (uint32_t i = 0; i < kStrings; ++i) {
    big.codes.push_back(static_cast<uint32_t>(uint64_t{i} * 7919 % kStrings));
    number.ints.push_back(i);
  }
  f.add_column("big", false, std::move(big));
  f.add_column("number", false, std::move(number));
  f.write_windows(dir, {{123456, 123466}, {5, 8}}, {}, 4096);
}

// Numeric columns given to the writer as runs (dictionary pages, RLE_DICTIONARY data pages of
// RLE runs), with runs across page and row-group ends, NULL runs, a one-value column (index bit
// width 0), a column of NULLs only, and doubles whose runs differ only in the sign of zero. Most
// chunks are small enough to be stored uncompressed; those of short_runs are compressed.
void write_runs(const fs::path& dir) {
  Fixture f("runs");
  Ints admission, constant, all_null, when, gap, short_runs;
  Doubles offset;
  Strings code;
  const int64_t base = micros_of(2150, 6, 30, 12, 0, 0);
  for (int64_t i = 0; i < 1000; ++i) {
    const int64_t run = i / 37 + (i % 101 == 0 ? 1000 : 0);  // runs of 37, with breaks
    admission.push_back(run % 9 == 4 ? std::nullopt : std::optional(run * 1000003 - 5));
    constant.push_back(kInt64Max);
    all_null.push_back(std::nullopt);
    when.push_back(run % 7 == 2 ? std::nullopt : std::optional(base + run * 3600000000LL));
    offset.push_back(run % 5 == 0   ? std::optional(kNaN)
                     : run % 5 == 1 ? std::optional(run % 2 ? -0.0 : 0.0)
                     : run % 5 == 2 ? std::nullopt
                                    : std::optional(run * 0.25 - 3));
    code.push_back("c" + std::to_string(i % 11));
    gap.push_back(i >= 100 && i < 260 ? std::nullopt : std::optional(i / 80));  // whole NULL pages
    short_runs.push_back(i / 2 * 7919 % 1000);  // runs of 2: chunks big enough to be compressed
  }
  f.add_int64("admission", true, admission);
  f.add_int64("constant", false, constant);
  f.add_int64("all_null", true, all_null);
  f.add_timestamp("when", true, when);
  f.add_double("offset", true, offset);
  f.add_string("code", false, code);
  f.add_int64("gap", true, gap);
  f.add_int64("short_runs", false, short_runs);
  f.write_as_runs(dir, 400, {.page_values = 50});
}

// Integer columns as DELTA_BINARY_PACKED pages of every shape: pages that end inside a miniblock
// and a block, steps of 0, 1 and all 64 bits (differences that overflow int64), a constant
// column, NULLs spread out and whole NULL pages (a page of no value), and one-value pages.
void write_delta(const fs::path& dir) {
  Fixture f("delta");
  Ints id, wide, constant, sparse, when;
  Lcg random{42};
  const int64_t base = micros_of(2150, 1, 1, 0, 0, 0);
  int64_t walk = 0;
  for (int64_t i = 0; i < 1500; ++i) {
    id.push_back(1000000 + i);
    const uint64_t bits = uint64_t{random.next()} << 32 | random.next();
    wide.push_back(i % 3 == 0   ? kInt64Min + i
                   : i % 3 == 1 ? kInt64Max - i
                                : static_cast<int64_t>(bits));
    constant.push_back(-5);
    walk += static_cast<int64_t>(random.next() % 1000) - 400;
    sparse.push_back(i % 13 == 0 || (i >= 600 && i < 900) ? std::nullopt : std::optional(walk));
    when.push_back(i % 5 == 4 ? std::nullopt
                              : std::optional(base + i * 60000000LL + random.next() % 7));
  }
  f.add_int64("id", false, id);
  f.add_int64("wide", false, wide);
  f.add_int64("constant", false, constant);
  f.add_int64("sparse", true, sparse);
  f.add_timestamp("when", true, when);
  f.write(dir, 1000, {.page_values = 300});
  // Random 64-bit values in pages of 8 KiB: ZSTD would not shrink them, so the chunk is stored
  // UNCOMPRESSED.
  Fixture noise("delta_uncompressed");
  Ints random_values;
  for (int i = 0; i < 2500; ++i)
    random_values.push_back(static_cast<int64_t>(uint64_t{random.next()} << 32 | random.next()));
  noise.add_int64("noise", false, random_values);
  noise.write(dir, 2500, {.page_values = 1000});
  Fixture one("delta_one_value_pages");
  one.add_int64("v", true, {7, std::nullopt, kInt64Min, kInt64Max, 0});
  one.write(dir, 3, {.page_values = 1});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: parquet_fixture_writer <output-dir>\n";
    return 2;
  }
  const fs::path dir = argv[1];
  try {
    fs::create_directories(dir);
    write_int64(dir);
    write_double(dir);
    write_double_dictionary(dir);
    write_timestamp(dir);
    write_strings(dir);
    write_dictionary(dir);
    write_multi(dir);
    write_empty(dir);
    write_empty_groups(dir);
    write_sliced(dir);
    write_runs(dir);
    write_delta(dir);
  } catch (const std::exception& e) {
    std::cerr << "parquet_fixture_writer: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
