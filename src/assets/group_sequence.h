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

// The same grouping for rows whose hadm_id is an admission given as its stg_admissions row
// admission[i] in [first, first + count): rows are bucketed by admission without hashing, then
// grouped by subject[i] within one (a row's own subject may differ from its admission's).
// Afterwards admission first + k's rows are rows[start[k]], ..., rows[start[k + 1] - 1], in the
// order that numbers them: (subject, time with NULLs last, i). `seq`, `start` and `rows` are
// replaced, their memory reused.
void sequence_within_admissions(const BigVector<uint32_t>& admission, uint32_t first, size_t count,
                                const BigVector<int64_t>& subject, const BigVector<int64_t>& time,
                                int threads, BigVector<int64_t>& seq, std::vector<uint64_t>& start,
                                BigVector<uint32_t>& rows);

}  // namespace ehrtok
