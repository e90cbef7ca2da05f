#include "assets/stg_labs.h"

#include <algorithm>
#include <array>

#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>

#include "assets/code_mapper.h"
#include "assets/group_sequence.h"
#include "util/parallel_for.h"

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

  // The code's key: its item's slot and bin (0 for a NULL value). An item without quantiles puts
  // every value in the last bin (SPEC.md). Safe on any thread.
  uint32_t key(size_t slot, bool null, double value) const {
    const auto& cuts = cuts_[slot];
    const int bin = null ? 0
                    : cuts.empty()
                        ? bins_
                        : quantile_bin(cuts.data(), static_cast<int>(cuts.size()), value);
    return static_cast<uint32_t>(slot * (bins_ + 1) + bin);
  }

  // The CodeBook id of a key, interned on first use.
  uint32_t code(uint32_t key) {
    uint32_t& id = ids_[key];
    if (id == UINT32_MAX) {
      const auto slot = key / (bins_ + 1), bin = key % (bins_ + 1);
      id = book_.intern(bin == 0 ? fmt::format("LAB:{}_NULL", items_[slot])
                                 : fmt::format("LAB:{}_Q{}", items_[slot], bin));
    }
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

// What becomes of a labevents row: dropped (not a top item; no hadm_id and no admission within
// the window) or kept (reclaimed into an admission; with its own hadm_id).
enum LabFate : size_t { kNotTop, kNotReclaimed, kReclaimed, kOriginal, kFates };

// A contiguous range of labevents rows, decided on one thread.
struct RowRange {
  size_t begin = 0, end = 0;
  size_t first_out = 0;                // where its kept rows go in stg_labs
  std::array<int64_t, kFates> rows{};  // by fate

  int64_t kept() const { return rows[kReclaimed] + rows[kOriginal]; }
};

}  // namespace

StagedEvents build_stg_labs(const mimic::RawTable& labevents, const TopLabs& top,
                            const LabQuantiles& quantiles, const StgAdmissions& admissions,
                            CodeBook& codes, const StgLabsOptions& options, int threads,
                            const std::function<void()>& done_reading) {
  const Table& t = labevents.table;
  const Column& subject = t.column("subject_id");
  const Column& hadm = t.column("hadm_id");
  const Column& itemid = t.column("itemid");
  const Column& charttime = t.column("charttime");
  const Column& valuenum = t.column("valuenum");
  LabCodes lab_codes(top, quantiles, codes);
  const Reclaimer reclaimer(admissions, options.reclaim_window_micros);

  // The fate of row r; a kept row also gets its top-item slot and hadm_id.
  auto decide = [&](size_t r, int64_t& slot, int64_t& hadm_id) -> LabFate {
    slot = itemid.is_null(r) ? -1 : lab_codes.slot(itemid.ints[r]);
    if (slot < 0) return kNotTop;
    hadm_id = value_or(hadm, r, kNullId);
    if (hadm_id != kNullId) return kOriginal;
    if (!subject.is_null(r) && !charttime.is_null(r))
      hadm_id = reclaimer.reclaim(subject.ints[r], charttime.ints[r]);
    return hadm_id == kNullId ? kNotReclaimed : kReclaimed;
  };

  // Each range counts its kept rows, then writes them at its place (code keys for now), both on
  // all threads; then the keys become codes in row order, so that codes are interned in the
  // order of a single pass.
  const size_t n = t.num_rows(), parts = static_cast<size_t>(std::max(threads, 1));
  std::vector<RowRange> ranges(parts);
  for (size_t p = 0; p < parts; ++p)
    ranges[p] = {.begin = n * p / parts, .end = n * (p + 1) / parts};
  parallel_each(parts, threads, [&](size_t p) {
    int64_t slot = -1, hadm_id = kNullId;
    for (size_t r = ranges[p].begin; r < ranges[p].end; ++r)
      ++ranges[p].rows[decide(r, slot, hadm_id)];
  });
  StagedEvents out;
  out.type = CodeType::Lab;
  size_t kept = 0;
  for (auto& range : ranges) {
    range.first_out = kept;
    kept += static_cast<size_t>(range.kept());
  }
  out.subject_id.resize(kept);
  out.hadm_id.resize(kept);
  out.event_time.resize(kept);
  out.code.resize(kept);
  parallel_each(parts, threads, [&](size_t p) {
    size_t o = ranges[p].first_out;
    int64_t slot = -1, hadm_id = kNullId;
    for (size_t r = ranges[p].begin; r < ranges[p].end; ++r) {
      const LabFate fate = decide(r, slot, hadm_id);
      if (fate != kOriginal && fate != kReclaimed) continue;
      out.subject_id[o] = value_or(subject, r, kNullId);
      out.hadm_id[o] = hadm_id;
      out.event_time[o] = value_or(charttime, r, kNullTime);
      out.code[o++] = lab_codes.key(static_cast<size_t>(slot), valuenum.is_null(r),
                                    valuenum.is_null(r) ? 0 : valuenum.doubles[r]);
    }
  });
  out.counts.rows_in = labevents.rows_kept();
  if (done_reading) done_reading();  // `labevents` may be gone from here on

  for (auto& code : out.code) code = lab_codes.code(code);
  out.seq_num = sequence_within_groups(out.subject_id, out.hadm_id, out.event_time, threads);

  std::array<int64_t, kFates> rows{};
  for (const auto& range : ranges)
    for (size_t f = 0; f < kFates; ++f) rows[f] += range.rows[f];
  out.counts.rows_out = static_cast<int64_t>(out.size());
  out.counts.drop("itemid not in top_200_labs", rows[kNotTop]);
  out.counts.drop("hadm_id NULL and no admission within the reclaim window", rows[kNotReclaimed]);
  out.counts.note("reclaimed (hadm_id NULL, admission within the window)", rows[kReclaimed]);
  return out;
}

}  // namespace ehrtok
