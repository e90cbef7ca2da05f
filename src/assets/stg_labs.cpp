#include "assets/stg_labs.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "assets/group_sequence.h"
#include "util/parallel_for.h"

namespace ehrtok {

LabCodes::LabCodes(const TopLabs& top, const LabQuantiles& quantiles, CodeBook& book)
    : index_(top), bins_(static_cast<int>(quantiles.table.columns.size())) {
  const auto& items = top.table.columns[0].ints;
  cuts_.assign(items.size(), {});
  const size_t cut_count = quantiles.table.columns.size() - 1;
  for (size_t q = 0; q < quantiles.table.num_rows(); ++q) {
    auto& cuts = cuts_[index_.slot(quantiles.table.columns[0].ints[q])];
    for (size_t c = 1; c <= cut_count; ++c) cuts.push_back(quantiles.table.columns[c].doubles[q]);
  }
  for (size_t slot = 0; slot < items.size(); ++slot)
    for (int bin = 0; bin <= bins_; ++bin)
      ids_.push_back(book.intern(bin == 0 ? fmt::format("LAB:{}_NULL", items[slot])
                                          : fmt::format("LAB:{}_Q{}", items[slot], bin)));
}

uint32_t LabCodes::key(size_t slot, bool null, double value) const {
  const auto& cuts = cuts_[slot];
  const int bin = null           ? 0
                  : cuts.empty() ? bins_
                                 : quantile_bin(cuts.data(), static_cast<int>(cuts.size()), value);
  return static_cast<uint32_t>(slot * (bins_ + 1) + bin);
}

namespace {

// The tallies of the top items, summed, and the rows of all other items (NULL itemid included).
struct TopTally {
  ItemTally top;
  int64_t not_top = 0;
};

TopTally top_tally(const LabItems& items, const TopLabs& top) {
  const TopItemIndex index(top);
  TopTally out;
  out.not_top = items.null_item.rows();
  for (const auto& [item, tally] : items.tally) {
    if (index.slot(item) >= 0)
      out.top.add(tally);
    else
      out.not_top += tally.rows();
  }
  return out;
}

}  // namespace

AssetCounts stg_labs_counts(const LabItems& items, const TopLabs& top) {
  const TopTally t = top_tally(items, top);
  AssetCounts counts;
  counts.rows_in = items.rows;
  counts.rows_out = t.top.original + t.top.reclaimed;
  counts.drop("itemid not in top_200_labs", t.not_top);
  counts.drop("hadm_id NULL and no admission within the reclaim window", t.top.not_reclaimed);
  counts.note("reclaimed (hadm_id NULL, admission within the window)", t.top.reclaimed);
  return counts;
}

int64_t stg_labs_rows_without_admission(const LabItems& items, const TopLabs& top) {
  return top_tally(items, top).top.orphaned;
}

void build_stg_labs(const LabRowSpans& rows, const std::vector<int64_t>& item_ids,
                    uint32_t first_admission, size_t admission_count, const LabCodes& codes,
                    const StgAdmissions& admissions, StagedEvents& out,
                    BigVector<uint32_t>& admission, JoinedStage& joined, int threads,
                    const std::function<void()>& done_reading) {
  // Each span counts its kept rows, then writes them at their place, both on all threads.
  std::vector<int64_t> slot_of(item_ids.size());  // LabRow::item -> top slot or -1
  for (size_t i = 0; i < item_ids.size(); ++i) slot_of[i] = codes.slot(item_ids[i]);
  std::vector<size_t> first_out(rows.size() + 1, 0);
  parallel_each(rows.size(), threads, [&](size_t i) {
    for (const LabRow& row : rows[i]) first_out[i + 1] += slot_of[row.item] >= 0;
  });
  std::partial_sum(first_out.begin(), first_out.end(), first_out.begin());
  out.type = CodeType::Lab;
  const size_t kept = first_out.back();
  for (auto* v : {&out.subject_id, &out.hadm_id, &out.event_time}) resize_for_overwrite(*v, kept);
  resize_for_overwrite(out.code, kept);
  resize_for_overwrite(admission, kept);
  const auto& hadm_id = admissions.hadm_id();
  parallel_each(rows.size(), threads, [&](size_t i) {
    size_t o = first_out[i];
    for (const LabRow& row : rows[i]) {
      const int64_t slot = slot_of[row.item];
      if (slot < 0) continue;
      out.subject_id[o] = row.subject_id;
      out.hadm_id[o] = hadm_id[row.admission];
      out.event_time[o] = row.charttime;
      out.code[o] =
          codes.code(codes.key(static_cast<size_t>(slot), !row.has_value(), row.valuenum));
      admission[o++] = row.admission;
    }
  });
  if (done_reading) done_reading();  // `rows` may be gone from here on
  sequence_within_admissions(admission, first_admission, admission_count, out.subject_id,
                             out.event_time, threads, out.seq_num, joined.start, joined.rows);
  joined.events = &out;
  joined.first_admission = first_admission;
  joined.without_admission = static_cast<int64_t>(out.size() - joined.start.back());
  out.counts.rows_out = static_cast<int64_t>(out.size());
}

}  // namespace ehrtok
