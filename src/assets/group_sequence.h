// Numbering rows 1, 2, ... within groups: the seq_num of stg_medications and stg_labs, which
// SPEC.md defines per (subject_id, hadm_id) in order of (time with NULLs last, file order).
#pragma once

#include <cstdint>
#include <vector>

#include "table/big_vector.h"

namespace ehrtok {

// For rows i with keys (subject[i], hadm[i]) and times time[i] (kNullTime = NULL), returns
// seq[i] = 1 + number of rows of the same group that come before row i in the order
// (time NULLs last, i). Linear bucketing by group, then a small sort per group (groups sorted on
// `threads` threads).
BigVector<int64_t> sequence_within_groups(const BigVector<int64_t>& subject,
                                          const BigVector<int64_t>& hadm,
                                          const BigVector<int64_t>& time, int threads = 1);

}  // namespace ehrtok
