#include "assets/timeline_partitions.h"

#include <algorithm>
#include <future>

namespace ehrtok {

size_t merge_by_partition(const TimelineInputs& in, size_t partition_rows, int threads,
                          EventsMerged& merged,
                          const std::function<void(const EventsMerged&)>& fn) {
  const size_t buckets = in.labs.bucket_count();                 // at least one
  const std::vector<uint32_t> code_rank = code_ranks(in.codes);  // every code is interned by now
  // The end of the partition that starts at bucket `first`.
  const auto partition_end = [&](size_t first) {
    size_t last = first + 1, held = in.labs.bucket_rows(first);
    while (last < buckets &&
           (partition_rows == 0 || held + in.labs.bucket_rows(last) <= partition_rows))
      held += in.labs.bucket_rows(last++);
    return last;
  };
  // Reused from partition to partition: fresh memory costs more than the work on it here. The
  // spilled rows of the next partition are read on another thread while this one is built.
  LabRowScratch scratch, next_scratch;
  StagedEvents lab_events;
  BigVector<uint32_t> admission;
  JoinedStage labs;
  size_t partitions = 0;
  size_t first = 0, last = partition_end(0);
  LabRowSpans spans = in.labs.read_partition(first, last, scratch);
  std::future<LabRowSpans> next_spans;  // after the scratch it reads into
  while (first < buckets) {
    const size_t next_first = last, next_last = last < buckets ? partition_end(last) : buckets;
    if (next_first < buckets)
      next_spans = std::async(std::launch::async, [&in, &next_scratch, next_first, next_last] {
        return in.labs.read_partition(next_first, next_last, next_scratch);
      });
    const uint32_t first_admission = in.labs.bucket_admissions(first).first;
    const uint32_t last_admission = in.labs.bucket_admissions(last - 1).second;
    const size_t count = last_admission - first_admission;
    build_stg_labs(spans, in.labs.item_ids(), first_admission, count, in.lab_codes, in.admissions,
                   lab_events, admission, labs, threads, [&] {
                     // The last partition frees the rows for the memory that follows.
                     if (last < buckets) return;
                     in.labs.release_rows();
                     LabRowScratch().swap(scratch);
                     LabRowScratch().swap(next_scratch);
                   });
    std::vector<const JoinedStage*> stages = in.stages;
    stages.push_back(&labs);
    merge_admissions(stages, in.admissions, code_rank, first_admission, last_admission, threads,
                     merged);
    fn(merged);
    ++partitions;
    if (next_spans.valid()) {
      spans = next_spans.get();
      std::swap(scratch, next_scratch);  // the buffers change hands, the spans stay valid
    }
    first = next_first;
    last = next_last;
  }
  return partitions;
}

}  // namespace ehrtok
