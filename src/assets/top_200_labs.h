// top_200_labs(itemid, freq, pct): the most frequent lab items among admitted lab rows
// (SPEC.md asset 2).
#pragma once

#include "assets/asset_counts.h"
#include "mimic/raw_table.h"
#include "table/column.h"

namespace ehrtok {

struct TopLabs {
  Table table;  // itemid, freq, pct; ordered by freq desc, itemid
  AssetCounts counts;
};

// Counts labevents rows with hadm_id not NULL per itemid and keeps the `limit` largest counts
// (ties: smaller itemid first). pct = freq * 100 / (rows with hadm_id not NULL).
TopLabs build_top_200_labs(const mimic::RawTable& labevents, size_t limit = 200);

}  // namespace ehrtok
