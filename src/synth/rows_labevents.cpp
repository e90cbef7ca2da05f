// labevents rows. A subject's labs come in draws (one charttime, several panels, one specimen
// per panel): during each stay an admission draw, morning draws and a few STAT draws; outside
// stays outpatient draws with NULL hadm_id. Many admissions get a draw in the 24 h before
// admittime (emergency department), including draws exactly at admittime and exactly 24 h
// before, plus near misses just outside that window, so SPEC.md stage 8's reclaim rule and its
// boundaries are exercised. labevent_id follows charttime within a subject.
#include <algorithm>
#include <cmath>

#include "synth/rows.h"

namespace ehrtok::synth {
namespace {

struct Draw {
  int64_t time;
  int64_t hadm_id;  // 0: NULL
  bool inpatient;
  bool operator<(const Draw& o) const { return time < o.time; }
};

class LabWriter {
 public:
  LabWriter(Rng& rng, const Subject& s, const Vocabulary& v, int64_t& next_id, LineBuffer& out)
      : rng_(rng),
        s_(s),
        labs_(v.labs),
        null_texts_(v.null_value_texts),
        next_id_(next_id),
        out_(out) {}

  void write(const Draw& d);

 private:
  void write_panel(const LabPanel& panel, const Draw& d);
  char* put_row(char* p, const LabItem& item, const Draw& d);
  char* put_value(char* p, const LabItem& item);
  char* put_number(char* p, const LabItem& item);
  char* put_text_value(char* p, const LabItem& item);

  Rng& rng_;
  const Subject& s_;
  const LabCatalog& labs_;
  const std::vector<std::string>& null_texts_;
  int64_t& next_id_;
  LineBuffer& out_;
  // Per draw and per specimen
  std::string_view priority_;
  bool has_provider_ = false;
  char provider_[6];
  uint64_t specimen_id_ = 0;
  int64_t storetime_ = 0;
};

void LabWriter::write(const Draw& d) {
  static constexpr std::string_view kInpatientPriority[] = {"STAT", "ROUTINE", "STAT", "ROUTINE",
                                                            "STAT", "ROUTINE", "STAT", ""};
  static constexpr std::string_view kOutpatientPriority[] = {"ROUTINE", "", "ROUTINE", "STAT"};
  priority_ = d.inpatient ? kInpatientPriority[rng_.below(8)] : kOutpatientPriority[rng_.below(4)];
  has_provider_ = rng_.chance(d.inpatient ? 0.1 : 0.3);
  if (has_provider_) put_provider(provider_, rng_);
  bool any = false;
  for (const LabPanel& panel : labs_.head) {
    if (rng_.chance(d.inpatient ? panel.inpatient_p : panel.outpatient_p)) {
      write_panel(panel, d);
      any = true;
    }
  }
  const int tail = rng_.poisson(d.inpatient ? 1.0 : 1.2);
  for (int i = 0; i < tail; ++i) write_panel(labs_.tail[labs_.tail_sampler(rng_)], d);
  if (!any && tail == 0) write_panel(labs_.head[0], d);
}

void LabWriter::write_panel(const LabPanel& panel, const Draw& d) {
  specimen_id_ = 1 + rng_.below(99'999'999);
  storetime_ = rng_.chance(0.03) ? 0 : d.time + rng_.between(10, 240) * kMinute;
  for (uint32_t item : panel.items) out_.end_line(put_row(out_.begin_line(), labs_.items[item], d));
}

char* LabWriter::put_row(char* p, const LabItem& item, const Draw& d) {
  p = put_sep(put_uint(p, static_cast<uint64_t>(next_id_++)));
  p = put_sep(put_uint(p, s_.subject_id));
  if (d.hadm_id != 0) p = put_uint(p, d.hadm_id);
  p = put_sep(p);
  p = put_sep(put_uint(p, specimen_id_));
  p = put_sep(put_uint(p, item.itemid));
  if (has_provider_) p = put_text(p, {provider_, 6});
  p = put_sep(put_timestamp(put_sep(p), d.time));
  if (storetime_ != 0) p = put_timestamp(p, storetime_);
  p = put_value(put_sep(p), item);  // value,valuenum,uom,lower,upper,flag
  p = put_sep(put_text(put_sep(p), priority_));
  if (!item.comments.empty() && rng_.chance(item.comment_share)) {
    p = put_text(p, item.comments[rng_.below(item.comments.size())]);
  } else if (rng_.chance(0.015)) {
    p = put_text(p, "___");
  }
  return p;
}

char* LabWriter::put_value(char* p, const LabItem& item) {
  switch (item.kind) {
    case LabKind::kNormal:
    case LabKind::kLogNormal:
      return put_number(p, item);
    case LabKind::kMixed:
      return rng_.chance(0.14) ? put_number(p, item) : put_text_value(p, item);
    case LabKind::kText:
      return put_text_value(p, item);
    case LabKind::kEmpty:
      break;
  }
  return put_sep(put_text(put_sep(put_sep(p)), item.units_ref));
}

// Rounded to the item's decimals, so values tie often, as real lab values do.
char* LabWriter::put_number(char* p, const LabItem& item) {
  if (rng_.chance(0.012)) {  // no number came: only a text (or nothing) in `value`
    p = put_text(p, null_texts_[rng_.below(null_texts_.size())]);
    return put_sep(put_text(put_sep(put_sep(p)), item.units_ref));
  }
  static constexpr double kPow10[] = {1, 10, 100, 1000};
  const double x = item.kind == LabKind::kNormal ? item.mu + item.sigma * rng_.normal()
                                                 : std::exp(item.mu + item.sigma * rng_.normal());
  const double scale = kPow10[item.decimals];
  int64_t scaled = std::llround(std::clamp(x, -1e9, 1e9) * scale);
  if (item.non_negative && scaled < 0) scaled = 0;
  if (item.masked_share > 0 && rng_.chance(item.masked_share)) {
    p = put_text(p, "___");
  } else {
    p = put_scaled(p, scaled, item.decimals, false);
  }
  p = put_scaled(put_sep(p), scaled, item.decimals, true);
  p = put_text(put_sep(p), item.units_ref);
  const double rounded = static_cast<double>(scaled) / scale;
  const bool abnormal = item.has_ref && (rounded < item.ref_lo || rounded > item.ref_hi);
  return put_text(put_sep(p), abnormal ? "abnormal" : "");
}

char* LabWriter::put_text_value(char* p, const LabItem& item) {
  const size_t a = rng_.below(item.texts.size()), b = rng_.below(item.texts.size());
  const size_t choice = std::min(a, b);  // the first (normal) answer is the most common
  p = put_sep(put_sep(put_text(p, item.texts[choice])));
  p = put_text(p, item.units_ref);
  return put_text(put_sep(p), choice > 0 && !item.texts[choice].empty() ? "abnormal" : "");
}

int64_t day_start(int64_t t) { return floor_div(t, kDay) * kDay; }

// Draws with the admission's hadm_id: on arrival, most mornings, some STAT draws.
void inpatient_draws(Rng& rng, const Admission& a, std::vector<Draw>& draws) {
  const int64_t arrival = rng.chance(0.015) ? a.admit - rng.between(1, 360) * kMinute  // in ED
                                            : a.admit + rng.between(0, 90) * kMinute;
  draws.push_back({std::min(arrival, a.disch), a.hadm_id, true});
  for (int64_t day = day_start(a.admit) + kDay; day + 4 * kHour < a.disch; day += kDay) {
    if (!rng.chance(0.72)) continue;
    int64_t t = day + 4 * kHour + rng.between(0, 150) * kMinute;
    if (rng.chance(0.4)) t = t / (15 * kMinute) * (15 * kMinute);
    draws.push_back({std::min(t, a.disch), a.hadm_id, true});
  }
  const int stat = rng.poisson(0.5 * static_cast<double>(a.disch - a.admit) / kDay);
  for (int i = 0; i < stat; ++i)
    draws.push_back({minute_between(rng, a.admit, a.disch), a.hadm_id, true});
}

// NULL-hadm draws around an admission: inside [admit - 24 h, admit] (reclaimable), on both
// boundaries, and just outside.
void pre_admission_draws(Rng& rng, const Admission& a, std::vector<Draw>& draws) {
  if (rng.chance(0.5)) {
    const double u = rng.uniform();
    const int64_t before = u < 0.05 ? 0 : u < 0.1 ? kDay : rng.between(1, 24 * 60 - 1) * kMinute;
    draws.push_back({a.admit - before, 0, false});
  }
  if (rng.chance(0.08)) draws.push_back({a.admit - kDay - rng.between(1, 180) * kMinute, 0, false});
  if (rng.chance(0.03)) draws.push_back({a.admit + rng.between(1, 60) * kMinute, 0, false});
}

bool during_stay(const Subject& s, int64_t t) {
  for (const Admission& a : s.admissions) {
    if (t >= a.admit && t <= a.disch) return true;
  }
  return false;
}

// Outpatient draws over the years around the stays, mostly in clinic hours.
void outpatient_draws(Rng& rng, const Subject& s, std::vector<Draw>& draws) {
  const int count = rng.poisson(2.3 + 3.4 * static_cast<double>(s.admissions.size()));
  for (int i = 0; i < count; ++i) {
    int64_t t = 0;
    for (int attempt = 0; attempt < 3; ++attempt) {
      t = minute_between(rng, s.window_begin, s.window_end);
      if (rng.chance(0.6)) t = day_start(t) + rng.between(7 * 60, 17 * 60) * kMinute;
      if (!during_stay(s, t)) break;
    }
    draws.push_back({t, 0, false});
  }
}

}  // namespace

void write_labevents(Rng& rng, const Subject& s, const Vocabulary& v, int64_t& next_labevent_id,
                     LineBuffer& out) {
  std::vector<Draw> draws;
  for (const Admission& a : s.admissions) {
    inpatient_draws(rng, a, draws);
    pre_admission_draws(rng, a, draws);
  }
  outpatient_draws(rng, s, draws);
  std::stable_sort(draws.begin(), draws.end());
  LabWriter writer(rng, s, v, next_labevent_id, out);
  for (const Draw& d : draws) writer.write(d);
}

}  // namespace ehrtok::synth
