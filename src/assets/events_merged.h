// events_merged: all staged events joined to their admission and put in timeline order
// (SPEC.md asset 9).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "assets/asset_counts.h"
#include "assets/staged_events.h"
#include "assets/stg_admissions.h"
#include "table/column.h"
#include "table/timestamp.h"

namespace ehrtok {

// One event of the timeline, in 24 bytes. Events are held compactly and turned into output
// columns one row group at a time (events_merged_rows), never as one wide table. Its
// time_offset_hours follows from event_time and the admission (event_offset_hours).
struct MergedEvent {
  int64_t event_time;   // kNullTime when NULL
  uint32_t code;        // CodeBook id
  uint32_t admission;   // row of stg_admissions
  uint32_t source_row;  // row within its stage: the last tie-break (0 when read back)
  CodeType type;
};
static_assert(sizeof(MergedEvent) == 24);

// The events of admissions [first_admission, first_admission + admission_start.size() - 1): the
// whole timeline, or one partition of it.
struct EventsMerged {
  // Ordered by (subject_id, visit_seq, event_seq); event_seq = position within the admission + 1.
  BigVector<MergedEvent> events;
  // events of admission first_admission + i are [admission_start[i], admission_start[i + 1]).
  std::vector<uint64_t> admission_start;
  uint32_t first_admission = 0;
  AssetCounts counts;

  // event_seq of events[i].
  int64_t event_seq(size_t i) const {
    return static_cast<int64_t>(i - admission_start[events[i].admission - first_admission]) + 1;
  }
};

// A window of events_merged: the events of admissions [first_admission, first_admission + n), in
// timeline order. Those of admission first_admission + i are events[start[i], start[i + 1]).
// Later assets walk the timeline window by window, whether it is in memory or read back.
struct EventsView {
  const MergedEvent* events = nullptr;
  std::span<const uint64_t> start = {};
  uint32_t first_admission = 0;

  size_t admission_count() const { return start.empty() ? 0 : start.size() - 1; }
  size_t size() const { return start.empty() ? 0 : start.back() - start.front(); }
};

// A stage's events by the admission (row of stg_admissions) each belongs to: those of admission
// first_admission + i are events rows[start[i]], ..., rows[start[i + 1] - 1], in stage order
// (the labs' in seq_num order, see build_stg_labs).
constexpr uint32_t kNoAdmission = UINT32_MAX;
struct JoinedStage {
  const StagedEvents* events = nullptr;
  uint32_t first_admission = 0;
  std::vector<uint64_t> start;
  BigVector<uint32_t> rows;
  int64_t without_admission = 0;  // events of no admission (kNoAdmission), left out
};

// Indexes `stage`'s events by admission[i], which lies in [first, first + count) or is
// kNoAdmission, into `out` (its memory is reused).
void index_by_admission(const StagedEvents& stage, const BigVector<uint32_t>& admission,
                        uint32_t first, size_t count, JoinedStage& out);

// Joins a stage to stg_admissions on hadm_id, looking the events up on `threads` threads.
JoinedStage join_admissions(const StagedEvents& stage, const StgAdmissions& admissions,
                            int threads);

// The events of admissions [first, last) of the joined stages (one per code type), each
// admission's ordered by (time_offset_hours, seq_num, code), then stage and row within the stage.
// `code_rank` orders codes by their text (code_ranks). Admissions are sorted on `threads` threads;
// the result does not depend on it. counts.rows_out only: the caller accounts for the stages.
// `out` is replaced, its memory reused (partitions after the first fault in no fresh pages).
void merge_admissions(const std::vector<const JoinedStage*>& stages,
                      const StgAdmissions& admissions, const std::vector<uint32_t>& code_rank,
                      uint32_t first, uint32_t last, int threads, EventsMerged& out);

// Code ranks in byte order of the code text, so that comparing ranks compares codes.
std::vector<uint32_t> code_ranks(const CodeBook& codes);

// events_merged's accounting of a joined stage: its rows in, those without an admission dropped.
void count_stage(AssetCounts& counts, const JoinedStage& stage);

// Sets rows [at, at + end - begin) of `table` (made by empty_timeline_table("event_seq", ...) and
// at least that long) to the output columns of events [begin, end), on `threads` threads.
void events_merged_rows(Table& table, size_t at, const EventsMerged& merged,
                        const StgAdmissions& admissions, size_t begin, size_t end, int threads = 1);

// time_offset_hours of an event time relative to admittime (SPEC.md): seconds / 3600.0, as one
// correctly rounded division of the exact microsecond count (exact in a double below 2^53 µs,
// 285 years): the same as whole seconds / 3600.0 when the seconds are whole, and the
// reference's quotient when they are not.
inline double offset_hours(int64_t event_time, int64_t admittime) {
  return static_cast<double>(event_time - admittime) / (3600.0 * kMicrosPerSecond);
}

// time_offset_hours of an event of admission row `admission` with admittime column `admittime`:
// -0.001 when the event time or the admittime is NULL.
inline double event_offset_hours(int64_t event_time, const Column& admittime, uint32_t admission) {
  constexpr double kNullOffsetHours = -0.001;
  if (event_time == kNullTime || admittime.is_null(admission)) return kNullOffsetHours;
  return offset_hours(event_time, admittime.ints[admission]);
}

}  // namespace ehrtok
