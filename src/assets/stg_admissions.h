// stg_admissions: admissions with visit order and days since the prior admission
// (SPEC.md asset 4), plus the hadm_id lookups the event stages join with.
#pragma once

#include <cstdint>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "assets/asset_counts.h"
#include "assets/staged_events.h"
#include "mimic/raw_table.h"
#include "table/column.h"

namespace ehrtok {

struct StgAdmissions {
  // subject_id, hadm_id, admittime, dischtime, visit_seq, days_since_prior_admission;
  // rows ordered by (subject_id, visit_seq). Row index = the admission's rank.
  Table table;
  absl::flat_hash_map<int64_t, uint32_t> rank_of_hadm;
  AssetCounts counts;

  size_t size() const { return table.num_rows(); }
  const BigVector<int64_t>& subject_id() const { return table.columns[0].ints; }
  const BigVector<int64_t>& hadm_id() const { return table.columns[1].ints; }
  const Column& admittime() const { return table.columns[2]; }
  const BigVector<int64_t>& visit_seq() const { return table.columns[4].ints; }
  const Column& days_since_prior() const { return table.columns[5]; }
  // The admission's rank, or -1 when hadm_id is not an admission.
  int64_t find(int64_t hadm) const {
    auto it = rank_of_hadm.find(hadm);
    return it == rank_of_hadm.end() ? -1 : static_cast<int64_t>(it->second);
  }
};

// The admission row of each event in turn, or -1; events of one admission mostly come
// together, so the last answer is kept.
class AdmissionFinder {
 public:
  explicit AdmissionFinder(const StgAdmissions& admissions) : admissions_(admissions) {}
  int64_t rank(int64_t hadm) {
    if (hadm != last_hadm_) {
      last_rank_ = hadm == kNullId ? -1 : admissions_.find(hadm);
      last_hadm_ = hadm;
    }
    return last_rank_;
  }

 private:
  const StgAdmissions& admissions_;
  int64_t last_hadm_ = kNullId, last_rank_ = -1;
};

// visit_seq = 1, 2, ... per subject in order of (admittime NULLs last, hadm_id);
// days_since_prior_admission = calendar days between this and the previous admittime (NULL for
// the first visit or when either admittime is NULL).
// Rows with NULL hadm_id are dropped (SPEC.md); so are rows with NULL subject_id and repeated
// hadm_ids (after the first in file order), which would make the join ambiguous.
StgAdmissions build_stg_admissions(const mimic::RawTable& admissions);

// stg_admissions read back from its stored table (rows already in (subject_id, visit_seq)
// order); throws InputError when the table is not one (wrong columns, repeated hadm_id).
StgAdmissions stg_admissions_from_table(Table table);

}  // namespace ehrtok
