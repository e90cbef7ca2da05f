// MIMIC-IV timestamps and dates: parsing, formatting and calendar arithmetic.
// A timestamp is microseconds since 1970-01-01 00:00:00 in the proleptic Gregorian calendar, with
// no time zone (MIMIC's shifted wall-clock times, years 2100-2200). Real calendar arithmetic:
// leap years included.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ehrtok {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

// Days since 1970-01-01 of a civil date; month 1-12, day 1-31.
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);

// "YYYY-MM-DD HH:MM:SS" (fractional seconds ".ffffff" accepted) or "YYYY-MM-DD" (midnight).
// Returns nullopt when the text is not a valid timestamp or date (e.g. month 13, Feb 30).
std::optional<int64_t> parse_timestamp(std::string_view text);

// Calendar day (days since 1970-01-01) of a timestamp; floors for times before 1970.
int64_t day_of(int64_t micros);

// "YYYY-MM-DD HH:MM:SS" (with ".ffffff" only when there are fractional seconds).
std::string format_timestamp(int64_t micros);

}  // namespace ehrtok
