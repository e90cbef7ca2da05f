// stg_labs: LAB:<itemid>_<bin> events for the top lab items, including outpatient rows reclaimed
// into the admission that follows them within the reclaim window (SPEC.md asset 8).
//
// Which rows it keeps is decided while labevents is read (LabIntake routes each row to its
// admission or counts it as dropped); its events are then made one partition of admissions at a
// time, right before events_merged needs them, so that they are never all held at once.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "assets/events_merged.h"
#include "assets/lab_intake.h"
#include "assets/lab_quantiles.h"
#include "assets/staged_events.h"
#include "assets/stg_admissions.h"
#include "assets/top_200_labs.h"

namespace ehrtok {

struct StgLabsOptions {
  int64_t reclaim_window_micros = 24 * 3600 * int64_t{1'000'000};
};

// The LAB codes of the top items: bins 1..n for values, and one code for a NULL value. Values
// bin into _Q1.._Q<n>, n = the number of lab_quantiles cut points + 1; an item without
// quantiles puts every value in the last bin (SPEC.md). All are interned into the CodeBook when
// made, so that nothing writes to it while partitions are built and written.
class LabCodes {
 public:
  LabCodes(const TopLabs& top, const LabQuantiles& quantiles, CodeBook& book);

  // Slot of a top item, or -1.
  int64_t slot(int64_t itemid) const { return index_.slot(itemid); }
  // The code's key: its item's slot and bin (0 for a NULL value).
  uint32_t key(size_t slot, bool null, double value) const;
  // The CodeBook id of a key.
  uint32_t code(uint32_t key) const { return ids_[key]; }

 private:
  TopItemIndex index_;
  int bins_;
  std::vector<std::vector<double>> cuts_;
  std::vector<uint32_t> ids_;
};

// stg_labs's accounting, from the intake's tallies (SPEC.md: rows of top items kept, with their
// own hadm_id or reclaimed; the others dropped by rule).
AssetCounts stg_labs_counts(const LabItems& items, const TopLabs& top);

// The kept rows of top items whose hadm_id is not an admission: stg_labs keeps them, events_merged
// drops them, and no partition holds them.
int64_t stg_labs_rows_without_admission(const LabItems& items, const TopLabs& top);

// The stg_labs events of a partition's rows (LabIntake::read_partition: file order within an
// admission; admissions [first_admission, first_admission + admission_count); their items'
// itemids in `item_ids`), those of top items,
// with their admission's hadm_id and seq_num per (subject_id, hadm_id) in order of (charttime, file
// order). `admission` receives each event's stg_admissions row, and `joined` the events indexed
// by admission, each admission's in seq_num order (subject_id, charttime, file order): already
// the timeline's order for an admission of one subject whose labs all have a charttime. Rows are
// decided on `threads` threads; the result does not depend on it. `done_reading` is called as soon
// as `rows` is no longer read, so that the caller can free it.
void build_stg_labs(const LabRowSpans& rows, const std::vector<int64_t>& item_ids,
                    uint32_t first_admission, size_t admission_count, const LabCodes& codes,
                    const StgAdmissions& admissions, StagedEvents& out,
                    BigVector<uint32_t>& admission, JoinedStage& joined, int threads = 1,
                    const std::function<void()>& done_reading = {});

}  // namespace ehrtok
