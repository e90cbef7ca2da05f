// Hand-rolled text formatting for synthetic CSV rows. Each put_* writes at `p` and returns the
// end; the caller guarantees room (see LineBuffer::begin_line). At full scale this writes ~20 GB
// of text, so it avoids allocation, locales and general-purpose formatting.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace ehrtok::synth {

constexpr int64_t kMinute = 60;
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
constexpr int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct CivilDate {
  int64_t year;
  int month, day;
};

constexpr CivilDate civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

// Seconds since 1970-01-01 00:00:00 of a civil date at midnight.
constexpr int64_t seconds_from_civil(int64_t y, int64_t m, int64_t d) {
  return days_from_civil(y, m, d) * kDay;
}

inline int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

inline char* put_2digits(char* p, int v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

inline char* put_uint(char* p, uint64_t v) {
  char tmp[20];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) *p++ = tmp[--n];
  return p;
}

inline char* put_int(char* p, int64_t v) {
  if (v < 0) {
    *p++ = '-';
    return put_uint(p, static_cast<uint64_t>(-(v + 1)) + 1);
  }
  return put_uint(p, static_cast<uint64_t>(v));
}

// Zero-padded to `width` digits.
inline char* put_uint_padded(char* p, uint64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + width;
}

// "YYYY-MM-DD"
inline char* put_date(char* p, int64_t seconds) {
  const CivilDate c = civil_from_days(floor_div(seconds, kDay));
  p = put_uint_padded(p, static_cast<uint64_t>(c.year), 4);
  *p++ = '-';
  p = put_2digits(p, c.month);
  *p++ = '-';
  return put_2digits(p, c.day);
}

// "YYYY-MM-DD HH:MM:SS"
inline char* put_timestamp(char* p, int64_t seconds) {
  p = put_date(p, seconds);
  const int64_t s = seconds - floor_div(seconds, kDay) * kDay;
  *p++ = ' ';
  p = put_2digits(p, static_cast<int>(s / 3600));
  *p++ = ':';
  p = put_2digits(p, static_cast<int>(s / 60 % 60));
  *p++ = ':';
  return put_2digits(p, static_cast<int>(s % 60));
}

inline char* put_text(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// A decimal number given as an integer count of 10^-decimals units, e.g. (1540, 2) -> "15.40".
// With `trim`, trailing fractional zeros (and a bare point) are dropped, as MIMIC's valuenum
// does ("15.4", "2" for "2.0").
inline char* put_scaled(char* p, int64_t scaled, int decimals, bool trim) {
  static constexpr int64_t kPow10[] = {1, 10, 100, 1000, 10000, 100000};
  if (scaled < 0) *p++ = '-';
  const uint64_t mag = scaled < 0 ? static_cast<uint64_t>(-scaled) : static_cast<uint64_t>(scaled);
  const uint64_t unit = static_cast<uint64_t>(kPow10[decimals]);
  p = put_uint(p, mag / unit);
  if (decimals == 0) return p;
  uint64_t frac = mag % unit;
  int digits = decimals;
  if (trim) {
    while (digits > 0 && frac % 10 == 0) {
      frac /= 10;
      --digits;
    }
    if (digits == 0) return p;
  }
  *p++ = '.';
  return put_uint_padded(p, frac, digits);
}

}  // namespace ehrtok::synth
