#include "io/gzip_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <isa-l.h>

namespace ehrtok {
namespace {

// Large blocks keep ISA-L in its fast path and make few write() calls.
constexpr size_t kInputBlock = 4 << 20;
constexpr size_t kOutputBlock = 4 << 20;
// isal_zstream counts in uint32_t, so very large writes are fed in slices.
constexpr size_t kMaxSlice = 1u << 30;

}  // namespace

struct GzipWriter::Stream {
  isal_zstream z;
  std::vector<uint8_t> level_buf = std::vector<uint8_t>(ISAL_DEF_LVL1_DEFAULT);
};

GzipWriter::GzipWriter(std::filesystem::path path)
    : path_(std::move(path)),
      temp_path_(path_.string() + ".tmp"),
      stream_(std::make_unique<Stream>()),
      in_(std::make_unique_for_overwrite<char[]>(kInputBlock)),
      out_(std::make_unique_for_overwrite<uint8_t[]>(kOutputBlock)) {
  fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) fail("cannot create");
  isal_zstream& z = stream_->z;
  isal_deflate_init(&z);
  z.gzip_flag = IGZIP_GZIP;
  z.level = 1;
  z.level_buf = stream_->level_buf.data();
  z.level_buf_size = static_cast<uint32_t>(stream_->level_buf.size());
  z.next_out = out_.get();
  z.avail_out = static_cast<uint32_t>(kOutputBlock);
}

GzipWriter::~GzipWriter() {
  if (finished_) return;
  if (fd_ >= 0) ::close(fd_);
  std::error_code ignored;  // best effort: the error that got us here is what matters
  std::filesystem::remove(temp_path_, ignored);
}

void GzipWriter::write(std::string_view bytes) {
  bytes_in_ += bytes.size();
  const bool small = bytes.size() < kInputBlock / 4;
  if (!small || in_size_ + bytes.size() > kInputBlock) {
    // Pending bytes first (order matters).
    deflate(in_.get(), in_size_, false);
    in_size_ = 0;
  }
  if (!small) {  // large writes go straight from the caller's memory
    deflate(bytes.data(), bytes.size(), false);
    return;
  }
  std::memcpy(in_.get() + in_size_, bytes.data(), bytes.size());
  in_size_ += bytes.size();
}

void GzipWriter::finish() {
  if (finished_) return;
  deflate(in_.get(), in_size_, true);
  in_size_ = 0;
  if (::close(fd_) != 0) {
    fd_ = -1;
    fail("cannot close");
  }
  fd_ = -1;
  std::error_code error;
  std::filesystem::rename(temp_path_, path_, error);
  if (error)
    throw std::runtime_error("cannot rename " + temp_path_.string() + " to " + path_.string() +
                             ": " + error.message());
  finished_ = true;
}

void GzipWriter::deflate(const char* data, size_t size, bool last) {
  isal_zstream& z = stream_->z;
  do {
    const size_t slice = std::min(size, kMaxSlice);
    z.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(data));
    z.avail_in = static_cast<uint32_t>(slice);
    z.end_of_stream = (last && slice == size) ? 1 : 0;
    // Runs until the slice is consumed and, at the end, until the trailer is out.
    while (z.avail_in > 0 || (z.end_of_stream && z.internal_state.state != ZSTATE_END)) {
      const int status = isal_deflate(&z);
      if (status != COMP_OK) {
        throw std::runtime_error("ISA-L deflate error " + std::to_string(status) + " writing " +
                                 temp_path_.string());
      }
      if (z.avail_out == 0) drain_output();
    }
    data += slice;
    size -= slice;
  } while (size > 0);
  if (last) drain_output();
}

void GzipWriter::drain_output() {
  isal_zstream& z = stream_->z;
  write_file(out_.get(), kOutputBlock - z.avail_out);
  z.next_out = out_.get();
  z.avail_out = static_cast<uint32_t>(kOutputBlock);
}

void GzipWriter::write_file(const uint8_t* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd_, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("cannot write");
    data += n;
    size -= static_cast<size_t>(n);
  }
}

void GzipWriter::fail(const char* what) const {
  throw std::runtime_error(std::string(what) + " " + temp_path_.string() + ": " +
                           std::strerror(errno));
}

}  // namespace ehrtok
