// lab_quantiles(itemid, q1..q9): per top lab item, the deciles of its values (SPEC.md asset 3),
// and the LAB:<itemid>_Q<k> binning that stg_labs applies with them.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "assets/asset_counts.h"
#include "assets/top_200_labs.h"
#include "mimic/raw_table.h"
#include "table/column.h"

namespace ehrtok {

struct QuantileOptions {
  int num_quantiles = 10;      // q1..q(n-1) at 1/n, 2/n, ...
  double sample_fraction = 1;  // < 1: a deterministic, seeded sample of the values
  uint64_t seed = 42;
};

struct LabQuantiles {
  Table table;  // itemid, q1..q(n-1); ordered by itemid
  AssetCounts counts;
};

// Continuous quantile at q: h = (n-1)q, lo = x[floor h], hi = x[ceil h], interpolated by
// d = h - floor h. `values` must hold the order statistics of ranks floor h and ceil h at those
// positions (a sorted vector does).
double quantile_cont(std::span<const double> values, double q);

// Over ALL labevents rows of each top item (hadm_id NULL or not) with valuenum not NULL.
// An item with no value has no row.
// The per-item sorts run on `threads` threads.
LabQuantiles build_lab_quantiles(const mimic::RawTable& labevents, const TopLabs& top,
                                 const QuantileOptions& options = {}, int threads = 1);

// Which bin a value falls in: the first k with v <= q_k, or count + 1 above all cut points.
int quantile_bin(const double* cut_points, int count, double value);

}  // namespace ehrtok
