// Writing CSV fields: RFC 4180 as MIMIC writes it — quoted only when the text holds a comma,
// quote or line break, with quotes doubled — so values read back intact by any CSV reader.
#pragma once

#include <string>
#include <string_view>

namespace ehrtok {

inline std::string csv_quote(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

}  // namespace ehrtok
