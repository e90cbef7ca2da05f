#include "io/output_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "io/direct_io.h"

namespace ehrtok {
namespace {

// 4 MiB: whole blocks, and 2 MiB-aligned by the allocator, as O_DIRECT needs.
constexpr size_t kDirectBuffer = size_t{4} << 20;
constexpr size_t kBuffer = size_t{64} << 10;

std::runtime_error file_error(const std::string& path, const char* what, int error) {
  return std::runtime_error(path + ": " + what + ": " + std::strerror(error));
}

}  // namespace

OutputFile::OutputFile(std::string path, int fd, bool direct)
    : path_(std::move(path)), fd_(fd), direct_(direct && set_direct_io(fd, true)) {
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

// Writes the first `bytes` of the buffer; what follows them moves to its start.
void OutputFile::flush(size_t bytes) {
  transfer_all(Transfer::Write, fd_, buffer_.data(), bytes, written_, path_);
  written_ += bytes;
  std::memmove(buffer_.data(), buffer_.data() + bytes, filled_ - bytes);
  filled_ -= bytes;
}

void OutputFile::close() {
  if (direct_) {
    // The whole blocks still buffered go as before; the partial one after them needs the page
    // cache (O_DIRECT writes whole blocks only).
    flush(filled_ / kDirectBlock * kDirectBlock);
    if (!set_direct_io(fd_, false)) throw file_error(path_, "cannot leave O_DIRECT", errno);
  }
  flush(filled_);
  // Overwritten in place, the file may still hold the end of a longer earlier file.
  struct stat st {};
  if (::fstat(fd_, &st) != 0) throw file_error(path_, "cannot find its length", errno);
  if (static_cast<uint64_t>(st.st_size) > written_ &&
      ::ftruncate(fd_, static_cast<off_t>(written_)) != 0)
    throw file_error(path_, "cannot cut to its new length", errno);
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) throw file_error(path_, "close failed", errno);
}

}  // namespace ehrtok
