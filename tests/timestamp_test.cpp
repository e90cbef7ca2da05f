#include "table/timestamp.h"

#include <gtest/gtest.h>

namespace ehrtok {
namespace {

TEST(Timestamp, ParsesMimicTimestampsAndDates) {
  EXPECT_EQ(parse_timestamp("1970-01-01 00:00:00"), 0);
  EXPECT_EQ(parse_timestamp("1970-01-02"), kMicrosPerDay);
  EXPECT_EQ(parse_timestamp("1970-01-01 00:00:01.5"), 1'500'000);
  EXPECT_EQ(format_timestamp(*parse_timestamp("2196-02-24 14:38:00")), "2196-02-24 14:38:00");
}

TEST(Timestamp, LeapYearsOfTheShiftedCentury) {
  // 2100 is not a leap year, 2104 and 2000 are.
  EXPECT_FALSE(parse_timestamp("2100-02-29 00:00:00"));
  EXPECT_TRUE(parse_timestamp("2104-02-29 00:00:00"));
  EXPECT_TRUE(parse_timestamp("2000-02-29"));
  EXPECT_EQ(day_of(*parse_timestamp("2100-03-01")) - day_of(*parse_timestamp("2100-02-28")), 1);
  EXPECT_EQ(day_of(*parse_timestamp("2104-03-01")) - day_of(*parse_timestamp("2104-02-28")), 2);
  EXPECT_EQ(days_from_civil(2200, 1, 1) - days_from_civil(2100, 1, 1), 36524);
}

TEST(Timestamp, RejectsInvalidText) {
  for (const char* bad :
       {"", "2100-13-01", "2100-01-32", "2100-01-01 24:00:00", "2100-1-01", "2100-01-01 00:00",
        "2100-01-01x00:00:00", "abcd-01-01", "2100-01-01 00:00:00.", "2100-01-01 00:00:00.1234567"})
    EXPECT_FALSE(parse_timestamp(bad)) << bad;
}

TEST(Timestamp, RoundTripsAcrossCenturies) {
  for (int64_t day = -700000; day < 2900000; day += 997) {  // years 0054..9909
    const int64_t t = day * kMicrosPerDay + 3723 * kMicrosPerSecond;
    EXPECT_EQ(parse_timestamp(format_timestamp(t)), t);
  }
  EXPECT_EQ(day_of(-1), -1);
}

TEST(Timestamp, EveryDayAroundTheTableOfMonthsParses) {
  // Dates of years 1900-2299 are looked up by month, others computed: both agree day by day.
  const int64_t first = days_from_civil(1898, 12, 1), last = days_from_civil(2301, 2, 1);
  for (int64_t day = first; day < last; ++day) {
    const int64_t t = day * kMicrosPerDay + 59 * kMicrosPerSecond;
    ASSERT_EQ(parse_timestamp(format_timestamp(t)), t) << format_timestamp(t);
  }
}

}  // namespace
}  // namespace ehrtok
