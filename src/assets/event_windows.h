// events_merged cut into windows of whole subjects, for the assets that walk the timeline after
// it (tokens_final, export_tokens). A window holds every event of its subjects, so a subject's
// tokens and its patient file never straddle two windows; windows come in timeline order.
//
// The timeline comes from memory when the run built events_merged, and is read back from its
// stored rows otherwise: then only one window of events is held at a time, whatever the size of
// the timeline (a rerun after a time-bin change at --scale 0.1 held 320 MB of events before).
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "assets/events_merged.h"
#include "table/column.h"

namespace ehrtok {

// Called with each window in turn. The window's memory is valid during the call only. When
// windows are read back, codes are interned into the run's CodeBook between calls: whatever fn
// starts must have stopped reading the CodeBook (and the window) when fn returns.
using EventsWindowFn = std::function<void(const EventsView&)>;

// Calls fn for consecutive windows of whole subjects of `merged`, each ending at the first
// subject boundary at or after `window_events` events (the last one shorter). No window is
// empty; an empty timeline has none.
void for_each_subject_window(const EventsMerged& merged, const StgAdmissions& admissions,
                             size_t window_events, const EventsWindowFn& fn);
// The same over the admissions of `events` (whole subjects).
void for_each_subject_window(const EventsView& events, const StgAdmissions& admissions,
                             size_t window_events, const EventsWindowFn& fn);

// events_merged as its partitions are built (timeline_partitions.h), in windows of whole
// subjects: a partition's last subject may go on in the next, so its events wait for the next
// partition (or finish()). The assets that walk the timeline then need not read it back.
class PartitionEventWindows {
 public:
  PartitionEventWindows(const StgAdmissions& admissions, size_t window_events);
  // Calls fn for the windows of the subjects that end in `part` (the partitions in order).
  void append(const EventsMerged& part, const EventsWindowFn& fn);
  // After the last partition: the subject still open.
  void finish(const EventsWindowFn& fn);

 private:
  // Keeps admissions [first, last) of `part` with the open subject's.
  void keep_open(const EventsMerged& part, size_t first, size_t last);
  void hand_out_open(const EventsWindowFn& fn);

  const StgAdmissions& admissions_;
  size_t window_events_;
  BigVector<MergedEvent> open_events_;  // the open subject's events
  std::vector<uint64_t> open_start_;    // where its admissions start; empty: no open subject
  uint32_t open_first_admission_ = 0;
};

// events_merged read back from its stored rows (in (subject_id, visit_seq, event_seq) order),
// one batch (a row group) at a time: each batch's whole subjects are handed out as a window, the
// events of the subject still open at its end are kept for the next. Codes are interned into
// `codes`. The stored rows carry no stage row, so source_row is left at 0: it only orders
// events, and the stored order is already final.
class StoredEventWindows {
 public:
  StoredEventWindows(const StgAdmissions& admissions, CodeBook& codes);
  // Appends a batch with at least the columns hadm_id, code, code_type and event_time. Throws
  // InputError when a row's admission is unknown or out of order.
  void append(const Table& batch);
  // Calls fn for the window of the subjects appended whole so far (the last one appended may go
  // on in the next batch, unless `last`), if there are any.
  void hand_out(const EventsWindowFn& fn, bool last = false);

 private:
  void hand_out_first(size_t count, const EventsWindowFn& fn);

  const StgAdmissions& admissions_;
  CodeBook& codes_;
  size_t rows_seen_ = 0;
  uint32_t last_admission_ = 0;
  BigVector<MergedEvent> events_;  // of subjects not handed out yet
  std::vector<uint64_t> start_;
};

}  // namespace ehrtok
