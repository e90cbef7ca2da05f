// Strict parsers for CSV field text. Each returns nullopt when the whole text is not a value of
// its type; the caller decides whether that is a NULL (empty field) or a reject.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ehrtok::mimic {

// Optional sign and decimal digits, within int64 range.
std::optional<int64_t> parse_int64(std::string_view text);
// A finite decimal number ("1", "-0.5", "1e3"); "nan" and "inf" are rejected because they have
// no place in quantiles or ordering.
std::optional<double> parse_double(std::string_view text);

}  // namespace ehrtok::mimic
