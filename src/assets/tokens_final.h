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

// tokens_final as positions: each admission's token count and where its tokens start. The
// tokens themselves (each event, and the time-bin token placed before the first event of each
// new bin) follow from the events and the bins, and are generated as rows are written, so a
// run holds no array of tokens.
struct TokensFinal {
  std::vector<uint64_t> admission_start;  // tokens of admission a: [start[a], start[a + 1])
  TimeBins bins;
  std::vector<uint32_t> bin_codes;  // CodeBook id of each bin name
  AssetCounts counts;

  size_t size() const { return admission_start.back(); }
};

TokensFinal build_tokens_final(const EventsMerged& merged, const StgAdmissions& admissions,
                               CodeBook& codes, const TimeBins& bins = {}, int threads = 1);

// Replaces the rows of `table` (made by empty_timeline_table("final_seq", ...)) with the output
// columns for tokens [begin, end) (events_merged's columns with final_seq), on `threads` threads;
// the table's memory is reused.
void tokens_final_rows(Table& table, const TokensFinal& tokens, const EventsMerged& merged,
                       const StgAdmissions& admissions, size_t begin, size_t end, int threads = 1);

}  // namespace ehrtok
