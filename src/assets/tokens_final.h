// tokens_final: the timeline with TIME_BIN tokens inserted where the time bin changes
// (SPEC.md asset 10).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "assets/events_merged.h"

namespace ehrtok {

// Bins by time_offset_hours h: bin k is the first whose upper edge is > h; the last bin is open.
struct TimeBins {
  std::vector<double> upper_edges = {0, 1, 6, 24, 72, 168};
  std::vector<std::string> names = {"TIME_PRE",  "TIME_0-1H", "TIME_1-6H", "TIME_6-24H",
                                    "TIME_1-3D", "TIME_3-7D", "TIME_7D+"};

  int bin_of(double offset_hours) const;
};

// A row of tokens_final: an event of events_merged, or the time-bin token placed before it.
struct Token {
  uint32_t event;  // index into EventsMerged::events
  int16_t bin;     // -1: the event itself; otherwise the bin of the token placed before it
};

struct TokensFinal {
  BigVector<Token> tokens;                // ordered by (subject_id, visit_seq, final_seq)
  std::vector<uint64_t> admission_start;  // tokens of admission a: [start[a], start[a + 1])
  std::vector<uint32_t> bin_codes;        // CodeBook id of each bin name
  AssetCounts counts;
};

TokensFinal build_tokens_final(const EventsMerged& merged, const StgAdmissions& admissions,
                               CodeBook& codes, const TimeBins& bins = {}, int threads = 1);

// Replaces the rows of `table` (made by empty_timeline_table("final_seq", ...)) with the output
// columns for tokens [begin, end) (events_merged's columns with final_seq), on `threads` threads;
// the table's memory is reused.
void tokens_final_rows(Table& table, const TokensFinal& tokens, const EventsMerged& merged,
                       const StgAdmissions& admissions, size_t begin, size_t end, int threads = 1);

}  // namespace ehrtok
