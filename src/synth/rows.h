// Row writers: each appends one subject's rows of one table, in MIMIC-IV's column order.
#pragma once

#include <cstdint>

#include "synth/format.h"
#include "synth/rng.h"
#include "synth/stream.h"
#include "synth/timeline.h"
#include "synth/vocab.h"

namespace ehrtok::synth {

// MIMIC-IV v2.2 hosp/ headers, exactly.
inline constexpr const char* kAdmissionsHeader =
    "subject_id,hadm_id,admittime,dischtime,deathtime,admission_type,admit_provider_id,"
    "admission_location,discharge_location,insurance,language,marital_status,race,edregtime,"
    "edouttime,hospital_expire_flag";
inline constexpr const char* kDiagnosesHeader = "subject_id,hadm_id,seq_num,icd_code,icd_version";
inline constexpr const char* kProceduresHeader =
    "subject_id,hadm_id,seq_num,chartdate,icd_code,icd_version";
inline constexpr const char* kPrescriptionsHeader =
    "subject_id,hadm_id,pharmacy_id,poe_id,poe_seq,order_provider_id,starttime,stoptime,"
    "drug_type,drug,formulary_drug_cd,gsn,ndc,prod_strength,form_rx,dose_val_rx,dose_unit_rx,"
    "form_val_disp,form_unit_disp,doses_per_24_hrs,route";
inline constexpr const char* kLabeventsHeader =
    "labevent_id,subject_id,hadm_id,specimen_id,itemid,order_provider_id,charttime,storetime,"
    "value,valuenum,valueuom,ref_range_lower,ref_range_upper,flag,priority,comments";

void write_admissions(Rng& rng, const Subject& s, LineBuffer& out);
void write_diagnoses(Rng& rng, const Subject& s, const Vocabulary& v, LineBuffer& out);
void write_procedures(Rng& rng, const Subject& s, const Vocabulary& v, LineBuffer& out);
void write_prescriptions(Rng& rng, const Subject& s, const Vocabulary& v, LineBuffer& out);
// `next_labevent_id` numbers rows in generation order across subjects.
void write_labevents(Rng& rng, const Subject& s, const Vocabulary& v, int64_t& next_labevent_id,
                     LineBuffer& out);

// Shared field helpers.
inline char* put_sep(char* p) {
  *p = ',';
  return p + 1;
}
// A provider id as MIMIC's: "P" and five characters.
inline char* put_provider(char* p, Rng& rng) {
  static constexpr char kChars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  *p++ = 'P';
  for (int i = 0; i < 5; ++i) *p++ = kChars[rng.below(36)];
  return p;
}
// A random whole minute in [lo, hi] (seconds since 1970, lo and hi whole minutes).
inline int64_t minute_between(Rng& rng, int64_t lo, int64_t hi) {
  return lo + rng.between(0, (hi - lo) / kMinute) * kMinute;
}

}  // namespace ehrtok::synth
