#include "assets/events_merged.h"

#include <algorithm>
#include <numeric>

#include "assets/timeline_rows.h"
#include "io/input_error.h"
#include "table/timestamp.h"
#include "util/parallel_for.h"

namespace ehrtok {
namespace {

// Code ranks in byte order of the code text, so that comparing ranks compares codes.
std::vector<uint32_t> code_ranks(const CodeBook& codes) {
  std::vector<uint32_t> by_text(codes.size());
  std::iota(by_text.begin(), by_text.end(), 0);
  std::sort(by_text.begin(), by_text.end(),
            [&](uint32_t a, uint32_t b) { return codes.at(a) < codes.at(b); });
  std::vector<uint32_t> rank(codes.size());
  for (uint32_t r = 0; r < by_text.size(); ++r) rank[by_text[r]] = r;
  return rank;
}

// An event with what orders it within its admission: (time_offset_hours, seq_num, code), then
// stage and row within the stage.
struct SortKey {
  double offset_hours;
  int64_t seq_num;
  uint32_t code_rank;
  MergedEvent event;

  bool operator<(const SortKey& o) const {
    if (offset_hours != o.offset_hours) return offset_hours < o.offset_hours;
    if (seq_num != o.seq_num) return seq_num < o.seq_num;
    if (code_rank != o.code_rank) return code_rank < o.code_rank;
    if (event.type != o.event.type) return event.type < o.event.type;
    return event.source_row < o.event.source_row;
  }
};

// Sorts the events of each admission of [first, last) into timeline order.
void sort_admissions(EventsMerged& out, size_t first, size_t last,
                     const std::vector<const StagedEvents*>& stage_of_type,
                     const std::vector<uint32_t>& code_rank, const Column& admittime) {
  std::vector<SortKey> keys;
  for (size_t a = first; a < last; ++a) {
    const auto begin = out.events.begin() + static_cast<ptrdiff_t>(out.admission_start[a]);
    const auto end = out.events.begin() + static_cast<ptrdiff_t>(out.admission_start[a + 1]);
    if (end - begin < 2) continue;
    keys.clear();
    for (auto e = begin; e != end; ++e)
      keys.push_back({event_offset_hours(e->event_time, admittime, e->admission),
                      stage_of_type[static_cast<size_t>(e->type)]->seq_num[e->source_row],
                      code_rank[e->code], *e});
    std::sort(keys.begin(), keys.end());
    for (size_t k = 0; k < keys.size(); ++k) begin[static_cast<ptrdiff_t>(k)] = keys[k].event;
  }
}

}  // namespace

EventsMerged build_events_merged(const std::vector<const StagedEvents*>& stages,
                                 const StgAdmissions& admissions, const CodeBook& codes,
                                 int threads) {
  EventsMerged out;
  std::vector<const StagedEvents*> stage_of_type(static_cast<size_t>(CodeType::TimeBin) + 1);
  for (const auto* stage : stages) {
    auto& slot = stage_of_type[static_cast<size_t>(stage->type)];
    if (slot) throw std::logic_error("events_merged: two stages of one code type");
    slot = stage;
  }

  // Join: count each admission's events (events of no admission are counted and dropped), then
  // place every event in its admission's range.
  out.admission_start.assign(admissions.size() + 1, 0);
  for (const auto* stage : stages) {
    AdmissionFinder finder(admissions);
    int64_t no_admission = 0;
    for (size_t i = 0; i < stage->size(); ++i) {
      const int64_t rank = finder.rank(stage->hadm_id[i]);
      if (rank < 0)
        ++no_admission;
      else
        ++out.admission_start[static_cast<size_t>(rank) + 1];
    }
    out.counts.rows_in += static_cast<int64_t>(stage->size());
    out.counts.drop(std::string(code_type_name(stage->type)) + ": hadm_id not an admission",
                    no_admission);
  }
  std::partial_sum(out.admission_start.begin(), out.admission_start.end(),
                   out.admission_start.begin());
  out.events.resize(out.admission_start.back());
  std::vector<uint64_t> fill(out.admission_start.begin(), out.admission_start.end() - 1);
  for (const auto* stage : stages) {
    AdmissionFinder finder(admissions);
    for (size_t i = 0; i < stage->size(); ++i) {
      const int64_t rank = finder.rank(stage->hadm_id[i]);
      if (rank < 0) continue;
      out.events[fill[static_cast<size_t>(rank)]++] = {stage->event_time[i], stage->code[i],
                                                       static_cast<uint32_t>(rank),
                                                       static_cast<uint32_t>(i), stage->type};
    }
  }

  const std::vector<uint32_t> rank = code_ranks(codes);
  parallel_for(admissions.size(), threads, [&](size_t first, size_t last) {
    sort_admissions(out, first, last, stage_of_type, rank, admissions.admittime());
  });
  out.counts.rows_out = static_cast<int64_t>(out.events.size());
  return out;
}

void events_merged_rows(Table& table, const EventsMerged& merged, const StgAdmissions& admissions,
                        size_t begin, size_t end, int threads) {
  resize_timeline_rows(table, end - begin, threads);
  parallel_for(end - begin, threads, [&](size_t first, size_t last) {
    for (size_t row = first; row < last; ++row) {
      const size_t i = begin + row;
      const MergedEvent& e = merged.events[i];
      set_timeline_row(
          table, row, e, event_offset_hours(e.event_time, admissions.admittime(), e.admission),
          admissions, static_cast<int64_t>(i - merged.admission_start[e.admission]) + 1);
    }
  });
}

}  // namespace ehrtok
