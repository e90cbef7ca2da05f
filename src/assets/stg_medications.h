// stg_medications: one MED:<drug> event per prescription (SPEC.md asset 7).
#pragma once

#include "assets/staged_events.h"
#include "mimic/raw_table.h"

namespace ehrtok {

// Rows with drug and hadm_id not NULL, no de-duplication; event_time = starttime;
// seq_num = 1, 2, ... per (subject_id, hadm_id) in order of (starttime NULLs last, file order).
// The stage takes over the table's columns (the kept rows moved to their front): the largest
// stage of a run needs no new memory for them (RunState::take_raw hands the table over when no
// later asset reads it).
StagedEvents build_stg_medications(mimic::RawTable prescriptions, CodeBook& codes, int threads = 1);

}  // namespace ehrtok
