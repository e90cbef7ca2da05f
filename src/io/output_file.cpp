#include "io/output_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace ehrtok {
namespace {

constexpr size_t kDirectBlock = 4096;
// 4 MiB: whole blocks, and 2 MiB-aligned by the allocator, as O_DIRECT needs.
constexpr size_t kDirectBuffer = size_t{4} << 20;
constexpr size_t kBuffer = size_t{64} << 10;

std::runtime_error write_error(const std::string& path, const char* what, int error) {
  return std::runtime_error(path + ": " + what + ": " + std::strerror(error));
}

// O_DIRECT switched on for `fd`; false where the file system refuses it.
bool set_direct(int fd, bool on) {
  const int flags = ::fcntl(fd, F_GETFL);
  return flags >= 0 && ::fcntl(fd, F_SETFL, on ? flags | O_DIRECT : flags & ~O_DIRECT) == 0;
}

}  // namespace

OutputFile::OutputFile(std::string path, int fd, bool direct)
    : path_(std::move(path)), fd_(fd), direct_(direct && set_direct(fd, true)) {
  try {
    buffer_.resize(direct_ ? kDirectBuffer : kBuffer);
  } catch (...) {
    ::close(fd_);  // the destructor of a half-built object does not run
    throw;
  }
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
}

void OutputFile::write(const void* data, size_t size) {
  const char* from = static_cast<const char*>(data);
  while (size > 0) {
    const size_t n = std::min(size, buffer_.size() - filled_);
    std::memcpy(buffer_.data() + filled_, from, n);
    filled_ += n;
    from += n;
    size -= n;
    if (filled_ == buffer_.size()) flush(filled_);
  }
}

void OutputFile::flush(size_t bytes) {
  const char* p = buffer_.data();
  while (bytes > 0) {
    const ssize_t n = ::write(fd_, p, bytes);
    if (n < 0 && errno == EINTR) continue;
    // A file system that took O_DIRECT but refuses this write (a block larger than 4 KiB, a short
    // write leaving an unaligned rest): the rest goes through the page cache.
    if (n < 0 && errno == EINVAL && direct_) {
      if (!set_direct(fd_, false)) throw write_error(path_, "cannot leave O_DIRECT", errno);
      direct_ = false;
      continue;
    }
    if (n <= 0) throw write_error(path_, "write failed", n < 0 ? errno : EIO);
    p += n;
    bytes -= static_cast<size_t>(n);
  }
  filled_ = 0;
}

void OutputFile::close(uint64_t length) {
  if (direct_) {
    // The whole blocks still buffered go as before; the partial one after them needs the page
    // cache (O_DIRECT writes whole blocks only).
    const size_t whole = filled_ / kDirectBlock * kDirectBlock;
    if (whole > 0) {
      const size_t rest = filled_ - whole;
      flush(whole);
      std::memmove(buffer_.data(), buffer_.data() + whole, rest);
      filled_ = rest;
    }
    if (!set_direct(fd_, false)) throw write_error(path_, "cannot leave O_DIRECT", errno);
  }
  flush(filled_);
  const off_t end = ::lseek(fd_, 0, SEEK_END);
  if (end < 0) throw write_error(path_, "cannot find its length", errno);
  if (static_cast<uint64_t>(end) > length && ::ftruncate(fd_, static_cast<off_t>(length)) != 0)
    throw write_error(path_, "cannot cut to its new length", errno);
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) throw write_error(path_, "close failed", errno);
}

}  // namespace ehrtok
