#include "assets/stg_labs.h"

#include <algorithm>

#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>

#include "assets/code_mapper.h"
#include "assets/group_sequence.h"

namespace ehrtok {
namespace {

// The LAB codes of the top items: bins 1..n for values, and one code for a NULL value.
class LabCodes {
 public:
  LabCodes(const TopLabs& top, const LabQuantiles& quantiles, CodeBook& book)
      : index_(top), bins_(static_cast<int>(quantiles.table.columns.size())), book_(book) {
    items_.assign(top.table.columns[0].ints.begin(), top.table.columns[0].ints.end());
    cuts_.assign(items_.size(), {});
    const size_t cut_count = quantiles.table.columns.size() - 1;
    for (size_t q = 0; q < quantiles.table.num_rows(); ++q) {
      auto& cuts = cuts_[index_.slot(quantiles.table.columns[0].ints[q])];
      for (size_t c = 1; c <= cut_count; ++c) cuts.push_back(quantiles.table.columns[c].doubles[q]);
    }
    ids_.assign(items_.size() * (bins_ + 1), UINT32_MAX);
  }

  // Slot of a top item, or -1.
  int64_t slot(int64_t itemid) const { return index_.slot(itemid); }

  // An item without quantiles puts every value in the last bin (SPEC.md).
  uint32_t code(size_t slot, bool null, double value) {
    const auto& cuts = cuts_[slot];
    const int bin = null ? 0
                    : cuts.empty()
                        ? bins_
                        : quantile_bin(cuts.data(), static_cast<int>(cuts.size()), value);
    uint32_t& id = ids_[slot * (bins_ + 1) + bin];
    if (id == UINT32_MAX)
      id = book_.intern(bin == 0 ? fmt::format("LAB:{}_NULL", items_[slot])
                                 : fmt::format("LAB:{}_Q{}", items_[slot], bin));
    return id;
  }

 private:
  TopItemIndex index_;
  int bins_;
  CodeBook& book_;
  std::vector<int64_t> items_;
  std::vector<std::vector<double>> cuts_;
  std::vector<uint32_t> ids_;
};

// For labs without hadm_id: the admission of the same subject whose admittime lies in
// [charttime, charttime + window], the earliest such (then smallest hadm_id).
class Reclaimer {
 public:
  Reclaimer(const StgAdmissions& admissions, int64_t window)
      : admissions_(admissions), window_(window) {
    // stg_admissions is ordered by (subject_id, admittime NULLs last, hadm_id): each subject's
    // admissions are one run, already in the order the tie-break needs.
    const auto& subject = admissions.subject_id();
    for (uint32_t i = 0; i < subject.size(); ++i) {
      auto [it, fresh] = runs_.try_emplace(subject[i], i, i + 1);
      if (!fresh) it->second.second = i + 1;
    }
  }

  // The hadm_id to give the row, or kNullId when no admission qualifies.
  int64_t reclaim(int64_t subject, int64_t charttime) const {
    auto it = runs_.find(subject);
    if (it == runs_.end()) return kNullId;
    const Column& admit = admissions_.admittime();
    uint32_t lo = it->second.first, hi = it->second.second;
    while (hi > lo && admit.is_null(hi - 1)) --hi;  // NULL admittimes never qualify
    const auto first = admit.ints.begin() + lo, last = admit.ints.begin() + hi;
    const auto at = std::lower_bound(first, last, charttime);
    if (at == last || *at > charttime + window_) return kNullId;
    return admissions_.hadm_id()[at - admit.ints.begin()];
  }

 private:
  const StgAdmissions& admissions_;
  int64_t window_;
  absl::flat_hash_map<int64_t, std::pair<uint32_t, uint32_t>> runs_;
};

}  // namespace

StagedEvents build_stg_labs(const mimic::RawTable& labevents, const TopLabs& top,
                            const LabQuantiles& quantiles, const StgAdmissions& admissions,
                            CodeBook& codes, const StgLabsOptions& options) {
  const Table& t = labevents.table;
  const Column& subject = t.column("subject_id");
  const Column& hadm = t.column("hadm_id");
  const Column& itemid = t.column("itemid");
  const Column& charttime = t.column("charttime");
  const Column& valuenum = t.column("valuenum");
  LabCodes lab_codes(top, quantiles, codes);
  const Reclaimer reclaimer(admissions, options.reclaim_window_micros);

  StagedEvents out;
  out.type = CodeType::Lab;
  out.reserve(t.num_rows());
  int64_t not_top = 0, not_reclaimed = 0, reclaimed = 0;
  for (size_t r = 0; r < t.num_rows(); ++r) {
    const int64_t slot = itemid.is_null(r) ? -1 : lab_codes.slot(itemid.ints[r]);
    if (slot < 0) {
      ++not_top;
      continue;
    }
    int64_t hadm_id = value_or(hadm, r, kNullId);
    if (hadm_id == kNullId) {
      if (!subject.is_null(r) && !charttime.is_null(r))
        hadm_id = reclaimer.reclaim(subject.ints[r], charttime.ints[r]);
      if (hadm_id == kNullId) {
        ++not_reclaimed;
        continue;
      }
      ++reclaimed;
    }
    out.push(value_or(subject, r, kNullId), hadm_id, value_or(charttime, r, kNullTime), 0,
             lab_codes.code(static_cast<size_t>(slot), valuenum.is_null(r),
                            valuenum.is_null(r) ? 0 : valuenum.doubles[r]));
  }
  out.seq_num = sequence_within_groups(out.subject_id, out.hadm_id, out.event_time);
  out.counts.rows_in = labevents.rows_kept();
  out.counts.rows_out = static_cast<int64_t>(out.size());
  out.counts.drop("itemid not in top_200_labs", not_top);
  out.counts.drop("hadm_id NULL and no admission within the reclaim window", not_reclaimed);
  out.counts.note("reclaimed (hadm_id NULL, admission within the window)", reclaimed);
  return out;
}

}  // namespace ehrtok
