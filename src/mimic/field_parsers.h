// Strict parsers for CSV field text. Each returns nullopt when the whole text is not a value of
// its type; the caller decides whether that is a NULL (empty field) or a reject.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ehrtok::mimic {

// Optional sign and decimal digits, within int64 range.
std::optional<int64_t> parse_int64_general(std::string_view text);
inline std::optional<int64_t> parse_int64(std::string_view text) {
  // Inline for the common case, up to 18 digits without a sign (every MIMIC id): below 10^18,
  // no overflow check per digit.
  if (text.empty() || text.size() > 18) return parse_int64_general(text);
  uint64_t v = 0;
  for (const char c : text) {
    const unsigned d = static_cast<unsigned char>(c) - '0';
    if (d > 9) return parse_int64_general(text);
    v = v * 10 + d;
  }
  return static_cast<int64_t>(v);
}
// A finite decimal number ("1", "-0.5", "1e3"); "nan" and "inf" are rejected because they have
// no place in quantiles or ordering.
std::optional<double> parse_double(std::string_view text);

}  // namespace ehrtok::mimic
