// stg_medications: one MED:<drug> event per prescription (SPEC.md asset 7).
#pragma once

#include "assets/staged_events.h"
#include "mimic/raw_table.h"

namespace ehrtok {

// Rows with drug and hadm_id not NULL, no de-duplication; event_time = starttime;
// seq_num = 1, 2, ... per (subject_id, hadm_id) in order of (starttime NULLs last, file order).
StagedEvents build_stg_medications(const mimic::RawTable& prescriptions, CodeBook& codes);

}  // namespace ehrtok
