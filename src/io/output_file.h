// A file written front to back through a buffer of its own. With `direct`, the buffer's whole
// blocks go to the disk past the page cache (io/direct_io.h; where the file system refuses it the
// file is written as usual), and the last partial block is written normally when the file is
// closed: for big files written once and not read again in the run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "table/big_vector.h"

namespace ehrtok {

class OutputFile {
 public:
  // Takes over `fd`, open for writing at offset 0.
  OutputFile(std::string path, int fd, bool direct);
  ~OutputFile();  // closes without reporting errors when close() was not called
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Throws std::runtime_error naming the file when a write fails.
  void write(const void* data, size_t size);
  // Writes what is buffered and cuts the file where the writes end when it is longer (a file
  // overwritten in place), then closes it.
  void close();

 private:
  void flush(size_t bytes);
  std::string path_;
  int fd_;
  bool direct_ = false;
  std::vector<char, UninitializedHugePageAllocator<char>> buffer_;
  size_t filled_ = 0;     // bytes of buffer_ not yet written
  uint64_t written_ = 0;  // bytes of the file written
};

}  // namespace ehrtok
