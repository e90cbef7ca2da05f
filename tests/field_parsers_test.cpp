// The strict field parsers: every int64 and nothing else, whatever the digit count.

#include "mimic/field_parsers.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>

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
