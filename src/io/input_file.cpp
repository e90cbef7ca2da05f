#include "io/input_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "io/direct_io.h"
#include "io/input_error.h"

namespace ehrtok {
namespace {

// 4 MiB: a multiple of the direct-I/O block, and long enough that a read costs one system call
// per several milliseconds of inflating.
constexpr size_t kBlockBytes = size_t{4} << 20;

}  // namespace

InputFile::InputFile(const std::filesystem::path& path) : path_(path.string()) {
  current_.resize(kBlockBytes);
  ahead_.resize(kBlockBytes);
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0)
    throw InputError(fmt::format("{}: cannot open file: {}", path_, std::strerror(errno)));
  set_direct_io(fd_, true);  // where the file system refuses it (tmpfs), through the page cache
  read_ahead();
}

InputFile::~InputFile() {
  if (ahead_bytes_.valid()) ahead_bytes_.wait();
  ::close(fd_);
}

size_t InputFile::read_at(Block& block, uint64_t offset) {
  try {
    return read_up_to(fd_, block.data(), block.size(), offset, path_);
  } catch (const std::runtime_error& e) {
    throw InputError(e.what());  // an input that cannot be read: the file is named
  }
}

void InputFile::read_ahead() {
  const uint64_t offset = next_offset_;
  ahead_bytes_ = std::async(std::launch::async, [this, offset] { return read_at(ahead_, offset); });
  next_offset_ += kBlockBytes;
}

bool InputFile::load_next() {
  if (!ahead_bytes_.valid()) return false;  // the end was reached
  current_size_ = ahead_bytes_.get();
  current_used_ = 0;
  std::swap(current_, ahead_);
  if (current_size_ == kBlockBytes) read_ahead();
  return current_size_ > 0;
}

std::span<const char> InputFile::next_block() {
  if (current_used_ == current_size_ && !load_next()) return {};
  const std::span<const char> rest(current_.data() + current_used_, current_size_ - current_used_);
  current_used_ = current_size_;
  consumed_ += rest.size();
  return rest;
}

size_t InputFile::read(std::span<char> out) {
  if (current_used_ == current_size_ && !load_next()) return 0;
  const size_t n = std::min(out.size(), current_size_ - current_used_);
  std::memcpy(out.data(), current_.data() + current_used_, n);
  current_used_ += n;
  consumed_ += n;
  return n;
}

}  // namespace ehrtok
