// Wall time and peak resident memory, measured per asset for the run report.
#pragma once

#include <chrono>
#include <cstdint>

namespace ehrtok {

// Peak resident set size of this process in bytes (VmHWM).
int64_t peak_rss_bytes();
// Resets the peak to the current RSS where the kernel allows it (Linux /proc/self/clear_refs),
// so the next peak_rss_bytes() is the peak of what ran in between. Returns false if it could
// not, in which case peaks are cumulative.
bool reset_peak_rss();

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace ehrtok
