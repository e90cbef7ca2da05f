// A file read front to back in blocks, the next block read on another thread while this one is
// used, past the page cache where the file system allows it (io/direct_io.h): the kernel then
// neither copies the input nor keeps it, which on a virtual machine costs more CPU than the
// disk's time (a 5.9 GB labevents.csv.gz: 1.6 CPU-s of copying, on the thread that inflates).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <future>
#include <span>
#include <string>

#include "table/big_vector.h"

namespace ehrtok {

class InputFile {
 public:
  // Throws InputError naming the file when it cannot be opened.
  explicit InputFile(const std::filesystem::path& path);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // The next bytes of the file (empty at its end), valid until the next call. Throws InputError
  // naming the file on a read error.
  std::span<const char> next_block();
  // Copies up to out.size() bytes; 0 only at the end of the file.
  size_t read(std::span<char> out);

  const std::string& path() const { return path_; }
  // Bytes handed out so far (not those read ahead).
  uint64_t consumed() const { return consumed_; }

 private:
  using Block = std::vector<char, UninitializedHugePageAllocator<char>>;
  // Reads the block at `offset` into `block` (whole, or to the end of the file).
  size_t read_at(Block& block, uint64_t offset);
  void read_ahead();
  // Makes the block read ahead the current one; false at the end of the file.
  bool load_next();

  std::string path_;
  int fd_ = -1;
  Block current_, ahead_;
  uint64_t next_offset_ = 0;         // of the block read ahead
  std::future<size_t> ahead_bytes_;  // the block read ahead: its size
  size_t current_size_ = 0, current_used_ = 0;
  uint64_t consumed_ = 0;
};

}  // namespace ehrtok
