// lab_quantiles(itemid, q1..q9): per top lab item, the deciles of its values (SPEC.md asset 3),
// and the LAB:<itemid>_Q<k> binning that stg_labs applies with them.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "assets/asset_counts.h"
#include "assets/top_200_labs.h"
#include "table/column.h"

namespace ehrtok {

struct QuantileOptions {
  int num_quantiles = 10;      // q1..q(n-1) at 1/n, 2/n, ...
  double sample_fraction = 1;  // < 1: a deterministic, seeded sample of the values
  uint64_t seed = 42;
};

struct LabItems;

struct LabQuantiles {
  Table table;  // itemid, q1..q(n-1); ordered by itemid
  AssetCounts counts;
};

// Continuous quantile at q of sorted values: h = (n-1)q, lo = x[floor h], hi = x[ceil h],
// interpolated by d = h - floor h; lab_quantiles interpolates the same way between the order
// statistics it finds in an item's value counts.
double quantile_cont(std::span<const double> sorted, double q);

// Whether the row with this labevent_id is in the quantile sample: a stateless, seeded hash of
// it, so that the sample depends neither on file order nor on the thread count.
bool in_quantile_sample(int64_t labevent_id, const QuantileOptions& options);

// Over ALL labevents rows of each top item (hadm_id NULL or not) with valuenum not NULL: from
// `items`' value counts. An item with no value has no row. Items are sorted on `threads`
// threads.
LabQuantiles build_lab_quantiles(const LabItems& items, const TopLabs& top,
                                 const QuantileOptions& options = {}, int threads = 1);
// Which bin a value falls in: the first k with v <= q_k, or count + 1 above all cut points.
int quantile_bin(const double* cut_points, int count, double value);

}  // namespace ehrtok
