#include "table/timestamp.h"

#include <vector>

#include <fmt/format.h>

namespace ehrtok {
namespace {

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Parses exactly `n` ASCII digits at `p`; false if any is not a digit.
bool digits(const char* p, int n, int64_t& out) {
  int64_t v = 0;
  for (int i = 0; i < n; ++i) {
    const unsigned d = static_cast<unsigned char>(p[i]) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

// Inverse of days_from_civil: the civil date of a day number (era-based, exact for all int64
// days in range).
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  // Counts from a March-based year so that the leap day is the last day of the year.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace {

// The day number of the first of each month of years [kFirstYear, kFirstYear + kYears): a
// timestamp's date is then a lookup, not the era arithmetic (which was a third of parsing one).
constexpr int64_t kFirstYear = 1900;
constexpr int64_t kYears = 400;

int64_t days_to_month(int64_t y, unsigned m) {
  static const std::vector<int64_t> table = [] {
    std::vector<int64_t> days;
    for (int64_t year = kFirstYear; year < kFirstYear + kYears; ++year)
      for (unsigned month = 1; month <= 12; ++month)
        days.push_back(days_from_civil(year, month, 1));
    return days;
  }();
  if (y < kFirstYear || y >= kFirstYear + kYears) return days_from_civil(y, m, 1);
  return table[static_cast<size_t>((y - kFirstYear) * 12 + m - 1)];
}

}  // namespace

std::optional<int64_t> parse_timestamp(std::string_view t) {
  int64_t y, mo, d, h = 0, mi = 0, s = 0, frac = 0;
  if (t.size() < 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  if (!digits(&t[0], 4, y) || !digits(&t[5], 2, mo) || !digits(&t[8], 2, d)) return std::nullopt;
  if (t.size() > 10) {
    if (t.size() < 19 || (t[10] != ' ' && t[10] != 'T') || t[13] != ':' || t[16] != ':')
      return std::nullopt;
    if (!digits(&t[11], 2, h) || !digits(&t[14], 2, mi) || !digits(&t[17], 2, s))
      return std::nullopt;
    if (t.size() > 19) {
      const size_t n = t.size() - 20;
      if (t[19] != '.' || n < 1 || n > 6 || !digits(&t[20], static_cast<int>(n), frac))
        return std::nullopt;
      for (size_t i = n; i < 6; ++i) frac *= 10;
    }
  }
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, static_cast<unsigned>(mo)) || h > 23 ||
      mi > 59 || s > 59)
    return std::nullopt;
  const int64_t days = days_to_month(y, static_cast<unsigned>(mo)) + d - 1;
  return days * kMicrosPerDay + ((h * 60 + mi) * 60 + s) * kMicrosPerSecond + frac;
}

int64_t day_of(int64_t micros) {
  return micros >= 0 ? micros / kMicrosPerDay : -((-micros + kMicrosPerDay - 1) / kMicrosPerDay);
}

std::string format_timestamp(int64_t micros) {
  const int64_t day = day_of(micros);
  int64_t rest = micros - day * kMicrosPerDay;
  int64_t y;
  unsigned m, d;
  civil_from_days(day, y, m, d);
  const int64_t frac = rest % kMicrosPerSecond;
  rest /= kMicrosPerSecond;
  auto text = fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", y, m, d, rest / 3600,
                          rest / 60 % 60, rest % 60);
  if (frac != 0) text += fmt::format(".{:06}", frac);
  return text;
}

}  // namespace ehrtok
