#include "assets/events_merged_file.h"

#include <algorithm>

#include "assets/timeline_rows.h"

namespace ehrtok {

EventsMergedFile::EventsMergedFile(const std::string& path,
                                   const std::shared_ptr<const CodeBook>& codes,
                                   size_t row_group_rows, int threads)
    : writer_(path, timeline_schema("event_seq"), {.threads = threads}),
      rows_(empty_timeline_table("event_seq", codes)),
      encoding_(rows_),
      row_group_rows_(std::max<size_t>(row_group_rows, 1)),
      threads_(threads) {}

EventsMergedFile::~EventsMergedFile() {
  if (encoded_.valid()) encoded_.wait();
}

void EventsMergedFile::append(const EventsMerged& part, const StgAdmissions& admissions) {
  for (size_t begin = 0; begin < part.events.size();) {
    const size_t end = std::min(part.events.size(), begin + (row_group_rows_ - filled_));
    // The columns only grow: rows are overwritten, never zeroed again.
    if (rows_.num_rows() < filled_ + (end - begin))
      resize_timeline_rows(rows_, filled_ + (end - begin), threads_);
    events_merged_rows(rows_, filled_, part, admissions, begin, end, threads_);
    filled_ += end - begin;
    if (filled_ == row_group_rows_) write_rows();
    begin = end;
  }
}

void EventsMergedFile::finish() {
  if (filled_ > 0) write_rows();
  if (encoded_.valid()) encoded_.get();
  writer_.finish();
}

void EventsMergedFile::write_rows() {
  if (encoded_.valid()) encoded_.get();
  std::swap(rows_, encoding_);
  encoded_ = std::async(std::launch::async, [this, rows = filled_] {
    std::vector<ColumnSlice> slices;
    for (const auto& column : encoding_.columns) slices.push_back({&column, 0, rows});
    writer_.write_row_group(slices);
  });
  filled_ = 0;
}

}  // namespace ehrtok
