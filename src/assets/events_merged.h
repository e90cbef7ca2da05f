// events_merged: all staged events joined to their admission and put in timeline order
// (SPEC.md asset 9).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "assets/asset_counts.h"
#include "assets/staged_events.h"
#include "assets/stg_admissions.h"
#include "table/column.h"

namespace ehrtok {

// One event of the timeline. Events are held compactly and turned into output columns one row
// group at a time (events_merged_rows), never as one wide table.
struct MergedEvent {
  double offset_hours;  // time_offset_hours: -0.001 when event_time is NULL
  int64_t seq_num;      // kNullSeq sorts last
  int64_t event_time;   // kNullTime when NULL
  uint32_t code;        // CodeBook id
  uint32_t admission;   // row of stg_admissions
  uint32_t source_row;  // row within its stage: the last tie-break
  CodeType type;
};

struct EventsMerged {
  // Ordered by (subject_id, visit_seq, event_seq); event_seq = position within the admission + 1.
  BigVector<MergedEvent> events;
  // events of admission a are [admission_start[a], admission_start[a + 1]).
  std::vector<uint64_t> admission_start;
  AssetCounts counts;
};

// Joins the stages to stg_admissions on hadm_id (events of no admission are dropped) and orders
// each admission's events by (time_offset_hours, seq_num, code), then stage and file order.
// Admissions are sorted on `threads` threads; the result does not depend on it.
EventsMerged build_events_merged(const std::vector<const StagedEvents*>& stages,
                                 const StgAdmissions& admissions, const CodeBook& codes,
                                 int threads = 1);

// events_merged read back from its stored rows (in (subject_id, visit_seq, event_seq) order),
// one batch (a row group) at a time so that only one batch of columns is held besides the
// events. Codes are interned into `codes`. The stored rows carry no seq_num or stage row, so
// those fields are left at 0: they only order events, and the stored order is already final.
class StoredEventsMerged {
 public:
  StoredEventsMerged(const StgAdmissions& admissions, CodeBook& codes, size_t rows);
  // Appends a batch with at least the columns hadm_id, code, code_type, event_time and
  // time_offset_hours. Throws InputError when a row's admission is unknown or out of order.
  void append(const Table& batch);
  EventsMerged finish();

 private:
  const StgAdmissions& admissions_;
  CodeBook& codes_;
  EventsMerged out_;
};

// Output columns for events [begin, end).
Table events_merged_rows(const EventsMerged& merged, const StgAdmissions& admissions,
                         const std::shared_ptr<const CodeBook>& codes, size_t begin, size_t end);

// time_offset_hours of an event time relative to admittime (SPEC.md): seconds / 3600.0.
double offset_hours(int64_t event_time, int64_t admittime);

}  // namespace ehrtok
