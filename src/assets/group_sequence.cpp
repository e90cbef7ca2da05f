#include "assets/group_sequence.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "assets/staged_events.h"
#include "util/counting_sort.h"
#include "util/parallel_for.h"

namespace ehrtok {
namespace {

// Orders times with NULL (kNullTime, the minimum) last: compared as unsigned after a shift that
// maps kNullTime to the maximum.
uint64_t nulls_last(int64_t time) { return static_cast<uint64_t>(time) - 1 - (uint64_t{1} << 63); }

// What number_by_time sorts: (time key, row) pairs, or both packed into one word when the
// group's time keys span few enough bits to leave room for a row's place in the group.
struct TimeSortScratch {
  std::vector<std::pair<uint64_t, uint32_t>> keyed;
  std::vector<uint64_t> packed;
  std::vector<uint32_t> rows;
};

// Numbers rows (ascending: file order) 1, 2, ... in order of (time with NULLs last, file order).
// The keys (time key, row) are unique, so sorting them needs no stable sort and no lookup per
// comparison. Leaves `rows` in that order.
void number_by_time(std::span<uint32_t> rows, const BigVector<int64_t>& time,
                    TimeSortScratch& scratch, BigVector<int64_t>& seq) {
  if (rows.size() <= 1) {
    if (!rows.empty()) seq[rows[0]] = 1;
    return;
  }
  uint64_t low = UINT64_MAX, high = 0;
  for (const uint32_t r : rows) {
    low = std::min(low, nulls_last(time[r]));
    high = std::max(high, nulls_last(time[r]));
  }
  // A row's place in `rows` orders like the row itself, and takes `place_bits` bits.
  const int place_bits = std::bit_width(rows.size() - 1);
  if ((high - low) >> (63 - place_bits) >> 1 == 0) {
    auto& packed = scratch.packed;
    packed.clear();
    for (size_t i = 0; i < rows.size(); ++i)
      packed.push_back((nulls_last(time[rows[i]]) - low) << place_bits | i);
    std::sort(packed.begin(), packed.end());
    scratch.rows.assign(rows.begin(), rows.end());
    const uint64_t place_mask = (uint64_t{1} << place_bits) - 1;
    for (size_t k = 0; k < packed.size(); ++k) {
      rows[k] = scratch.rows[packed[k] & place_mask];
      seq[rows[k]] = static_cast<int64_t>(k) + 1;
    }
    return;
  }
  auto& keyed = scratch.keyed;
  keyed.clear();
  for (const uint32_t r : rows) keyed.emplace_back(nulls_last(time[r]), r);
  std::sort(keyed.begin(), keyed.end());
  for (size_t k = 0; k < keyed.size(); ++k) {
    rows[k] = keyed[k].second;
    seq[rows[k]] = static_cast<int64_t>(k) + 1;
  }
}

}  // namespace

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
  std::vector<uint32_t> start, rows;
  order_by_key(
      n, group_of_key.size(), [&](size_t i) { return group[i]; }, start, rows);
  std::vector<uint32_t>().swap(group);  // freed before seq is allocated

  BigVector<int64_t> seq(n);
  parallel_for(start.size() - 1, threads, [&](size_t first_group, size_t last_group) {
    TimeSortScratch scratch;
    for (size_t g = first_group; g < last_group; ++g)
      number_by_time(std::span(rows).subspan(start[g], start[g + 1] - start[g]), time, scratch,
                     seq);
  });
  return seq;
}

void sequence_within_admissions(const BigVector<uint32_t>& admission, uint32_t first, size_t count,
                                const BigVector<int64_t>& subject, const BigVector<int64_t>& time,
                                int threads, BigVector<int64_t>& seq, std::vector<uint64_t>& start,
                                BigVector<uint32_t>& rows) {
  order_by_key(
      admission.size(), count, [&](size_t i) { return admission[i] - first; }, start, rows);
  resize_for_overwrite(seq, admission.size());
  parallel_for(count, threads, [&](size_t first_group, size_t last_group) {
    TimeSortScratch scratch;
    for (size_t g = first_group; g < last_group; ++g) {
      const auto admission_rows = std::span(rows).subspan(start[g], start[g + 1] - start[g]);
      // Each subject's rows numbered apart (an admission holds one subject's, in MIMIC: then
      // nothing moves here), file order kept within a subject.
      const auto by_subject = [&](uint32_t a, uint32_t b) { return subject[a] < subject[b]; };
      if (!std::is_sorted(admission_rows.begin(), admission_rows.end(), by_subject))
        std::stable_sort(admission_rows.begin(), admission_rows.end(), by_subject);
      for (auto run = admission_rows.begin(); run != admission_rows.end();) {
        const auto run_end = std::upper_bound(run, admission_rows.end(), *run, by_subject);
        number_by_time(std::span(run, run_end), time, scratch, seq);
        run = run_end;
      }
    }
  });
}

}  // namespace ehrtok
