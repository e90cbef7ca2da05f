#include "mimic/field_parsers.h"

#include <cmath>

#include <fast_float/fast_float.h>

namespace ehrtok::mimic {

std::optional<int64_t> parse_int64_general(std::string_view t) {
  const bool signed_text = !t.empty() && (t[0] == '-' || t[0] == '+');
  const bool negative = signed_text && t[0] == '-';
  const std::string_view digits = t.substr(signed_text ? 1 : 0);
  if (digits.empty()) return std::nullopt;
  // Up to 18 digits stay below 10^18 < 2^63: no overflow check per digit (every MIMIC id).
  constexpr size_t kDigitsWithoutOverflow = 18;
  const bool may_overflow = digits.size() > kDigitsWithoutOverflow;
  uint64_t v = 0;
  for (const char c : digits) {
    const unsigned d = static_cast<unsigned char>(c) - '0';
    if (d > 9) return std::nullopt;
    if (may_overflow && v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  if (negative) {
    if (v > uint64_t{1} << 63) return std::nullopt;
    return static_cast<int64_t>(0 - v);
  }
  if (v > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<double> parse_double(std::string_view t) {
  double v = 0;
  const char* first = t.data();
  const char* last = first + t.size();
  if (first != last && *first == '+') ++first;
  auto [ptr, ec] = fast_float::from_chars(first, last, v);
  if (ec != std::errc() || ptr != last || first == last || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace ehrtok::mimic
