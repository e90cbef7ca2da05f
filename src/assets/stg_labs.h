// stg_labs: LAB:<itemid>_<bin> events for the top lab items, including outpatient rows reclaimed
// into the admission that follows them within the reclaim window (SPEC.md asset 8).
#pragma once

#include <cstdint>
#include <functional>

#include "assets/lab_quantiles.h"
#include "assets/staged_events.h"
#include "assets/stg_admissions.h"
#include "assets/top_200_labs.h"
#include "mimic/raw_table.h"

namespace ehrtok {

struct StgLabsOptions {
  int64_t reclaim_window_micros = 24 * 3600 * int64_t{1'000'000};
};

// Values bin into _Q1.._Q<n>, n = the number of lab_quantiles cut points + 1. Rows are decided
// on `threads` threads; the result does not depend on it. `done_reading` is called as soon as
// `labevents` is no longer read, so that the caller can free it.
StagedEvents build_stg_labs(const mimic::RawTable& labevents, const TopLabs& top,
                            const LabQuantiles& quantiles, const StgAdmissions& admissions,
                            CodeBook& codes, const StgLabsOptions& options = {}, int threads = 1,
                            const std::function<void()>& done_reading = {});

}  // namespace ehrtok
