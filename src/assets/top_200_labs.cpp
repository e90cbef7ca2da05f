#include "assets/top_200_labs.h"

#include <algorithm>

#include "assets/lab_intake.h"

namespace ehrtok {

TopItemIndex::TopItemIndex(const TopLabs& top) {
  constexpr int64_t kDenseLimit = 1 << 20;
  dense_.assign(kDenseLimit, -1);
  const auto& items = top.table.columns[0].ints;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i] >= 0 && items[i] < kDenseLimit)
      dense_[items[i]] = static_cast<int32_t>(i);
    else
      sparse_[items[i]] = static_cast<int64_t>(i);
  }
}

TopLabs build_top_200_labs(const LabItems& items, size_t limit) {
  int64_t admitted = items.null_item.original;
  std::vector<std::pair<int64_t, int64_t>> ranked;  // itemid, freq
  for (const auto& [item, tally] : items.tally) {
    admitted += tally.original;
    if (tally.original > 0) ranked.emplace_back(item, tally.original);
  }
  const auto distinct = static_cast<int64_t>(ranked.size());
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (ranked.size() > limit) ranked.resize(limit);

  TopLabs out;
  out.table = Table::empty({{"itemid", ColumnType::Int64, false},
                            {"freq", ColumnType::Int64, false},
                            {"pct", ColumnType::Double, false}});
  for (const auto& [item, freq] : ranked) {
    out.table.columns[0].ints.push_back(item);
    out.table.columns[1].ints.push_back(freq);
    out.table.columns[2].doubles.push_back(static_cast<double>(freq * 100) /
                                           static_cast<double>(admitted));
  }
  out.counts.rows_in = items.rows;
  out.counts.rows_out = static_cast<int64_t>(ranked.size());
  out.counts.note("lab rows counted (hadm_id not NULL)", admitted);
  out.counts.note("lab rows not counted (hadm_id NULL)", items.rows - admitted);
  out.counts.note("lab rows with NULL itemid (not ranked)", items.null_item.original);
  out.counts.note("distinct itemids", distinct);
  return out;
}

}  // namespace ehrtok
