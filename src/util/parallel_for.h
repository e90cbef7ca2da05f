// Splits [0, n) into `threads` contiguous, equal ranges and runs fn(begin, end) on each, one per
// thread (the calling thread takes the first). For work whose result does not depend on the
// split, so output stays identical for any thread count. Rethrows the first exception.
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace ehrtok {

template <class Fn>
void parallel_for(size_t n, int threads, Fn fn) {
  const size_t parts = std::max<size_t>(1, std::min<size_t>(threads > 0 ? threads : 1, n));
  std::vector<std::exception_ptr> errors(parts);
  auto run = [&](size_t part) {
    try {
      fn(n * part / parts, n * (part + 1) / parts);
    } catch (...) {
      errors[part] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (size_t part = 1; part < parts; ++part) pool.emplace_back(run, part);
  run(0);
  for (auto& t : pool) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

// Runs fn(i) for every i in [0, n) on `threads` threads that take the next index as they
// finish: for items of uneven size. Stops handing out work after the first exception, which it
// rethrows.
template <class Fn>
void parallel_each(size_t n, int threads, Fn fn) {
  std::atomic<size_t> next{0};
  parallel_for(static_cast<size_t>(std::max(threads, 1)), threads, [&](size_t, size_t) {
    try {
      for (size_t i = next++; i < n; i = next++) fn(i);
    } catch (...) {
      next = n;
      throw;
    }
  });
}

}  // namespace ehrtok
