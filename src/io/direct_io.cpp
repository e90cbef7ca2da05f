#include "io/direct_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace ehrtok {

bool set_direct_io(int fd, bool on) {
  const int flags = ::fcntl(fd, F_GETFL);
  return flags >= 0 && ::fcntl(fd, F_SETFL, on ? flags | O_DIRECT : flags & ~O_DIRECT) == 0;
}

namespace {

// Transfers what it can of `bytes`, resuming short transfers, until done or the file ends (a
// read of nothing); returns how many bytes were transferred.
size_t transfer(Transfer transfer, int fd, char* data, size_t bytes, uint64_t offset,
                const std::string& path) {
  size_t done = 0;
  while (done < bytes) {
    const auto at = static_cast<off_t>(offset + done);
    const ssize_t n = transfer == Transfer::Write ? ::pwrite(fd, data + done, bytes - done, at)
                                                  : ::pread(fd, data + done, bytes - done, at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EINVAL) {
      const int flags = ::fcntl(fd, F_GETFL);
      if (flags >= 0 && (flags & O_DIRECT) != 0 && set_direct_io(fd, false)) continue;
      errno = EINVAL;
    }
    if (n < 0)
      throw std::runtime_error(path + ": cannot " +
                               (transfer == Transfer::Write ? "write" : "read") + ": " +
                               std::strerror(errno));
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

}  // namespace

void transfer_all(Transfer how, int fd, char* data, size_t bytes, uint64_t offset,
                  const std::string& path) {
  if (transfer(how, fd, data, bytes, offset, path) < bytes)
    throw std::runtime_error(path + ": cannot " + (how == Transfer::Write ? "write" : "read") +
                             ": file too short");
}

size_t read_up_to(int fd, char* data, size_t bytes, uint64_t offset, const std::string& path) {
  return transfer(Transfer::Read, fd, data, bytes, offset, path);
}

}  // namespace ehrtok
