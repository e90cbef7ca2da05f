#include "mimic/field_parsers.h"

#include <cmath>

#include <fast_float/fast_float.h>

namespace ehrtok::mimic {

std::optional<int64_t> parse_int64(std::string_view t) {
  size_t i = 0;
  const bool negative = !t.empty() && t[0] == '-';
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) i = 1;
  if (i == t.size()) return std::nullopt;
  uint64_t v = 0;
  for (; i < t.size(); ++i) {
    const unsigned d = static_cast<unsigned char>(t[i]) - '0';
    if (d > 9) return std::nullopt;
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
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
