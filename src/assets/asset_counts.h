// Row accounting of one asset: rows in, rows out, and rows dropped by each rule, so that a run
// report accounts for every input row.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ehrtok {

struct AssetCounts {
  int64_t rows_in = 0;
  int64_t rows_out = 0;
  // (rule, rows) in the order the rules apply, e.g. {"hadm_id NULL", 12}.
  std::vector<std::pair<std::string, int64_t>> dropped;
  // Other named figures (e.g. reclaimed rows, time-bin tokens added).
  std::vector<std::pair<std::string, int64_t>> notes;

  void drop(const std::string& rule, int64_t rows) { dropped.emplace_back(rule, rows); }
  void note(const std::string& what, int64_t value) { notes.emplace_back(what, value); }
};

}  // namespace ehrtok
