// Interned strings: each distinct string is stored once and referred to by a dense uint32 code,
// in order of first insertion (so codes are deterministic for a deterministic insertion order).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

namespace ehrtok {

class StringDictionary {
 public:
  // The code of `s`, inserting it if new.
  uint32_t intern(std::string_view s);
  // The code of `s`, or -1 when absent.
  int64_t find(std::string_view s) const;
  std::string_view at(uint32_t code) const { return strings_[code]; }
  size_t size() const { return strings_.size(); }

 private:
  std::deque<std::string> strings_;  // deque: views into it stay valid as it grows
  absl::flat_hash_map<std::string_view, uint32_t> index_;
};

}  // namespace ehrtok
