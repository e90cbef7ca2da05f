#include "assets/lab_quantiles.h"

#include <algorithm>
#include <cmath>

#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>

#include "util/parallel_for.h"

namespace ehrtok {
namespace {

// A stateless, seeded hash of the row's labevent_id: the sample does not depend on file order or
// thread count.
bool in_sample(int64_t labevent_id, const QuantileOptions& options) {
  if (options.sample_fraction >= 1) return true;
  uint64_t z = static_cast<uint64_t>(labevent_id) + options.seed * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;  // splitmix64 finalizer
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53 < options.sample_fraction;
}

// Puts the order statistics that the quantiles at 1/n, ..., (n-1)/n read (ranks floor(h) and
// ceil(h)) at their sorted positions, without sorting everything: selections on ever shorter
// tails cost a few passes over the values instead of n log n (9.8 s -> see PERFORMANCE.md).
void place_quantile_ranks(std::span<double> values, int num_quantiles) {
  if (values.empty()) return;
  std::vector<size_t> ranks;
  for (int k = 1; k < num_quantiles; ++k) {
    const double h =
        static_cast<double>(values.size() - 1) * (static_cast<double>(k) / num_quantiles);
    ranks.push_back(static_cast<size_t>(std::floor(h)));
    ranks.push_back(static_cast<size_t>(std::ceil(h)));
  }
  std::sort(ranks.begin(), ranks.end());
  size_t start = 0;
  for (size_t r : ranks) {
    if (r < start) continue;  // already in place
    std::nth_element(values.begin() + start, values.begin() + r, values.end());
    start = r + 1;
  }
}

}  // namespace

double quantile_cont(std::span<const double> sorted, double q) {
  const double h = static_cast<double>(sorted.size() - 1) * q;
  const double lo = sorted[static_cast<size_t>(std::floor(h))];
  const double hi = sorted[static_cast<size_t>(std::ceil(h))];
  const double d = h - std::floor(h);
  // Weighted as lo * (1 - d) + hi * d, the way the reference (DuckDB) interpolates. It differs
  // from lo + (hi - lo) * d in the last bit, e.g. lo = hi = 1.7, d = 0.4 gives
  // 1.6999999999999997, which decides the bin of a value of exactly 1.7 (itemid 51237 in the
  // demo).
  return lo * (1 - d) + hi * d;
}

int quantile_bin(const double* cut_points, int count, double value) {
  // A straight scan, not a binary search: interpolated cut points may step down by one unit in
  // the last place (values [0.1, 0.1] give q2 = 0.10000000000000002, q3 = 0.09999999999999999),
  // and SPEC.md takes the first k with value <= q_k.
  for (int k = 0; k < count; ++k)
    if (value <= cut_points[k]) return k + 1;
  return count + 1;
}

LabQuantiles build_lab_quantiles(const mimic::RawTable& labevents, const TopLabs& top,
                                 const QuantileOptions& options, int threads) {
  const auto& top_items = top.table.columns[0].ints;
  const TopItemIndex index(top);

  const Column& id = labevents.table.column("labevent_id");
  const Column& itemid = labevents.table.column("itemid");
  const Column& valuenum = labevents.table.column("valuenum");
  // The slot of each used row, then exact-size value arrays: growing 200 vectors over 160 M rows
  // copied and faulted in most values twice.
  auto slot_of_row = [&](size_t r) -> int64_t {
    if (itemid.is_null(r) || valuenum.is_null(r)) return -1;
    const int64_t slot = index.slot(itemid.ints[r]);
    return slot < 0 || !in_sample(id.is_null(r) ? 0 : id.ints[r], options) ? -1 : slot;
  };
  std::vector<size_t> count(top_items.size(), 0);
  for (size_t r = 0; r < itemid.size(); ++r)
    if (const int64_t slot = slot_of_row(r); slot >= 0) ++count[slot];
  std::vector<BigVector<double>> values(top_items.size());
  int64_t used = 0;
  for (size_t slot = 0; slot < values.size(); ++slot) {
    values[slot].reserve(count[slot]);
    used += static_cast<int64_t>(count[slot]);
  }
  for (size_t r = 0; r < itemid.size(); ++r)
    if (const int64_t slot = slot_of_row(r); slot >= 0) values[slot].push_back(valuenum.doubles[r]);

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
  parallel_each(values.size(), threads,
                [&](size_t slot) { place_quantile_ranks(values[slot], options.num_quantiles); });
  int64_t without_values = 0;
  for (size_t slot : order) {
    const auto& v = values[slot];
    if (v.empty()) {
      ++without_values;
      continue;
    }
    out.table.columns[0].ints.push_back(top_items[slot]);
    for (int k = 1; k <= cuts; ++k)
      out.table.columns[k].doubles.push_back(
          quantile_cont(v, static_cast<double>(k) / options.num_quantiles));
  }
  out.counts.rows_in = static_cast<int64_t>(top_items.size());
  out.counts.rows_out = static_cast<int64_t>(out.table.num_rows());
  out.counts.drop("top item without any non-NULL valuenum", without_values);
  out.counts.note("values used", used);
  return out;
}

}  // namespace ehrtok
