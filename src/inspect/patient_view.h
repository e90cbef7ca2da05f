// One patient's timeline for `ehrtok show`: summary, code-type distribution, admission history
// and the token sequence of each admission, as terminal text or JSON.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "table/column.h"

namespace ehrtok::inspect {

struct PatientToken {
  int64_t final_seq = 0;
  std::string code;
  std::string code_type;
  double offset_hours = 0;
  std::optional<int64_t> event_time;  // microseconds; NULL for diagnoses
};

struct PatientAdmission {
  int64_t hadm_id = 0;
  int64_t visit_seq = 0;
  std::optional<int64_t> admittime, dischtime, days_since_prior;
  uint64_t events = 0;  // tokens that are not time-bin tokens
  std::vector<PatientToken> tokens;
};

struct PatientView {
  int64_t subject_id = 0;
  std::vector<PatientAdmission> admissions;    // by visit_seq
  std::map<std::string, uint64_t> code_types;  // tokens per code_type
  uint64_t events = 0;
  uint64_t tokens = 0;
};

// The view of `subject` from chunks of tokens_final rows (rows of other subjects are ignored;
// needs subject_id, hadm_id, admittime, visit_seq, days_since_prior_admission, code, code_type,
// event_time, time_offset_hours, final_seq) and stg_admissions (all subjects or just this one).
// An admission without tokens is listed with 0 events. nullopt when the subject has neither
// admissions nor tokens.
std::optional<PatientView> build_patient_view(int64_t subject, std::span<const Table> tokens_final,
                                              const Table& stg_admissions);

// Terminal text; at most `limit` tokens per admission (0: all).
std::string format_patient_view(const PatientView& view, size_t limit);

// {"subject_id", "summary": {admissions, events, tokens, events_per_admission},
//  "code_types": [{code_type, tokens, share}], "admissions": [{visit_seq, hadm_id, admittime,
//  dischtime, days_since_prior_admission, events, tokens, tokens_shown,
//  "sequence": [{final_seq, code, code_type, time_offset_hours, event_time}]}]}
nlohmann::ordered_json patient_view_json(const PatientView& view, size_t limit);

}  // namespace ehrtok::inspect
