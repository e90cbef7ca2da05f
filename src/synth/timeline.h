// One synthetic subject's hospital history: admissions, chronological and non-overlapping. All
// tables of the subject are generated from it, so events fall inside its admissions.
#pragma once

#include <cstdint>
#include <vector>

#include "synth/rng.h"

namespace ehrtok::synth {

struct Admission {
  int64_t hadm_id = 0;
  int64_t admit = 0, disch = 0;  // seconds since 1970-01-01, whole minutes as in MIMIC
  int icd_version = 10;
  bool died = false;
};

struct Subject {
  int64_t subject_id = 0;
  std::vector<Admission> admissions;         // chronological, non-overlapping
  int64_t window_begin = 0, window_end = 0;  // outpatient events happen in here
};

// Unique 8-digit hadm_ids (20000000-29999999, or up to 99999999 for very large runs) in a
// random-looking order, as MIMIC's: a keyed Feistel permutation of a counter. Beyond the 8-digit
// space ids continue sequentially from 100000000, still unique.
class HadmIds {
 public:
  HadmIds(uint64_t seed, int64_t patients);
  int64_t next();

 private:
  uint64_t permute(uint64_t x) const;

  uint64_t keys_[4];
  uint64_t domain_;
  int half_bits_;
  uint64_t counter_ = 0;
};

// subject_id of the index-th subject: 8 digits from 10000000 on, increasing with random gaps.
int64_t subject_id_for(uint64_t seed, int64_t index, int64_t patients);

void build_subject(Rng& rng, int64_t subject_id, HadmIds& ids, Subject& subject);

}  // namespace ehrtok::synth
