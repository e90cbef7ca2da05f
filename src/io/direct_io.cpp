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

void transfer_all(Transfer transfer, int fd, char* data, size_t bytes, uint64_t offset,
                  const std::string& path) {
  auto at = static_cast<off_t>(offset);
  while (bytes > 0) {
    const ssize_t n =
        transfer == Transfer::Write ? ::pwrite(fd, data, bytes, at) : ::pread(fd, data, bytes, at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EINVAL) {
      const int flags = ::fcntl(fd, F_GETFL);
      if (flags >= 0 && (flags & O_DIRECT) != 0 && set_direct_io(fd, false)) continue;
      errno = EINVAL;
    }
    if (n <= 0)
      throw std::runtime_error(path + ": cannot " +
                               (transfer == Transfer::Write ? "write" : "read") + ": " +
                               (n == 0 ? "file too short" : std::strerror(errno)));
    data += n;
    at += n;
    bytes -= static_cast<size_t>(n);
  }
}

}  // namespace ehrtok
