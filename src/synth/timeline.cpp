#include "synth/timeline.h"

#include <algorithm>
#include <cmath>

#include "synth/format.h"

namespace ehrtok::synth {
namespace {

constexpr int64_t kYear = 365 * kDay;
// Admissions fall in [2105, 2195); outpatient events may reach a few years further, so every
// timestamp stays within MIMIC's shifted 2100-2200.
constexpr int64_t kFirstAdmit = seconds_from_civil(2105, 1, 1);
constexpr int64_t kLastAdmit = seconds_from_civil(2195, 1, 1);
constexpr int64_t kMaxSpan = 80 * kYear;
constexpr int kMaxAdmissions = 150;

// P(N >= n) = n^-1.47, capped: mean about 2.45 admissions, 63% of subjects with one, 3.5% with
// ten or more (MIMIC-IV: 546k admissions of 223k subjects).
int admission_count(Rng& rng) {
  constexpr double kAlpha = 1.47;
  const double floor_u = std::pow(kMaxAdmissions + 1.0, -kAlpha);
  const double u = floor_u + (1.0 - floor_u) * (1.0 - rng.uniform());
  return std::clamp(static_cast<int>(std::pow(u, -1.0 / kAlpha)), 1, kMaxAdmissions);
}

// Length of stay: log-normal, median 2.9 days, mean about 4.6 days, hours to weeks.
int64_t length_of_stay(Rng& rng) {
  const double days = 2.9 * std::exp(0.95 * rng.normal());
  const int64_t minutes = std::llround(days * 24 * 60);
  return std::clamp<int64_t>(minutes, 2 * 60, 120 * 24 * 60) * kMinute;
}

// Time from a discharge to the next admission: some same-day and 30-day readmissions (which put
// pre-admission labs close to the previous stay), mostly months to years.
int64_t gap_after(Rng& rng, double mean_long_days) {
  const double u = rng.uniform();
  double days;
  if (u < 0.03) {
    days = rng.uniform(1.0 / 24, 22.0 / 24);
  } else if (u < 0.15) {
    days = 1.0 / 24 + rng.exponential(10);
  } else {
    days = 1.0 / 24 + rng.exponential(mean_long_days);
  }
  return std::llround(days * 24 * 60) * kMinute;
}

uint64_t feistel_round(uint64_t half, uint64_t key) {
  uint64_t s = half ^ key;
  return splitmix64(s);
}

}  // namespace

HadmIds::HadmIds(uint64_t seed, int64_t patients) {
  for (uint64_t i = 0; i < 4; ++i) keys_[i] = mix_seed(seed, 0x4841444Dull, i);  // "HADM"
  // About 2.45 admissions per subject; leave room for the heavy tail.
  const bool small = patients <= 2'000'000;
  domain_ = small ? 10'000'000 : 80'000'000;
  half_bits_ = small ? 12 : 14;  // 2^24 >= 1e7, 2^28 >= 8e7
}

uint64_t HadmIds::permute(uint64_t x) const {
  const uint64_t mask = (uint64_t{1} << half_bits_) - 1;
  // Cycle walking keeps the permutation inside [0, domain_).
  do {
    uint64_t left = x >> half_bits_, right = x & mask;
    for (uint64_t key : keys_) {
      const uint64_t next = left ^ (feistel_round(right, key) & mask);
      left = right;
      right = next;
    }
    x = (left << half_bits_) | right;
  } while (x >= domain_);
  return x;
}

int64_t HadmIds::next() {
  const uint64_t n = counter_++;
  if (n < domain_) return static_cast<int64_t>(20'000'000 + permute(n));
  return static_cast<int64_t>(100'000'000 + (n - domain_));
}

int64_t subject_id_for(uint64_t seed, int64_t index, int64_t patients) {
  const int64_t gap = std::clamp<int64_t>(89'999'999 / std::max<int64_t>(patients, 1), 1, 40);
  uint64_t s = mix_seed(seed, 0x5355424Aull, static_cast<uint64_t>(index));  // "SUBJ"
  return 10'000'000 + index * gap +
         static_cast<int64_t>(splitmix64(s) % static_cast<uint64_t>(gap));
}

void build_subject(Rng& rng, int64_t subject_id, HadmIds& ids, Subject& subject) {
  subject.subject_id = subject_id;
  const int n = admission_count(rng);
  const double mean_long_days = std::min(400.0, 60.0 * 365 / n);
  std::vector<int64_t> los(n), gap(n, 0);
  int64_t span = 0;
  for (int i = 0; i < n; ++i) {
    los[i] = length_of_stay(rng);
    if (i > 0) gap[i] = gap_after(rng, mean_long_days);
    span += los[i] + gap[i];
  }
  if (span > kMaxSpan) {  // squeeze the gaps of extreme subjects into the calendar window
    const double keep = static_cast<double>(kMaxSpan) / static_cast<double>(span);
    for (int i = 1; i < n; ++i)
      gap[i] = std::max<int64_t>(kHour, std::llround(gap[i] * keep) / kMinute * kMinute);
    span = 0;
    for (int i = 0; i < n; ++i) span += los[i] + gap[i];
  }
  const int64_t latest_start = std::max(kFirstAdmit, kLastAdmit - span);
  int64_t t = kFirstAdmit + rng.between(0, (latest_start - kFirstAdmit) / kMinute) * kMinute;
  const int icd9_count = static_cast<int>(rng.below(static_cast<uint64_t>(n) + 1));
  subject.admissions.resize(n);
  for (int i = 0; i < n; ++i) {
    Admission& a = subject.admissions[i];
    t += gap[i];
    a = {ids.next(), t, t + los[i], i < icd9_count ? 9 : 10, false};
    t = a.disch;
  }
  subject.admissions.back().died = rng.chance(0.08);
  subject.window_begin = subject.admissions.front().admit - 3 * kYear;
  subject.window_end = subject.admissions.back().died ? subject.admissions.back().disch
                                                      : subject.admissions.back().disch + 2 * kYear;
}

}  // namespace ehrtok::synth
