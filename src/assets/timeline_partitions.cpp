#include "assets/timeline_partitions.h"

#include <algorithm>

namespace ehrtok {

size_t merge_by_partition(const TimelineInputs& in, size_t partition_rows, int threads,
                          const std::function<void(EventsMerged&&)>& fn) {
  const size_t buckets = in.labs.bucket_count(), admissions = in.admissions.size();
  std::vector<uint32_t> code_rank;
  BigVector<LabRow> scratch;  // spilled rows read back
  size_t partitions = 0;
  for (size_t first = 0; first < std::max<size_t>(buckets, 1);) {
    size_t last = first + 1, held = in.labs.bucket_count() ? in.labs.bucket_rows(first) : 0;
    while (last < buckets &&
           (partition_rows == 0 || held + in.labs.bucket_rows(last) <= partition_rows))
      held += in.labs.bucket_rows(last++);
    const uint32_t first_admission = buckets ? in.labs.bucket_admissions(first).first : 0;
    const uint32_t last_admission =
        buckets ? in.labs.bucket_admissions(last - 1).second : static_cast<uint32_t>(admissions);
    const LabRowSpans spans =
        buckets ? in.labs.read_partition(first, last, scratch) : LabRowSpans{};
    JoinedStage labs;
    const StagedEvents lab_events =
        build_stg_labs(spans, first_admission, last_admission - first_admission, in.lab_codes,
                       in.admissions, labs.admission, threads, [&] {
                         // The last partition frees the rows for the memory that follows.
                         if (last < buckets) return;
                         in.labs.release_rows();
                         scratch = {};
                       });
    labs.events = &lab_events;
    // Codes are ranked by their text; a partition may bring new lab codes.
    if (code_rank.size() != in.codes.size()) code_rank = code_ranks(in.codes);
    std::vector<const JoinedStage*> stages = in.stages;
    stages.push_back(&labs);
    fn(merge_admissions(stages, in.admissions, code_rank, first_admission, last_admission,
                        threads));
    ++partitions;
    first = last;
  }
  return partitions;
}

}  // namespace ehrtok
