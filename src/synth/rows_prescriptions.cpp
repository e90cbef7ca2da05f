// prescriptions rows: about 37 per admission, more for longer stays. Starts mostly on the hour
// within the stay; a few rows without starttime or hadm_id; exact duplicates and same-drug,
// same-time pairs as MIMIC has them.
#include <algorithm>
#include <cmath>

#include "synth/rows.h"

namespace ehrtok::synth {
namespace {

struct Order {
  const Drug* drug;
  bool has_hadm, has_start;
  int64_t start, stop;
  int poe_seq;
};

int prescription_count(Rng& rng, const Admission& a) {
  if (rng.chance(0.06)) return 0;
  const double days = static_cast<double>(a.disch - a.admit) / kDay;
  const double mean = (3 + 6.5 * days) * std::exp(0.5 * rng.normal());
  return std::min(1500, static_cast<int>(std::lround(mean)));
}

// Orders start on the hour three times out of four, never before admission or after discharge.
int64_t start_time(Rng& rng, const Admission& a) {
  const int64_t t = minute_between(rng, a.admit, a.disch);
  const int64_t on_hour = (t + kHour - 1) / kHour * kHour;
  return (rng.chance(0.75) && on_hour <= a.disch) ? on_hour : t;
}

char* put_poe(char* p, const Subject& s, const Order& o, bool present) {
  if (present) {
    p = put_uint(p, s.subject_id);
    *p++ = '-';
    p = put_uint(p, o.poe_seq);
  }
  p = put_sep(p);
  if (present) p = put_uint(p, o.poe_seq);
  return put_sep(p);
}

char* put_row(char* p, Rng& rng, const Subject& s, const Admission& a, const Order& o) {
  p = put_sep(put_uint(p, s.subject_id));
  if (o.has_hadm) p = put_uint(p, a.hadm_id);
  p = put_sep(put_uint(put_sep(p), 10'000'000 + rng.below(90'000'000)));  // pharmacy_id
  p = put_poe(p, s, o, rng.chance(0.994));
  if (rng.chance(0.995)) p = put_provider(p, rng);
  p = put_sep(p);
  if (o.has_start) p = put_timestamp(p, o.start);
  p = put_sep(p);
  if (o.has_start && rng.chance(0.999)) p = put_timestamp(p, o.stop);
  p = put_sep(put_text(put_sep(p), o.drug->drug_type));
  p = put_sep(put_text(p, o.drug->middle));
  static constexpr int kDosesPerDay[] = {1, 1, 2, 3, 4, 6};
  if (rng.chance(0.6)) p = put_uint(p, static_cast<uint64_t>(kDosesPerDay[rng.below(6)]));
  return put_text(put_sep(p), o.drug->route);
}

Order make_order(Rng& rng, const Vocabulary& v, const Admission& a, int& poe_seq) {
  Order o;
  o.drug = &v.drugs.entries[v.drugs.sampler(rng)];
  o.has_hadm = !rng.chance(0.008);
  o.has_start = !rng.chance(0.004);
  o.start = start_time(rng, a);
  const int64_t longest = std::max<int64_t>(kHour, std::min<int64_t>(a.disch - o.start, 14 * kDay));
  o.stop = o.start + std::max<int64_t>(kHour, minute_between(rng, 0, longest) / kHour * kHour);
  o.poe_seq = poe_seq++;
  return o;
}

}  // namespace

void write_prescriptions(Rng& rng, const Subject& s, const Vocabulary& v, LineBuffer& out) {
  int poe_seq = static_cast<int>(rng.between(1, 60));
  for (const Admission& a : s.admissions) {
    const int count = prescription_count(rng, a);
    for (int i = 0; i < count; ++i) {
      Order o = make_order(rng, v, a, poe_seq);
      out.end_line(put_row(out.begin_line(), rng, s, a, o));
      if (rng.chance(0.04)) out.repeat_last();  // the very same row twice
      if (rng.chance(0.06)) {                   // a second pharmacy order: same drug, same start
        o.poe_seq = poe_seq++;
        out.end_line(put_row(out.begin_line(), rng, s, a, o));
      }
    }
  }
}

}  // namespace ehrtok::synth
