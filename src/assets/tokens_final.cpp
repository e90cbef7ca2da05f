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

TimeBinTokens intern_time_bins(const TimeBins& bins, CodeBook& codes) {
  TimeBinTokens tokens{bins, {}};
  for (const auto& name : bins.names) tokens.codes.push_back(codes.intern(name));
  return tokens;
}

namespace {

// Calls visit(event, bin, time_offset_hours) for each token of the window's admission i in
// order: bin >= 0 for a bin token (placed before the first event of each new bin, with that
// event's times), -1 for the event itself.
template <class Visit>
void admission_tokens(const EventsView& events, const Column& admittime, const TimeBins& bins,
                      size_t i, Visit visit) {
  int previous = -1;
  for (uint64_t e = events.start[i]; e < events.start[i + 1]; ++e) {
    const MergedEvent& event = events.events[e];
    const double offset = event_offset_hours(event.event_time, admittime, event.admission);
    const int bin = bins.bin_of(offset);
    if (bin != previous) {
      visit(event, bin, offset);
      previous = bin;
    }
    visit(event, -1, offset);
  }
}

// The window's admission holding token `token`.
size_t admission_holding(const TokensFinal& tokens, size_t token) {
  const auto& start = tokens.admission_start;
  return static_cast<size_t>(std::upper_bound(start.begin(), start.end(), token) - start.begin() -
                             1);
}

// Calls fn(i, from, to) for each of the window's admissions i with tokens in [begin, end): its
// tokens [from, to) there, in order.
template <class Fn>
void for_each_admission_range(const TokensFinal& tokens, size_t begin, size_t end, Fn fn) {
  const auto& start = tokens.admission_start;
  for (size_t i = admission_holding(tokens, begin); i + 1 < start.size() && start[i] < end; ++i) {
    const uint64_t from = std::max<uint64_t>(start[i], begin);
    const uint64_t to = std::min<uint64_t>(start[i + 1], end);
    if (from < to) fn(i, from, to);
  }
}

}  // namespace

TokensFinal build_tokens_final(const EventsView& events, const TimeBinTokens& bins,
                               const StgAdmissions& admissions, int threads) {
  TokensFinal out{events, &bins, {}};
  const Column& admittime = admissions.admittime();
  const size_t count = events.admission_count();
  out.admission_start.assign(count + 1, 0);
  parallel_for(count, threads, [&](size_t first, size_t last) {
    for (size_t i = first; i < last; ++i)
      admission_tokens(events, admittime, bins.bins, i,
                       [&](const MergedEvent&, int, double) { ++out.admission_start[i + 1]; });
  });
  std::partial_sum(out.admission_start.begin(), out.admission_start.end(),
                   out.admission_start.begin());
  return out;
}

void tokens_final_event_rows(Table& table, size_t first_row, const TokensFinal& tokens,
                             const StgAdmissions& admissions, size_t begin, size_t end,
                             int threads) {
  const Column& admittime = admissions.admittime();
  parallel_for(end - begin, threads, [&](size_t first_token, size_t last_token) {
    for_each_admission_range(
        tokens, begin + first_token, begin + last_token, [&](size_t i, size_t from, size_t to) {
          uint64_t t = tokens.admission_start[i];
          const uint64_t admission_first = t;
          admission_tokens(tokens.events, admittime, tokens.bins->bins, i,
                           [&](const MergedEvent& e, int bin, double offset) {
                             if (t >= from && t < to) {
                               MergedEvent event = e;
                               if (bin >= 0) {  // a bin token: its event's times, its own code
                                 event.code = tokens.bins->codes[bin];
                                 event.type = CodeType::TimeBin;
                               }
                               set_event_row(table, first_row + (t - begin), event, offset,
                                             static_cast<int64_t>(t - admission_first) + 1);
                             }
                             ++t;
                           });
        });
  });
}

TokensFinalFile::TokensFinalFile(const std::string& path,
                                 const std::shared_ptr<const CodeBook>& codes,
                                 size_t row_group_rows, int threads)
    : TokensFinalFile(path, codes, row_group_rows, parquet::WriterOptions{.threads = threads}) {}

TokensFinalFile::TokensFinalFile(const std::string& path,
                                 const std::shared_ptr<const CodeBook>& codes,
                                 size_t row_group_rows, parquet::WriterOptions options)
    : writer_(path, timeline_schema("final_seq"), options),
      rows_(empty_timeline_table("final_seq", codes)),
      row_group_rows_(std::max<size_t>(row_group_rows, 1)),
      threads_(options.threads) {}

void TokensFinalFile::append(const TokensFinal& tokens, const StgAdmissions& admissions) {
  write_range(tokens, admissions, 0, tokens.size());
  counts_.rows_in += static_cast<int64_t>(tokens.events.size());
  counts_.rows_out += static_cast<int64_t>(tokens.size());
}

void TokensFinalFile::write_range(const TokensFinal& tokens, const StgAdmissions& admissions,
                                  size_t first, size_t last) {
  for (size_t begin = first; begin < last;) {
    const size_t end = std::min(last, begin + (row_group_rows_ - filled_));
    // The event columns only grow: rows are overwritten, never zeroed again.
    if (rows_.columns[kFirstEventColumn].size() < filled_ + (end - begin))
      resize_timeline_columns(rows_, kFirstEventColumn, rows_.columns.size(),
                              filled_ + (end - begin), threads_);
    tokens_final_event_rows(rows_, filled_, tokens, admissions, begin, end, threads_);
    add_admission_runs(tokens, admissions, begin, end);
    filled_ += end - begin;
    if (filled_ == row_group_rows_) write_rows();
    begin = end;
  }
}

void TokensFinalFile::finish() {
  if (filled_ > 0) write_rows();
  writer_.finish();
  counts_.note("time_bin tokens added", counts_.rows_out - counts_.rows_in);
}

void TokensFinalFile::add_admission_runs(const TokensFinal& tokens, const StgAdmissions& admissions,
                                         size_t begin, size_t end) {
  // Each admission comes once: windows hold whole subjects, and a row group's end starts new runs.
  for_each_admission_range(tokens, begin, end, [&](size_t i, size_t from, size_t to) {
    const uint32_t admission = tokens.events.first_admission + static_cast<uint32_t>(i);
    runs_.push_back(static_cast<uint32_t>(to - from));
    if (const size_t held = rows_.columns[0].size(); runs_.size() > held)
      resize_timeline_columns(rows_, 0, kFirstEventColumn, std::max<size_t>(2 * held, 64));
    set_admission_rows(rows_, runs_.size() - 1, 1, admission, admissions);
  });
}

void TokensFinalFile::write_rows() {
  std::vector<ColumnSlice> slices;
  for (size_t i = 0; i < rows_.columns.size(); ++i) {
    if (i < kFirstEventColumn)
      slices.push_back({&rows_.columns[i], 0, filled_, runs_});
    else
      slices.push_back({&rows_.columns[i], 0, filled_});
  }
  writer_.write_row_group(slices);
  filled_ = 0;
  runs_.clear();
}

}  // namespace ehrtok
