#include "assets/lab_quantiles.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>

#include "assets/lab_intake.h"
#include "util/parallel_for.h"

namespace ehrtok {

bool in_quantile_sample(int64_t labevent_id, const QuantileOptions& options) {
  if (options.sample_fraction >= 1) return true;
  uint64_t z = static_cast<uint64_t>(labevent_id) + options.seed * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;  // splitmix64 finalizer
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53 < options.sample_fraction;
}

namespace {

// An item's values in order, each with how many rows hold it and how many rows hold a smaller
// one: the order statistic of rank r is the value whose rows cover r.
struct SortedValues {
  std::vector<double> value;
  std::vector<int64_t> rows_before;  // one more entry: the total
  int64_t size() const { return rows_before.empty() ? 0 : rows_before.back(); }
  double at_rank(int64_t r) const {
    const auto it = std::upper_bound(rows_before.begin(), rows_before.end() - 1, r);
    return value[static_cast<size_t>(it - rows_before.begin()) - 1];
  }
};

SortedValues sort_values(const ValueCounts& counts) {
  std::vector<std::pair<uint64_t, int64_t>> pairs(counts.begin(), counts.end());
  const auto as_double = [](uint64_t bits) { return std::bit_cast<double>(bits); };
  std::sort(pairs.begin(), pairs.end(), [&](const auto& a, const auto& b) {
    const double x = as_double(a.first), y = as_double(b.first);
    return x != y ? x < y : a.first < b.first;  // -0.0 before 0.0
  });
  SortedValues out;
  out.rows_before.push_back(0);
  for (const auto& [bits, count] : pairs) {
    out.value.push_back(as_double(bits));
    out.rows_before.push_back(out.rows_before.back() + count);
  }
  return out;
}

// Continuous quantile at q of the n values: h = (n-1)q, interpolated between the order
// statistics floor h and ceil h.
template <class AtRank>
double interpolated_quantile(int64_t n, double q, AtRank at_rank) {
  const double h = static_cast<double>(n - 1) * q;
  const double lo = at_rank(static_cast<int64_t>(std::floor(h)));
  const double hi = at_rank(static_cast<int64_t>(std::ceil(h)));
  const double d = h - std::floor(h);
  // Weighted as lo * (1 - d) + hi * d, the way the reference (DuckDB) interpolates. It differs
  // from lo + (hi - lo) * d in the last bit, e.g. lo = hi = 1.7, d = 0.4 gives
  // 1.6999999999999997, which decides the bin of a value of exactly 1.7 (itemid 51237 in the
  // demo).
  return lo * (1 - d) + hi * d;
}

}  // namespace

double quantile_cont(std::span<const double> sorted, double q) {
  return interpolated_quantile(static_cast<int64_t>(sorted.size()), q,
                               [&](int64_t r) { return sorted[static_cast<size_t>(r)]; });
}

int quantile_bin(const double* cut_points, int count, double value) {
  // A straight scan, not a binary search: interpolated cut points may step down by one unit in
  // the last place (values [0.1, 0.1] give q2 = 0.10000000000000002, q3 = 0.09999999999999999),
  // and SPEC.md takes the first k with value <= q_k.
  for (int k = 0; k < count; ++k)
    if (value <= cut_points[k]) return k + 1;
  return count + 1;
}

LabQuantiles build_lab_quantiles(const LabItems& items, const TopLabs& top,
                                 const QuantileOptions& options, int threads) {
  const auto& top_items = top.table.columns[0].ints;
  std::vector<SortedValues> values(top_items.size());
  parallel_each(values.size(), threads, [&](size_t slot) {
    if (auto it = items.values.find(top_items[slot]); it != items.values.end())
      values[slot] = sort_values(it->second);
  });

  LabQuantiles out;
  const int cuts = options.num_quantiles - 1;
  std::vector<Field> fields{{"itemid", ColumnType::Int64, false}};
  for (int k = 1; k <= cuts; ++k)
    fields.push_back({fmt::format("q{}", k), ColumnType::Double, false});
  out.table = Table::empty(std::move(fields));

  std::vector<size_t> order(top_items.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return top_items[a] < top_items[b]; });
  int64_t without_values = 0, used = 0;
  for (size_t slot : order) {
    const SortedValues& v = values[slot];
    used += v.size();
    if (v.size() == 0) {
      ++without_values;
      continue;
    }
    out.table.columns[0].ints.push_back(top_items[slot]);
    for (int k = 1; k <= cuts; ++k)
      out.table.columns[k].doubles.push_back(
          interpolated_quantile(v.size(), static_cast<double>(k) / options.num_quantiles,
                                [&](int64_t r) { return v.at_rank(r); }));
  }
  out.counts.rows_in = static_cast<int64_t>(top_items.size());
  out.counts.rows_out = static_cast<int64_t>(out.table.num_rows());
  out.counts.drop("top item without any non-NULL valuenum", without_values);
  out.counts.note("values used", used);
  return out;
}

}  // namespace ehrtok
