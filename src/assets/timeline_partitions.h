// stg_labs and events_merged made together, one partition of admissions at a time (SPEC.md
// assets 8 and 9): a partition is consecutive LabIntake buckets of admissions (in timeline
// order; a subject's admissions may fall in two partitions), with every lab row routed to them;
// its lab events are made, merged with the other stages' events of its admissions, and handed
// on before the next partition is read. Memory then follows the partition's size, not the
// timeline's; the events are the same whatever the partitions.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "assets/events_merged.h"
#include "assets/lab_intake.h"
#include "assets/stg_labs.h"

namespace ehrtok {

struct TimelineInputs {
  LabIntake& labs;  // with rows (built with admissions)
  const LabCodes& lab_codes;
  // The other stages (diagnoses, procedures, medications), joined to all admissions.
  std::vector<const JoinedStage*> stages;
  const StgAdmissions& admissions;
  CodeBook& codes;
};

// Builds events_merged of consecutive partitions in timeline order into `merged` (each partition
// reusing the previous one's memory) and calls fn with each. A partition is whole buckets holding
// at most `partition_rows` lab rows (a bucket holding more is a partition of its own; 0: one
// partition). Returns how many partitions there were; `merged` then holds the last one, the
// whole timeline when there was one.
size_t merge_by_partition(const TimelineInputs& in, size_t partition_rows, int threads,
                          EventsMerged& merged, const std::function<void(const EventsMerged&)>& fn);

}  // namespace ehrtok
