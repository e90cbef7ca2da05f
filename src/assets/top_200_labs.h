// top_200_labs(itemid, freq, pct): the most frequent lab items among admitted lab rows
// (SPEC.md asset 2).
#pragma once

#include <vector>

#include <absl/container/flat_hash_map.h>

#include "assets/asset_counts.h"
#include "table/column.h"

namespace ehrtok {

struct TopLabs {
  Table table;  // itemid, freq, pct; ordered by freq desc, itemid
  AssetCounts counts;
};

// Which top item (its row in TopLabs::table) an itemid is, for a lookup on every lab row.
class TopItemIndex {
 public:
  explicit TopItemIndex(const TopLabs& top);
  // The item's row in top_200_labs, or -1 when it is not a top item.
  int64_t slot(int64_t itemid) const {
    // MIMIC itemids are small integers: a direct table beats hashing on every lab row.
    if (itemid >= 0 && static_cast<uint64_t>(itemid) < dense_.size()) return dense_[itemid];
    auto it = sparse_.find(itemid);
    return it == sparse_.end() ? -1 : it->second;
  }

 private:
  std::vector<int32_t> dense_;                    // itemids below 2^20
  absl::flat_hash_map<int64_t, int64_t> sparse_;  // the others
};

struct LabItems;

// Counts labevents rows with hadm_id not NULL per itemid and keeps the `limit` largest counts
// (ties: smaller itemid first). pct = freq * 100 / (rows with hadm_id not NULL).
TopLabs build_top_200_labs(const LabItems& items, size_t limit = 200);

}  // namespace ehrtok
