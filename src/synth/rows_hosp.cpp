// admissions, diagnoses_icd and procedures_icd rows.
#include <algorithm>
#include <cmath>
#include <string_view>

#include "synth/rows.h"
#include "synth/vocab_build.h"

namespace ehrtok::synth {
namespace {

// Categorical columns, most frequent first (pick() favours the front), as in MIMIC-IV.
const std::string_view kAdmissionTypes[] = {
    "EW EMER.",       "OBSERVATION ADMIT",           "URGENT",
    "EU OBSERVATION", "SURGICAL SAME DAY ADMISSION", "DIRECT EMER.",
    "ELECTIVE",       "DIRECT OBSERVATION",          "AMBULATORY OBSERVATION"};
const std::string_view kReferralLocations[] = {"PHYSICIAN REFERRAL",
                                               "TRANSFER FROM HOSPITAL",
                                               "CLINIC REFERRAL",
                                               "PROCEDURE SITE",
                                               "WALK-IN/SELF REFERRAL",
                                               "PACU",
                                               "TRANSFER FROM SKILLED NURSING FACILITY",
                                               "INFORMATION NOT AVAILABLE"};
const std::string_view kDischargeLocations[] = {"HOME",
                                                "HOME HEALTH CARE",
                                                "SKILLED NURSING FACILITY",
                                                "",
                                                "REHAB",
                                                "CHRONIC/LONG TERM ACUTE CARE",
                                                "HOSPICE",
                                                "AGAINST ADVICE",
                                                "PSYCH FACILITY",
                                                "ACUTE HOSPITAL"};
const std::string_view kInsurance[] = {"Other", "Medicare", "Medicaid", "Private"};
const std::string_view kLanguages[] = {"ENGLISH", "ENGLISH", "ENGLISH", "?",
                                       "SPANISH", "RUSSIAN", "CHINESE", "PORTUGUESE"};
const std::string_view kMarital[] = {"MARRIED", "SINGLE", "WIDOWED", "DIVORCED", ""};
const std::string_view kRaces[] = {"WHITE",
                                   "WHITE",
                                   "BLACK/AFRICAN AMERICAN",
                                   "UNKNOWN",
                                   "OTHER",
                                   "HISPANIC/LATINO - PUERTO RICAN",
                                   "ASIAN",
                                   "WHITE - OTHER EUROPEAN",
                                   "UNABLE TO OBTAIN",
                                   "BLACK/CAPE VERDEAN",
                                   "ASIAN - CHINESE",
                                   "PATIENT DECLINED TO ANSWER"};

// Attributes that stay the same over a subject's admissions.
struct Person {
  std::string_view insurance, language, marital, race;
};

char* put_admission(char* p, Rng& rng, const Subject& s, const Admission& a, const Person& who) {
  const std::string_view type = pick(rng, kAdmissionTypes);
  const bool emergency = type.starts_with("EW") || type.starts_with("EU") ||
                         type.find("EMER") != std::string_view::npos;
  p = put_sep(put_uint(put_sep(put_uint(p, s.subject_id)), a.hadm_id));
  p = put_sep(put_timestamp(put_sep(put_timestamp(p, a.admit)), a.disch));
  if (a.died) p = put_timestamp(p, a.disch);
  p = put_sep(put_text(put_sep(p), type));
  p = put_sep(put_provider(p, rng));
  p = put_sep(put_text(p, emergency ? "EMERGENCY ROOM" : pick(rng, kReferralLocations)));
  p = put_sep(put_text(p, a.died ? "DIED" : pick(rng, kDischargeLocations)));
  p = put_sep(put_text(p, who.insurance));
  p = put_sep(put_text(p, who.language));
  p = put_sep(put_text(p, who.marital));
  p = put_sep(put_text(p, who.race));
  if (emergency) {  // registered in the ED some hours before admission
    p = put_timestamp(p, a.admit - rng.between(30, 14 * 60) * kMinute);
    p = put_timestamp(put_sep(p), a.admit + rng.between(0, 180) * kMinute);
  } else {
    p = put_sep(p);
  }
  return put_uint(put_sep(p), a.died ? 1 : 0);
}

// diagnoses per admission: 1 + two exponentials (mean 11.5, sd about 8, at most 39).
int diagnosis_count(Rng& rng) {
  const double x = rng.exponential(5.55) + rng.exponential(5.55);
  return std::min(39, 1 + static_cast<int>(x));
}

// Distinct codes, except for a few admissions that list one code twice (MIMIC has some).
void draw_codes(Rng& rng, const Codes& codes, int count, std::vector<uint32_t>& out) {
  out.clear();
  for (int i = 0; i < count; ++i) {
    uint32_t c = static_cast<uint32_t>(codes.sampler(rng));
    for (int retry = 0; retry < 4 && std::find(out.begin(), out.end(), c) != out.end(); ++retry) {
      c = static_cast<uint32_t>(codes.sampler(rng));
    }
    out.push_back(c);
  }
  if (count >= 3 && rng.chance(0.03)) out.back() = out[rng.below(out.size() - 1)];
}

char* put_code_row_start(char* p, const Subject& s, const Admission& a, int seq) {
  return put_sep(put_uint(put_sep(put_uint(put_sep(put_uint(p, s.subject_id)), a.hadm_id)), seq));
}

}  // namespace

void write_admissions(Rng& rng, const Subject& s, LineBuffer& out) {
  const Person who{pick(rng, kInsurance), pick(rng, kLanguages), pick(rng, kMarital),
                   pick(rng, kRaces)};
  for (const Admission& a : s.admissions)
    out.end_line(put_admission(out.begin_line(), rng, s, a, who));
}

void write_diagnoses(Rng& rng, const Subject& s, const Vocabulary& v, LineBuffer& out) {
  std::vector<uint32_t> picked;
  for (const Admission& a : s.admissions) {
    const Codes& codes = a.icd_version == 9 ? v.dx9 : v.dx10;
    draw_codes(rng, codes, diagnosis_count(rng), picked);
    for (size_t i = 0; i < picked.size(); ++i) {
      char* p = put_code_row_start(out.begin_line(), s, a, static_cast<int>(i + 1));
      p = put_sep(put_text(p, codes.entries[picked[i]]));
      out.end_line(put_uint(p, static_cast<uint64_t>(a.icd_version)));
    }
  }
}

// 45% of admissions have procedures: 1 + geometric (mean 3.5), 1.58 per admission overall.
void write_procedures(Rng& rng, const Subject& s, const Vocabulary& v, LineBuffer& out) {
  std::vector<uint32_t> picked;
  std::vector<int64_t> dates;
  for (const Admission& a : s.admissions) {
    if (!rng.chance(0.45)) continue;
    const int count = std::min(40, 1 + static_cast<int>(rng.exponential(2.95)));
    const Codes& codes = a.icd_version == 9 ? v.pr9 : v.pr10;
    draw_codes(rng, codes, count, picked);
    dates.clear();
    for (int i = 0; i < count; ++i) dates.push_back(minute_between(rng, a.admit, a.disch));
    std::sort(dates.begin(), dates.end());  // seq_num roughly follows the calendar
    for (int i = 0; i < count; ++i) {
      char* p = put_code_row_start(out.begin_line(), s, a, i + 1);
      p = put_sep(put_date(p, dates[i]));
      p = put_sep(put_text(p, codes.entries[picked[i]]));
      out.end_line(put_uint(p, static_cast<uint64_t>(a.icd_version)));
    }
  }
}

}  // namespace ehrtok::synth
