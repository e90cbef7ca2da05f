// The strict field parsers: every int64 and nothing else, whatever the digit count.

#include "mimic/field_parsers.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>

namespace ehrtok::mimic {
namespace {

TEST(FieldParsers, Int64AcceptsTheWholeRangeAndNothingBeyond) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  EXPECT_EQ(parse_int64("0"), 0);
  EXPECT_EQ(parse_int64("+5"), 5);
  EXPECT_EQ(parse_int64("-17"), -17);
  EXPECT_EQ(parse_int64("10000032"), 10000032);
  EXPECT_EQ(parse_int64("999999999999999999"), 999999999999999999);  // 18 digits
  EXPECT_EQ(parse_int64("9223372036854775807"), kMax);
  EXPECT_EQ(parse_int64("-9223372036854775808"), kMin);
  EXPECT_EQ(parse_int64("000000000000000000000000042"), 42);  // leading zeros, 27 digits
  EXPECT_EQ(parse_int64("9223372036854775808"), std::nullopt);
  EXPECT_EQ(parse_int64("-9223372036854775809"), std::nullopt);
  EXPECT_EQ(parse_int64("18446744073709551616"), std::nullopt);  // 2^64
  EXPECT_EQ(parse_int64("99999999999999999999"), std::nullopt);
  for (const char* bad : {"", "-", "+", "1a", "a1", " 1", "1 ", "1.0", "--1", "0x10"})
    EXPECT_EQ(parse_int64(bad), std::nullopt) << '"' << bad << '"';
}

// Up to 16 digits are read eight at a time: every length, every digit value at every place, and
// a non-digit at every place (including bytes just outside '0'..'9') is rejected.
TEST(FieldParsers, Int64OfEveryLengthAndPlace) {
  std::mt19937_64 random(11);
  for (size_t length = 1; length <= 19; ++length) {
    for (int trial = 0; trial < 200; ++trial) {
      std::string text;
      for (size_t i = 0; i < length; ++i) text.push_back(static_cast<char>('0' + random() % 10));
      if (length == 19) text[0] = static_cast<char>('0' + random() % 9);  // below 9.2e18
      uint64_t want = 0;
      for (const char c : text) want = want * 10 + static_cast<uint64_t>(c - '0');
      EXPECT_EQ(parse_int64(text), static_cast<int64_t>(want)) << text;
      EXPECT_EQ(parse_int64("-" + text), -static_cast<int64_t>(want)) << text;
      std::string bad = text;
      bad[random() % length] = "/:a \xb0"[random() % 5];
      EXPECT_EQ(parse_int64(bad), std::nullopt) << bad;
    }
    EXPECT_EQ(
        parse_int64(std::string(length, '9')),
        length <= 18 ? std::optional<int64_t>(std::stoll(std::string(length, '9'))) : std::nullopt);
  }
}

TEST(FieldParsers, DoubleIsFiniteDecimalText) {
  EXPECT_EQ(parse_double("1"), 1.0);
  EXPECT_EQ(parse_double("+2.5"), 2.5);
  EXPECT_EQ(parse_double("-0.5"), -0.5);
  EXPECT_EQ(parse_double("1e3"), 1000.0);
  for (const char* bad : {"", "nan", "inf", "-inf", "1e999", "1,5", "abc", "1.5x"})
    EXPECT_EQ(parse_double(bad), std::nullopt) << '"' << bad << '"';
}

}  // namespace
}  // namespace ehrtok::mimic
