// Buffers handed back by the thread that is done with them and taken again by the thread that
// fills the next one: reused memory faults in no fresh pages, which on a virtual machine cost
// more than the work done in them (CSV chunks, decoded row groups).
#pragma once

#include <cstddef>
#include <limits>
#include <mutex>
#include <optional>
#include <vector>

namespace ehrtok {

template <class T>
class SparePool {
 public:
  explicit SparePool(size_t max_kept = std::numeric_limits<size_t>::max()) : max_(max_kept) {}

  // A spare, or nothing when none is kept.
  std::optional<T> take() {
    std::lock_guard lock(mutex_);
    if (spare_.empty()) return std::nullopt;
    T t = std::move(spare_.back());
    spare_.pop_back();
    return t;
  }

  // Keeps `t` for a later take(), unless max_kept are kept already. Any thread.
  void give_back(T&& t) {
    std::lock_guard lock(mutex_);
    if (spare_.size() < max_) spare_.push_back(std::move(t));
  }

 private:
  size_t max_;
  std::mutex mutex_;
  std::vector<T> spare_;
};

}  // namespace ehrtok
