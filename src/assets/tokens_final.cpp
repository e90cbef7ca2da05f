#include "assets/tokens_final.h"

#include <algorithm>
#include <numeric>

#include "assets/timeline_rows.h"
#include "util/parallel_for.h"

namespace ehrtok {

int TimeBins::bin_of(double h) const {
  return static_cast<int>(std::upper_bound(upper_edges.begin(), upper_edges.end(), h) -
                          upper_edges.begin());
}

namespace {

// Calls visit(event index, bin, time_offset_hours) for each token of admission `a` in order:
// bin >= 0 for a bin token (placed before the first event of each new bin, with that event's
// times), -1 for the event itself.
template <class Visit>
void admission_tokens(const EventsMerged& merged, const Column& admittime, const TimeBins& bins,
                      uint32_t a, Visit visit) {
  int previous = -1;
  for (uint64_t e = merged.admission_start[a]; e < merged.admission_start[a + 1]; ++e) {
    const double offset = event_offset_hours(merged.events[e].event_time, admittime, a);
    const int bin = bins.bin_of(offset);
    if (bin != previous) {
      visit(e, bin, offset);
      previous = bin;
    }
    visit(e, -1, offset);
  }
}

}  // namespace

TokensFinal build_tokens_final(const EventsMerged& merged, const StgAdmissions& admissions,
                               CodeBook& codes, const TimeBins& bins, int threads) {
  TokensFinal out;
  out.bins = bins;
  for (const auto& name : bins.names) out.bin_codes.push_back(codes.intern(name));
  const Column& admittime = admissions.admittime();
  const size_t count = merged.admission_start.size() - 1;
  out.admission_start.assign(count + 1, 0);
  parallel_for(count, threads, [&](size_t first, size_t last) {
    for (size_t a = first; a < last; ++a)
      admission_tokens(merged, admittime, bins, static_cast<uint32_t>(a),
                       [&](uint64_t, int, double) { ++out.admission_start[a + 1]; });
  });
  std::partial_sum(out.admission_start.begin(), out.admission_start.end(),
                   out.admission_start.begin());
  const auto events = static_cast<int64_t>(merged.events.size());
  out.counts.rows_in = events;
  out.counts.rows_out = static_cast<int64_t>(out.size());
  out.counts.note("time_bin tokens added", out.counts.rows_out - events);
  return out;
}

void tokens_final_rows(Table& table, const TokensFinal& tokens, const EventsMerged& merged,
                       const StgAdmissions& admissions, size_t begin, size_t end, int threads) {
  resize_timeline_rows(table, end - begin);
  const Column& admittime = admissions.admittime();
  const auto& start = tokens.admission_start;
  parallel_for(end - begin, threads, [&](size_t first_row, size_t last_row) {
    const size_t first = begin + first_row, last = begin + last_row;
    // The admission holding token `first`, then each admission up to token `last`.
    auto a = static_cast<size_t>(std::upper_bound(start.begin(), start.end(), first) -
                                 start.begin() - 1);
    for (; a + 1 < start.size() && start[a] < last; ++a) {
      uint64_t t = start[a];
      admission_tokens(merged, admittime, tokens.bins, static_cast<uint32_t>(a),
                       [&](uint64_t e, int bin, double offset) {
                         if (t >= first && t < last) {
                           MergedEvent event = merged.events[e];
                           if (bin >= 0) {  // a bin token: its event's times, its own code and type
                             event.code = tokens.bin_codes[bin];
                             event.type = CodeType::TimeBin;
                           }
                           set_timeline_row(table, t - begin, event, offset, admissions,
                                            static_cast<int64_t>(t - start[a]) + 1);
                         }
                         ++t;
                       });
    }
  });
}

}  // namespace ehrtok
