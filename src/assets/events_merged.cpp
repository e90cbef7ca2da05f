#include "assets/events_merged.h"

#include <algorithm>
#include <numeric>

#include "assets/timeline_rows.h"
#include "io/input_error.h"
#include "table/timestamp.h"
#include "util/counting_sort.h"
#include "util/parallel_for.h"

namespace ehrtok {
namespace {

// What orders an event within its admission: (time_offset_hours, seq_num, code), then stage and
// row within the stage, which only the event itself (at `at` in the admission) tells
// (timeline_before). 24 bytes, so that the sort moves keys, not events.
struct SortKey {
  double offset_hours;
  int64_t seq_num;
  uint32_t code_rank;
  uint32_t at;
};

bool timeline_before(const SortKey& x, const SortKey& y, const MergedEvent* events) {
  if (x.offset_hours != y.offset_hours) return x.offset_hours < y.offset_hours;
  if (x.seq_num != y.seq_num) return x.seq_num < y.seq_num;
  if (x.code_rank != y.code_rank) return x.code_rank < y.code_rank;
  const MergedEvent& ex = events[x.at];
  const MergedEvent& ey = events[y.at];
  if (ex.type != ey.type) return ex.type < ey.type;
  return ex.source_row < ey.source_row;
}

// Sorts the events of each admission of [first, last) into timeline order. The events come
// stage by stage, the labs last and, for an admission of one subject whose labs all have a
// charttime (a NULL one comes last by seq_num, at -0.001 h on the timeline), in timeline order
// (by seq_num): the longest ordered tail is kept as it is and merged with the sorted rest.
void sort_admissions(EventsMerged& out, size_t first, size_t last,
                     const std::vector<const StagedEvents*>& stage_of_type,
                     const std::vector<uint32_t>& code_rank, const Column& admittime) {
  std::vector<SortKey> keys, merged;
  std::vector<MergedEvent> sorted;
  for (size_t a = first; a < last; ++a) {
    MergedEvent* const events = out.events.data() + out.admission_start[a];
    const auto count = static_cast<uint32_t>(out.admission_start[a + 1] - out.admission_start[a]);
    if (count < 2) continue;
    keys.resize(count);
    for (uint32_t i = 0; i < count; ++i) {
      const MergedEvent& e = events[i];
      keys[i] = {event_offset_hours(e.event_time, admittime, e.admission),
                 stage_of_type[static_cast<size_t>(e.type)]->seq_num[e.source_row],
                 code_rank[e.code], i};
    }
    const auto before = [events](const SortKey& x, const SortKey& y) {
      return timeline_before(x, y, events);
    };
    uint32_t tail = count - 1;  // keys[tail, count) are in order
    while (tail > 0 && before(keys[tail - 1], keys[tail])) --tail;
    if (tail == 0) continue;
    std::sort(keys.begin(), keys.begin() + tail, before);
    merged.resize(count);
    std::merge(keys.begin(), keys.begin() + tail, keys.begin() + tail, keys.end(), merged.begin(),
               before);
    sorted.resize(count);
    for (uint32_t k = 0; k < count; ++k) sorted[k] = events[merged[k].at];
    std::copy(sorted.begin(), sorted.end(), events);
  }
}

}  // namespace

std::vector<uint32_t> code_ranks(const CodeBook& codes) {
  std::vector<uint32_t> by_text(codes.size());
  std::iota(by_text.begin(), by_text.end(), 0);
  std::sort(by_text.begin(), by_text.end(),
            [&](uint32_t a, uint32_t b) { return codes.at(a) < codes.at(b); });
  std::vector<uint32_t> rank(codes.size());
  for (uint32_t r = 0; r < by_text.size(); ++r) rank[by_text[r]] = r;
  return rank;
}

void index_by_admission(const StagedEvents& stage, const BigVector<uint32_t>& admission,
                        uint32_t first, size_t count, JoinedStage& out) {
  out.events = &stage;
  out.first_admission = first;
  // kNoAdmission - first is never below count: those events are left out.
  order_by_key(
      admission.size(), count, [&](size_t i) { return admission[i] - first; }, out.start, out.rows);
  out.without_admission = static_cast<int64_t>(admission.size() - out.start.back());
}

JoinedStage join_admissions(const StagedEvents& stage, const StgAdmissions& admissions,
                            int threads) {
  BigVector<uint32_t> admission(stage.size());
  parallel_for(stage.size(), threads, [&](size_t begin, size_t end) {
    AdmissionFinder finder(admissions);
    for (size_t i = begin; i < end; ++i) {
      const int64_t rank = finder.rank(stage.hadm_id[i]);
      admission[i] = rank < 0 ? kNoAdmission : static_cast<uint32_t>(rank);
    }
  });
  JoinedStage out;
  index_by_admission(stage, admission, 0, admissions.size(), out);
  return out;
}

void count_stage(AssetCounts& counts, const JoinedStage& stage) {
  counts.rows_in += static_cast<int64_t>(stage.events->size());
  counts.drop(std::string(code_type_name(stage.events->type)) + ": hadm_id not an admission",
              stage.without_admission);
}

void merge_admissions(const std::vector<const JoinedStage*>& stages,
                      const StgAdmissions& admissions, const std::vector<uint32_t>& code_rank,
                      uint32_t first, uint32_t last, int threads, EventsMerged& out) {
  out.first_admission = first;
  out.counts = {};
  std::vector<const StagedEvents*> stage_of_type(static_cast<size_t>(CodeType::TimeBin) + 1);
  for (const auto* stage : stages) {
    auto& slot = stage_of_type[static_cast<size_t>(stage->events->type)];
    if (slot) throw std::logic_error("events_merged: two stages of one code type");
    slot = stage->events;
  }

  // Each admission's events: those of each stage in turn, in stage order.
  const auto stage_rows = [&](const JoinedStage& stage, uint32_t a) {
    const size_t i = a - stage.first_admission;
    return std::span(stage.rows.data() + stage.start[i], stage.start[i + 1] - stage.start[i]);
  };
  out.admission_start.assign(last - first + 1, 0);
  for (uint32_t a = first; a < last; ++a) {
    uint64_t n = 0;
    for (const auto* stage : stages) n += stage_rows(*stage, a).size();
    out.admission_start[a - first + 1] = out.admission_start[a - first] + n;
  }
  resize_for_overwrite(out.events, out.admission_start.back());
  parallel_for(last - first, threads, [&](size_t begin, size_t end) {
    size_t o = out.admission_start[begin];
    for (auto a = static_cast<uint32_t>(first + begin); a < first + end; ++a)
      for (const auto* stage : stages) {
        const StagedEvents& events = *stage->events;
        for (uint32_t i : stage_rows(*stage, a))
          out.events[o++] = {events.event_time[i], events.code[i], a, i, events.type};
      }
    sort_admissions(out, begin, end, stage_of_type, code_rank, admissions.admittime());
  });
  out.counts.rows_out = static_cast<int64_t>(out.events.size());
}

void events_merged_rows(Table& table, size_t at, const EventsMerged& merged,
                        const StgAdmissions& admissions, size_t begin, size_t end, int threads) {
  parallel_for(end - begin, threads, [&](size_t first, size_t last) {
    for (size_t row = first; row < last; ++row) {
      const size_t i = begin + row;
      const MergedEvent& e = merged.events[i];
      set_timeline_row(table, at + row, e,
                       event_offset_hours(e.event_time, admissions.admittime(), e.admission),
                       admissions, merged.event_seq(i));
    }
  });
}

}  // namespace ehrtok
