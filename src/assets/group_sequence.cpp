#include "assets/group_sequence.h"

#include <algorithm>

#include <absl/container/flat_hash_map.h>

#include "assets/staged_events.h"
#include "util/parallel_for.h"

namespace ehrtok {

BigVector<int64_t> sequence_within_groups(const BigVector<int64_t>& subject,
                                          const BigVector<int64_t>& hadm,
                                          const BigVector<int64_t>& time, int threads) {
  const size_t n = subject.size();
  // Dense group ids in order of first appearance.
  absl::flat_hash_map<std::pair<int64_t, int64_t>, uint32_t> group_of_key;
  std::vector<uint32_t> group(n);
  // Rows of one admission mostly follow each other in MIMIC files: reuse the last lookup.
  std::pair<int64_t, int64_t> last_key{kNullId, kNullId};
  uint32_t last_group = 0;
  for (size_t i = 0; i < n; ++i) {
    const std::pair<int64_t, int64_t> key{subject[i], hadm[i]};
    if (i == 0 || key != last_key) {
      last_group = group_of_key.try_emplace(key, group_of_key.size()).first->second;
      last_key = key;
    }
    group[i] = last_group;
  }

  // Counting sort of row indices by group keeps file order inside each group.
  std::vector<uint32_t> start(group_of_key.size() + 1, 0);
  for (size_t i = 0; i < n; ++i) ++start[group[i] + 1];
  for (size_t g = 1; g < start.size(); ++g) start[g] += start[g - 1];
  std::vector<uint32_t> rows(n);
  std::vector<uint32_t> fill(start.begin(), start.end() - 1);
  for (size_t i = 0; i < n; ++i) rows[fill[group[i]]++] = static_cast<uint32_t>(i);
  std::vector<uint32_t>().swap(group);  // freed before seq is allocated

  // NULL times (kNullTime, the minimum) must sort last: compare as unsigned after a shift that
  // maps kNullTime to the maximum.
  auto key = [&](uint32_t r) { return static_cast<uint64_t>(time[r]) - 1 - (uint64_t{1} << 63); };
  BigVector<int64_t> seq(n);
  parallel_for(start.size() - 1, threads, [&](size_t first_group, size_t last_group) {
    for (size_t g = first_group; g < last_group; ++g) {
      auto first = rows.begin() + start[g], last = rows.begin() + start[g + 1];
      std::stable_sort(first, last, [&](uint32_t a, uint32_t b) { return key(a) < key(b); });
      int64_t next = 1;
      for (auto it = first; it != last; ++it) seq[*it] = next++;
    }
  });
  return seq;
}

}  // namespace ehrtok
