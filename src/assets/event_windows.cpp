#include "assets/event_windows.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "io/input_error.h"

namespace ehrtok {

void for_each_subject_window(const EventsView& events, const StgAdmissions& admissions,
                             size_t window_events, const EventsWindowFn& fn) {
  const auto start = events.start;
  const int64_t* subject = admissions.subject_id().data() + events.first_admission;
  const size_t count = events.admission_count();
  for (size_t first = 0; first < count;) {
    const uint64_t target = start[first] + std::max<size_t>(window_events, 1);
    size_t last = first + 1;
    while (last < count && (start[last] < target || subject[last] == subject[last - 1])) ++last;
    const EventsView view{events.events, start.subspan(first, last - first + 1),
                          events.first_admission + static_cast<uint32_t>(first)};
    if (view.size() > 0) fn(view);
    first = last;
  }
}

void for_each_subject_window(const EventsMerged& merged, const StgAdmissions& admissions,
                             size_t window_events, const EventsWindowFn& fn) {
  for_each_subject_window(
      EventsView{merged.events.data(), merged.admission_start, merged.first_admission}, admissions,
      window_events, fn);
}

PartitionEventWindows::PartitionEventWindows(const StgAdmissions& admissions, size_t window_events)
    : admissions_(admissions), window_events_(window_events) {}

void PartitionEventWindows::append(const EventsMerged& part, const EventsWindowFn& fn) {
  const std::vector<uint64_t>& start = part.admission_start;
  const size_t count = start.size() - 1;
  if (count == 0) return;
  const int64_t* subject = admissions_.subject_id().data() + part.first_admission;
  // The subject left open by the partition before takes this one's first admissions of its own.
  size_t first = 0;
  if (!open_start_.empty()) {
    const int64_t open_subject = admissions_.subject_id()[open_first_admission_];
    while (first < count && subject[first] == open_subject) ++first;
    keep_open(part, 0, first);
    if (first == count) return;  // and goes on in the next
    hand_out_open(fn);
  }
  // This partition's last subject may go on in the next.
  size_t closed = count;
  while (closed > first && subject[closed - 1] == subject[count - 1]) --closed;
  for_each_subject_window(
      EventsView{part.events.data(), std::span(start).subspan(first, closed - first + 1),
                 part.first_admission + static_cast<uint32_t>(first)},
      admissions_, window_events_, fn);
  open_first_admission_ = part.first_admission + static_cast<uint32_t>(closed);
  keep_open(part, closed, count);
}

void PartitionEventWindows::finish(const EventsWindowFn& fn) { hand_out_open(fn); }

void PartitionEventWindows::keep_open(const EventsMerged& part, size_t first, size_t last) {
  if (first == last) return;
  if (open_start_.empty()) open_start_.push_back(0);
  const std::vector<uint64_t>& start = part.admission_start;
  for (size_t a = first; a < last; ++a) {
    open_events_.insert(open_events_.end(), part.events.begin() + static_cast<ptrdiff_t>(start[a]),
                        part.events.begin() + static_cast<ptrdiff_t>(start[a + 1]));
    open_start_.push_back(open_events_.size());
  }
}

void PartitionEventWindows::hand_out_open(const EventsWindowFn& fn) {
  if (open_start_.empty()) return;
  const EventsView view{open_events_.data(), open_start_, open_first_admission_};
  if (view.size() > 0) fn(view);
  open_events_.clear();
  open_start_.clear();
}

StoredEventWindows::StoredEventWindows(const StgAdmissions& admissions, CodeBook& codes)
    : admissions_(admissions), codes_(codes) {}

void StoredEventWindows::append(const Table& batch) {
  const auto& hadm = batch.column("hadm_id");
  const auto& code = batch.column("code");
  const auto& code_type = batch.column("code_type");
  const auto& event_time = batch.column("event_time");
  // Each distinct string of the batch is interned once, not once per row.
  std::vector<uint32_t> code_ids(code.dictionary ? code.dictionary->size() : 0, UINT32_MAX);
  std::vector<int> type_of(code_type.dictionary ? code_type.dictionary->size() : 0, -1);
  for (size_t t = 0; t < type_of.size(); ++t)
    for (auto k : {CodeType::Diagnosis, CodeType::Procedure, CodeType::Medication, CodeType::Lab})
      if (code_type.dictionary->at(static_cast<uint32_t>(t)) == code_type_name(k))
        type_of[t] = static_cast<int>(k);

  // Grown by a quarter beyond the need: each batch then reuses the memory of the last one.
  if (const size_t need = events_.size() + batch.num_rows(); need > events_.capacity())
    events_.reserve(need + need / 4);
  AdmissionFinder finder(admissions_);
  for (size_t i = 0; i < batch.num_rows(); ++i) {
    const size_t row = ++rows_seen_;
    const int64_t rank = hadm.is_null(i) ? -1 : finder.rank(hadm.ints[i]);
    if (rank < 0 || code.is_null(i) || code_type.is_null(i) || type_of[code_type.codes[i]] < 0)
      throw InputError("events_merged: stored row " + std::to_string(row) +
                       " has no admission, no code or an unknown code_type");
    if (static_cast<uint32_t>(rank) < last_admission_)
      throw InputError("events_merged: stored rows are not in admission order at row " +
                       std::to_string(row));
    last_admission_ = static_cast<uint32_t>(rank);
    uint32_t& id = code_ids[code.codes[i]];
    if (id == UINT32_MAX) id = codes_.intern(code.string_at(i));
    events_.push_back({.event_time = value_or(event_time, i, kNullTime),
                       .code = id,
                       .admission = static_cast<uint32_t>(rank),
                       .source_row = 0,
                       .type = static_cast<CodeType>(type_of[code_type.codes[i]])});
  }
}

void StoredEventWindows::hand_out(const EventsWindowFn& fn, bool last) {
  if (events_.empty()) return;
  size_t whole = events_.size();
  if (!last) {
    const auto& subject = admissions_.subject_id();
    const int64_t open = subject[events_.back().admission];
    while (whole > 0 && subject[events_[whole - 1].admission] == open) --whole;
  }
  hand_out_first(whole, fn);
}

void StoredEventWindows::hand_out_first(size_t count, const EventsWindowFn& fn) {
  if (count == 0) return;
  const uint32_t first = events_[0].admission;
  start_.assign(events_[count - 1].admission - first + 2, 0);
  for (size_t i = 0; i < count; ++i) ++start_[events_[i].admission - first + 1];
  std::partial_sum(start_.begin(), start_.end(), start_.begin());
  fn(EventsView{events_.data(), start_, first});
  std::copy(events_.begin() + static_cast<ptrdiff_t>(count), events_.end(), events_.begin());
  events_.resize(events_.size() - count);
}

}  // namespace ehrtok
