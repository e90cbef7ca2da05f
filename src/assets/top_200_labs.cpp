#include "assets/top_200_labs.h"

#include <algorithm>

#include <absl/container/flat_hash_map.h>

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

TopLabs build_top_200_labs(const mimic::RawTable& labevents, size_t limit) {
  const Column& hadm = labevents.table.column("hadm_id");
  const Column& itemid = labevents.table.column("itemid");
  absl::flat_hash_map<int64_t, int64_t> freq_of_item;  // NULL itemid is its own group
  int64_t admitted = 0;
  int64_t null_item = 0;
  for (size_t r = 0; r < hadm.size(); ++r) {
    if (hadm.is_null(r)) continue;
    ++admitted;
    if (itemid.is_null(r))
      ++null_item;
    else
      ++freq_of_item[itemid.ints[r]];
  }
  std::vector<std::pair<int64_t, int64_t>> ranked(freq_of_item.begin(), freq_of_item.end());
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
  out.counts.rows_in = labevents.rows_kept();
  out.counts.rows_out = static_cast<int64_t>(ranked.size());
  out.counts.note("lab rows counted (hadm_id not NULL)", admitted);
  out.counts.note("lab rows not counted (hadm_id NULL)", labevents.rows_kept() - admitted);
  out.counts.note("lab rows with NULL itemid (not ranked)", null_item);
  out.counts.note("distinct itemids", static_cast<int64_t>(freq_of_item.size()));
  return out;
}

}  // namespace ehrtok
