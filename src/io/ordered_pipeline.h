// Producer -> parallel workers -> in-order consumer, for chunked input.
//
// One thread produces items (e.g. decompresses and cuts CSV chunks), `workers` threads transform
// them (e.g. parse), and the calling thread consumes the results strictly in production order,
// so the outcome never depends on the thread count. With workers <= 1 everything runs inline on
// the calling thread. The number of items in flight is bounded, which bounds memory.
// `max_in_flight` (0: twice the workers, plus one) bounds the items produced and not yet consumed.
// The first exception thrown anywhere stops the pipeline and is rethrown to the caller.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace ehrtok {

template <class Item, class Result, class Produce, class Work, class Consume>
void run_ordered_pipeline(int workers, Produce produce, Work work, Consume consume,
                          size_t max_in_flight = 0) {
  if (workers <= 1) {
    while (std::optional<Item> item = produce()) consume(work(*item));
    return;
  }
  if (max_in_flight == 0) max_in_flight = static_cast<size_t>(workers) * 2 + 1;
  std::mutex mutex;
  std::condition_variable changed;
  std::map<size_t, Item> queued;      // produced, not yet taken by a worker
  std::map<size_t, Result> finished;  // worked, not yet consumed
  size_t produced = 0, consumed = 0;
  bool done_producing = false, stop = false;
  std::exception_ptr error;

  auto fail = [&](std::exception_ptr e) {
    std::lock_guard lock(mutex);
    if (!error) error = e;
    stop = true;
    changed.notify_all();
  };

  std::thread producer([&] {
    try {
      while (true) {
        {
          std::unique_lock lock(mutex);
          changed.wait(lock, [&] { return stop || produced - consumed < max_in_flight; });
          if (stop) return;
        }
        std::optional<Item> item = produce();
        std::lock_guard lock(mutex);
        if (!item) break;
        queued.emplace(produced++, std::move(*item));
        changed.notify_all();
      }
    } catch (...) {
      fail(std::current_exception());
      return;
    }
    std::lock_guard lock(mutex);
    done_producing = true;
    changed.notify_all();
  });

  std::vector<std::thread> pool;
  for (int w = 0; w < workers; ++w) {
    pool.emplace_back([&] {
      while (true) {
        std::optional<Item> item;
        size_t index;
        {
          std::unique_lock lock(mutex);
          changed.wait(lock, [&] { return stop || !queued.empty() || done_producing; });
          if (stop || queued.empty()) return;
          auto node = queued.extract(queued.begin());
          index = node.key();
          item.emplace(std::move(node.mapped()));
        }
        try {
          Result result = work(*item);
          std::lock_guard lock(mutex);
          finished.emplace(index, std::move(result));
          changed.notify_all();
        } catch (...) {
          fail(std::current_exception());
          return;
        }
      }
    });
  }

  try {
    while (true) {
      std::optional<Result> result;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] {
          return stop || finished.count(consumed) || (done_producing && consumed == produced);
        });
        if (stop) break;
        if (done_producing && consumed == produced) break;
        auto node = finished.extract(consumed);
        result.emplace(std::move(node.mapped()));
      }
      consume(std::move(*result));
      std::lock_guard lock(mutex);
      ++consumed;
      changed.notify_all();
    }
  } catch (...) {
    fail(std::current_exception());
  }
  {
    std::lock_guard lock(mutex);
    stop = true;
    changed.notify_all();
  }
  producer.join();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace ehrtok
