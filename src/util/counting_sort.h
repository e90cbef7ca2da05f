// A stable counting sort of row numbers by a small integer key: how events, lab rows and seq_num
// groups are put in admission (or group) order without comparing.
#pragma once

#include <cstddef>
#include <numeric>
#include <vector>

namespace ehrtok {

// Orders rows [0, n) by key(i) in [0, keys), keeping row order within a key: afterwards key k's
// rows are order[start[k]], ..., order[start[k + 1] - 1]. Rows whose key is `keys` or more are
// left out. `start` and `order` are replaced, their memory reused.
template <class Key, class Start, class Order>
void order_by_key(size_t n, size_t keys, Key key, Start& start, Order& order) {
  start.assign(keys + 1, 0);
  for (size_t i = 0; i < n; ++i)
    if (const size_t k = key(i); k < keys) ++start[k + 1];
  std::partial_sum(start.begin(), start.end(), start.begin());
  if (start.back() > order.capacity()) order.clear();  // nothing to copy when it grows
  order.resize(start.back());
  std::vector<typename Start::value_type> fill(start.begin(), start.end() - 1);
  for (size_t i = 0; i < n; ++i)
    if (const size_t k = key(i); k < keys)
      order[fill[k]++] = static_cast<typename Order::value_type>(i);
}

}  // namespace ehrtok
