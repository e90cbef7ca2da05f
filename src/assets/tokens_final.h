// tokens_final: the timeline with TIME_BIN tokens inserted where the time bin changes
// (SPEC.md asset 10), built and written window by window of events_merged (event_windows.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "assets/events_merged.h"
#include "parquet/parquet_writer.h"

namespace ehrtok {

// Bins by time_offset_hours h: bin k is the first whose upper edge is > h; the last bin is open.
struct TimeBins {
  std::vector<double> upper_edges = {0, 1, 6, 24, 72, 168};
  std::vector<std::string> names = {"TIME_PRE",  "TIME_0-1H", "TIME_1-6H", "TIME_6-24H",
                                    "TIME_1-3D", "TIME_3-7D", "TIME_7D+"};

  int bin_of(double offset_hours) const;
};

// The bins and the CodeBook id of each bin name: what a bin token is made of.
struct TimeBinTokens {
  TimeBins bins;
  std::vector<uint32_t> codes;
};

TimeBinTokens intern_time_bins(const TimeBins& bins, CodeBook& codes);

// The tokens of a window of events_merged as positions: where each admission's tokens start.
// The tokens themselves (each event, and the time-bin token placed before the first event of
// each new bin) follow from the events and the bins, and are generated as rows are written, so
// a run holds no array of tokens.
struct TokensFinal {
  EventsView events;
  const TimeBinTokens* bins = nullptr;
  // Tokens of admission events.first_admission + i: [admission_start[i], admission_start[i + 1]).
  std::vector<uint64_t> admission_start;

  size_t size() const { return admission_start.back(); }
};

TokensFinal build_tokens_final(const EventsView& events, const TimeBinTokens& bins,
                               const StgAdmissions& admissions, int threads = 1);

// Sets rows [first_row, first_row + end - begin) of the event columns (code to final_seq) of
// `table` (made by empty_timeline_table("final_seq", ...) and resized to hold them) to tokens
// [begin, end) of the window, on `threads` threads. The admission's columns are left alone.
void tokens_final_event_rows(Table& table, size_t first_row, const TokensFinal& tokens,
                             const StgAdmissions& admissions, size_t begin, size_t end,
                             int threads = 1);

// The tokens_final Parquet file, written window by window in row groups of `row_group_rows`
// tokens (the file does not depend on the windows). The caller renames it when finished. An
// admission's columns (subject_id to days_since_prior_admission) are the same for all of its
// tokens: they are held once per admission in the row group and written as runs.
class TokensFinalFile {
 public:
  TokensFinalFile(const std::string& path, const std::shared_ptr<const CodeBook>& codes,
                  size_t row_group_rows, int threads);
  TokensFinalFile(const std::string& path, const std::shared_ptr<const CodeBook>& codes,
                  size_t row_group_rows, parquet::WriterOptions options);
  // Writes the window's tokens, counted in counts().
  void append(const TokensFinal& tokens, const StgAdmissions& admissions);
  // Writes the window's tokens [first, last) only, uncounted (a patient's file of the export).
  void write_range(const TokensFinal& tokens, const StgAdmissions& admissions, size_t first,
                   size_t last);
  void finish();
  const AssetCounts& counts() const { return counts_; }

 private:
  void add_admission_runs(const TokensFinal& tokens, const StgAdmissions& admissions, size_t begin,
                          size_t end);
  void write_rows();

  parquet::FileWriter writer_;
  // The row group being filled: the first filled_ rows of the event columns, and one row per
  // run of the admission columns.
  Table rows_;
  size_t filled_ = 0;
  std::vector<uint32_t> runs_;  // tokens per run
  size_t row_group_rows_;
  int threads_;
  AssetCounts counts_;
};

}  // namespace ehrtok
