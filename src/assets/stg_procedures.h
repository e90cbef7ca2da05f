// stg_procedures: one PR:<icd_code> event per procedure row, at chartdate 00:00:00
// (SPEC.md asset 6).
#pragma once

#include "assets/staged_events.h"
#include "mimic/raw_table.h"

namespace ehrtok {

// Rows with icd_code and hadm_id not NULL; seq_num from the file.
StagedEvents build_stg_procedures(const mimic::RawTable& procedures, CodeBook& codes);

}  // namespace ehrtok
