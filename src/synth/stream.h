// The path of generated rows to the .csv.gz files: rows are formatted into a LineBuffer per
// table; at subject boundaries a TableStream shuffles full blocks of lines (MIMIC files are only
// roughly ordered) and hands them to the Compressor, which gzips on its own thread so that
// generation and compression use two cores. Memory is bounded by the block and queue sizes,
// whatever the number of subjects.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "io/gzip_writer.h"
#include "synth/rng.h"

namespace ehrtok::synth {

// Lines of text in one growable buffer, with the start offset of every line.
class LineBuffer {
 public:
  // The longest line any table writes is well below this.
  static constexpr size_t kMaxLine = 4096;

  char* begin_line() {
    if (size_ + kMaxLine > capacity_) grow();
    return data_.get() + size_;
  }
  void end_line(char* end) {
    *end++ = '\n';
    starts_.push_back(size_);
    size_ = static_cast<size_t>(end - data_.get());
  }

  // Appends a copy of the last line (exact duplicate rows exist in MIMIC).
  void repeat_last() {
    const std::string_view last = line(lines() - 1);
    char* p = begin_line();
    std::memcpy(p, data_.get() + starts_.back(), last.size() - 1);  // begin_line may move data
    end_line(p + last.size() - 1);
  }

  size_t bytes() const { return size_; }
  size_t lines() const { return starts_.size(); }
  std::string_view line(size_t i) const {
    const size_t end = i + 1 < starts_.size() ? starts_[i + 1] : size_;
    return {data_.get() + starts_[i], end - starts_[i]};
  }
  void clear() {
    size_ = 0;
    starts_.clear();
  }

 private:
  void grow();

  std::unique_ptr<char[]> data_;
  size_t size_ = 0, capacity_ = 0;
  std::vector<size_t> starts_;
};

// Gzips blocks for several files on a background thread, in submission order per file.
class Compressor {
 public:
  explicit Compressor(std::vector<std::filesystem::path> paths);
  ~Compressor();  // stops the thread; unfinished files are removed by their writers

  // Queues `block` (taken) for file `file`; returns an empty string with reusable capacity.
  // Blocks while the queue is full. Rethrows an error of the background thread.
  std::string submit(size_t file, std::string block);
  // Waits for all blocks, finishes every file (renamed into place). Rethrows errors.
  void finish();

 private:
  void run();
  void stop();

  std::vector<std::unique_ptr<GzipWriter>> writers_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::pair<size_t, std::string>> queue_;
  std::vector<std::string> spare_;
  bool closing_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

// One table: its header, its rows in shuffled blocks, its row count.
class TableStream {
 public:
  TableStream(Compressor& compressor, size_t file, std::string_view header, size_t block_bytes,
              uint64_t seed);

  LineBuffer& rows() { return rows_; }
  int64_t row_count() const { return row_count_; }
  // Call between subjects: a full block is shuffled and passed on.
  void end_subject() {
    if (rows_.bytes() >= block_bytes_) flush_block();
  }
  // Passes everything on; call once at the end.
  void flush();

 private:
  void flush_block();
  void submit_pending();

  Compressor& compressor_;
  size_t file_;
  size_t block_bytes_;
  Rng rng_;
  LineBuffer rows_;
  std::vector<uint32_t> order_;
  std::string pending_;  // shuffled text not yet submitted
  int64_t row_count_ = 0;
};

}  // namespace ehrtok::synth
