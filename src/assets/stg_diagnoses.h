// stg_diagnoses: one DX:<icd_code> event per diagnosis row (SPEC.md asset 5).
#pragma once

#include "assets/staged_events.h"
#include "mimic/raw_table.h"

namespace ehrtok {

// Rows with icd_code not NULL; event_time NULL; seq_num from the file.
StagedEvents build_stg_diagnoses(const mimic::RawTable& diagnoses, CodeBook& codes);

}  // namespace ehrtok
