#include "assets/timeline_partitions.h"

#include <algorithm>

namespace ehrtok {

size_t merge_by_partition(const TimelineInputs& in, size_t partition_rows, int threads,
                          EventsMerged& merged,
                          const std::function<void(const EventsMerged&)>& fn) {
  const size_t buckets = in.labs.bucket_count();                 // at least one
  const std::vector<uint32_t> code_rank = code_ranks(in.codes);  // every code is interned by now
  // Reused from partition to partition: fresh memory costs more than the work on it here.
  BigVector<LabRow> scratch;  // spilled rows read back
  StagedEvents lab_events;
  BigVector<uint32_t> admission;
  JoinedStage labs;
  size_t partitions = 0;
  for (size_t first = 0; first < buckets;) {
    size_t last = first + 1, held = in.labs.bucket_rows(first);
    while (last < buckets &&
           (partition_rows == 0 || held + in.labs.bucket_rows(last) <= partition_rows))
      held += in.labs.bucket_rows(last++);
    const uint32_t first_admission = in.labs.bucket_admissions(first).first;
    const uint32_t last_admission = in.labs.bucket_admissions(last - 1).second;
    const LabRowSpans spans = in.labs.read_partition(first, last, scratch);
    const size_t count = last_admission - first_admission;
    build_stg_labs(spans, in.labs.item_ids(), first_admission, count, in.lab_codes, in.admissions,
                   lab_events, admission, labs, threads, [&] {
                     // The last partition frees the rows for the memory that follows.
                     if (last < buckets) return;
                     in.labs.release_rows();
                     scratch = {};
                   });
    std::vector<const JoinedStage*> stages = in.stages;
    stages.push_back(&labs);
    merge_admissions(stages, in.admissions, code_rank, first_admission, last_admission, threads,
                     merged);
    fn(merged);
    ++partitions;
    first = last;
  }
  return partitions;
}

}  // namespace ehrtok
