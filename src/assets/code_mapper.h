// Maps the interned strings of a raw column (icd_code, drug) to code-book ids with a prefix
// ("DX:", "PR:", "MED:"), building each code string once per distinct value, not once per row.
#pragma once

#include <string>
#include <vector>

#include "assets/staged_events.h"
#include "table/column.h"

namespace ehrtok {

class CodeMapper {
 public:
  CodeMapper(const Column& raw_strings, std::string prefix, CodeBook& book)
      : column_(raw_strings),
        prefix_(std::move(prefix)),
        book_(book),
        ids_(raw_strings.dictionary ? raw_strings.dictionary->size() : 0, kUnmapped) {}

  uint32_t code_of_row(size_t row) {
    uint32_t& id = ids_[column_.codes[row]];
    if (id == kUnmapped) id = book_.intern(prefix_ + std::string(column_.string_at(row)));
    return id;
  }

 private:
  static constexpr uint32_t kUnmapped = UINT32_MAX;
  const Column& column_;
  std::string prefix_;
  CodeBook& book_;
  std::vector<uint32_t> ids_;
};

}  // namespace ehrtok
