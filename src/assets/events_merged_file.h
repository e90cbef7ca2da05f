// events_merged.parquet written partition by partition: row groups of exactly row_group_rows
// rows whatever the partitions, so the file does not depend on how the timeline was cut.
#pragma once

#include <future>
#include <memory>
#include <string>

#include "assets/events_merged.h"
#include "parquet/parquet_writer.h"
#include "table/column.h"

namespace ehrtok {

class EventsMergedFile {
 public:
  EventsMergedFile(const std::string& path, const std::shared_ptr<const CodeBook>& codes,
                   size_t row_group_rows, int threads);
  ~EventsMergedFile();
  // Writes the part's events (the partition after the previous one's).
  void append(const EventsMerged& part, const StgAdmissions& admissions);
  void finish();

 private:
  void write_rows();

  parquet::FileWriter writer_;
  Table rows_;  // the row group being filled: its first filled_ rows
  size_t filled_ = 0;
  // The previous row group, encoded and written on another thread while rows_ is filled.
  Table encoding_;
  std::future<void> encoded_;
  size_t row_group_rows_;
  int threads_;
};

}  // namespace ehrtok
