#include "inspect/sequence_stats.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>

#include "assets/tokens_final.h"
#include "inspect/quality_checks.h"

namespace ehrtok::inspect {
namespace {

using json = nlohmann::ordered_json;

constexpr const char* kTimeBinType = "time_bin";

std::vector<int64_t> values_of(const absl::flat_hash_map<int64_t, int64_t>& counts) {
  std::vector<int64_t> values;
  values.reserve(counts.size());
  for (const auto& [key, n] : counts) values.push_back(n);
  return values;
}

double share(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

// Ranks 1..10, then about 20 per decade, and the last: enough for a smooth log-log line.
std::vector<size_t> log_spaced_ranks(size_t n) {
  std::vector<size_t> ranks;
  for (size_t r = 1; r <= std::min<size_t>(n, 10); ++r) ranks.push_back(r);
  for (int k = 21;; ++k) {
    const auto r = static_cast<size_t>(std::llround(std::pow(10.0, k / 20.0)));
    if (r > n) break;
    if (r > ranks.back()) ranks.push_back(r);
  }
  if (n > 0 && ranks.back() != n) ranks.push_back(n);
  return ranks;
}

json top_200_coverage_json(const Table& top) {
  const Column& pct = top.column("pct");
  const Column& freq = top.column("freq");
  json cumulative = json::array();
  double sum = 0;
  uint64_t rows = 0;
  for (size_t r = 0; r < top.num_rows(); ++r) {
    sum += pct.is_null(r) ? 0 : pct.doubles[r];
    rows += freq.is_null(r) ? 0 : static_cast<uint64_t>(freq.ints[r]);
    cumulative.push_back(sum);
  }
  return {{"items", top.num_rows()},
          {"lab_rows_covered", rows},
          {"coverage_pct", sum},
          {"cumulative_pct", cumulative}};
}

}  // namespace

int64_t percentile_nearest_rank(std::span<const int64_t> sorted, int p) {
  const uint64_t n = sorted.size();
  const uint64_t rank = (static_cast<uint64_t>(p) * n + 99) / 100;  // ceil(p * n / 100)
  return sorted[std::max<uint64_t>(rank, 1) - 1];
}

LengthSummary summarize_lengths(std::vector<int64_t> lengths) {
  LengthSummary s;
  s.longer_than.assign(std::size(kContextSizes), 0);
  if (lengths.empty()) return s;
  std::sort(lengths.begin(), lengths.end());
  s.count = lengths.size();
  for (int64_t v : lengths) {
    s.total += static_cast<uint64_t>(v);
    const size_t bin = v < 1 ? 0 : std::bit_width(static_cast<uint64_t>(v)) - 1;
    if (bin >= s.log2_bins.size()) s.log2_bins.resize(bin + 1, 0);
    ++s.log2_bins[bin];
    for (size_t t = 0; t < std::size(kContextSizes); ++t) s.longer_than[t] += v > kContextSizes[t];
  }
  s.min = lengths.front();
  s.max = lengths.back();
  s.mean = static_cast<double>(s.total) / static_cast<double>(s.count);
  s.p50 = percentile_nearest_rank(lengths, 50);
  s.p90 = percentile_nearest_rank(lengths, 90);
  s.p99 = percentile_nearest_rank(lengths, 99);
  return s;
}

json length_summary_json(const LengthSummary& s) {
  json bins = json::array();
  for (size_t k = 0; k < s.log2_bins.size(); ++k)
    bins.push_back(
        {{"from", uint64_t{1} << k}, {"to", uint64_t{2} << k}, {"count", s.log2_bins[k]}});
  json longer = json::array();
  for (size_t t = 0; t < s.longer_than.size(); ++t)
    longer.push_back({{"tokens", kContextSizes[t]},
                      {"count", s.longer_than[t]},
                      {"share", share(s.longer_than[t], s.count)}});
  return {{"count", s.count},       {"total", s.total},     {"min", s.min}, {"p50", s.p50},
          {"p90", s.p90},           {"p99", s.p99},         {"max", s.max}, {"mean", s.mean},
          {"histogram_log2", bins}, {"longer_than", longer}};
}

SequenceStatsBuilder::SequenceStatsBuilder(std::vector<std::string> time_bin_names)
    : bin_names_(time_bin_names.empty() ? TimeBins{}.names : std::move(time_bin_names)),
      bins_(bin_names_.size()) {}

size_t SequenceStatsBuilder::bin_slot(std::string_view name) {
  for (size_t b = 0; b < bin_names_.size(); ++b)
    if (bin_names_[b] == name) return b;
  bin_names_.emplace_back(name);
  bins_.emplace_back();
  return bins_.size() - 1;
}

void SequenceStatsBuilder::consume(const Table& chunk) {
  const Column& subject = chunk.column("subject_id");
  const Column& hadm = chunk.column("hadm_id");
  const Column& code = chunk.column("code");
  const Column& type = chunk.column("code_type");
  // Per dictionary entry of this chunk: row count, first code_type, time-bin slot (-1: none).
  const size_t code_entries = code.dictionary ? code.dictionary->size() : 0;
  std::vector<uint64_t> code_rows(code_entries, 0);
  std::vector<int64_t> code_type_of(code_entries, -1);
  std::vector<int64_t> slot_of(code_entries, -2);  // -2: not looked up yet
  std::vector<int8_t> type_is_bin(type.dictionary ? type.dictionary->size() : 0, -1);
  for (size_t i = 0; i < chunk.num_rows(); ++i) {
    const int64_t h = value_or(hadm, i, 0);
    if (!in_admission_ || h != hadm_) current_bin_ = -1;
    in_admission_ = true;
    hadm_ = h;
    ++tokens_per_admission_[h];
    ++tokens_per_patient_[value_or(subject, i, 0)];
    if (code.is_null(i) || type.is_null(i)) continue;
    const uint32_t c = code.codes[i], t = type.codes[i];
    ++code_rows[c];
    if (code_type_of[c] < 0) code_type_of[c] = t;
    if (type_is_bin[t] < 0) type_is_bin[t] = type.dictionary->at(t) == kTimeBinType;
    if (type_is_bin[t]) {
      if (slot_of[c] == -2) slot_of[c] = static_cast<int64_t>(bin_slot(code.string_at(i)));
      current_bin_ = static_cast<int>(slot_of[c]);
      ++bins_[current_bin_].tokens;
    } else {
      ++events_per_admission_[h];
      if (current_bin_ >= 0) ++bins_[current_bin_].events;
    }
  }
  for (size_t c = 0; c < code_entries; ++c) {
    if (code_rows[c] == 0) continue;
    auto& entry = codes_[std::string(code.dictionary->at(static_cast<uint32_t>(c)))];
    if (entry.count == 0) entry.code_type = type.dictionary->at(code_type_of[c]);
    entry.count += code_rows[c];
  }
  rows_ += chunk.num_rows();
}

json SequenceStatsBuilder::finish(const Table& top_200_labs, const Table& stg_admissions) const {
  json out;
  out["percentile_definition"] = kPercentileDefinition;
  out["tokens"] = rows_;
  out["admissions"] = tokens_per_admission_.size();
  out["patients"] = tokens_per_patient_.size();
  uint64_t without_tokens = 0;
  const Column& hadm = stg_admissions.column("hadm_id");
  for (size_t r = 0; r < hadm.size(); ++r)
    without_tokens += hadm.is_null(r) || !tokens_per_admission_.contains(hadm.ints[r]);
  out["admissions_without_tokens"] = without_tokens;
  out["tokens_per_admission"] =
      length_summary_json(summarize_lengths(values_of(tokens_per_admission_)));
  out["tokens_per_patient"] =
      length_summary_json(summarize_lengths(values_of(tokens_per_patient_)));
  // Admissions with time-bin tokens only have no entry: count them as 0 events.
  auto events = values_of(events_per_admission_);
  events.resize(tokens_per_admission_.size(), 0);
  out["events_per_admission"] = length_summary_json(summarize_lengths(std::move(events)));

  // Codes by count (descending), ties by code, for a deterministic rank order.
  std::vector<std::pair<std::string_view, const CodeCount*>> ranked;
  ranked.reserve(codes_.size());
  for (const auto& [code, count] : codes_) ranked.emplace_back(code, &count);
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second->count != b.second->count ? a.second->count > b.second->count
                                              : a.first < b.first;
  });

  std::map<std::string, std::pair<uint64_t, uint64_t>> types;  // tokens, distinct codes
  std::map<std::string, uint64_t> lab_bins;
  uint64_t singletons = 0;
  for (const auto& [code, count] : ranked) {
    auto& t = types[count->code_type];
    t.first += count->count;
    ++t.second;
    singletons += count->count == 1;
    int64_t itemid;
    if (count->code_type == "lab" && lab_itemid(code, itemid))
      lab_bins[std::string(lab_suffix(code))] += count->count;
  }
  json code_types = json::array();
  for (const auto& [name, t] : types)
    code_types.push_back({{"code_type", name},
                          {"tokens", t.first},
                          {"share", share(t.first, rows_)},
                          {"distinct_codes", t.second}});
  out["code_types"] = code_types;

  json top_codes = json::array();
  for (size_t r = 0; r < std::min<size_t>(ranked.size(), 20); ++r)
    top_codes.push_back({{"rank", r + 1},
                         {"code", ranked[r].first},
                         {"code_type", ranked[r].second->code_type},
                         {"count", ranked[r].second->count}});
  json rank_frequency = json::array();
  for (size_t r : log_spaced_ranks(ranked.size()))
    rank_frequency.push_back({r, ranked[r - 1].second->count});
  out["vocabulary"] = {{"size", ranked.size()},
                       {"singletons", singletons},
                       {"top_codes", top_codes},
                       {"rank_frequency", rank_frequency}};

  json bins = json::array();
  for (size_t b = 0; b < bin_names_.size(); ++b)
    bins.push_back(
        {{"name", bin_names_[b]}, {"tokens", bins_[b].tokens}, {"events", bins_[b].events}});
  out["time_bins"] = bins;

  // Q1, Q2, ..., Q10 in numeric order, then NULL.
  std::vector<std::pair<std::string, uint64_t>> lab(lab_bins.begin(), lab_bins.end());
  auto order = [](const std::string& bin) {
    return bin == "NULL" ? 1'000'000 : std::atoi(bin.c_str() + 1);
  };
  std::sort(lab.begin(), lab.end(),
            [&](const auto& a, const auto& b) { return order(a.first) < order(b.first); });
  json lab_json = json::array();
  for (const auto& [bin, n] : lab) lab_json.push_back({{"bin", bin}, {"tokens", n}});
  out["lab_value_bins"] = lab_json;
  out["top_200_coverage"] = top_200_coverage_json(top_200_labs);
  return out;
}

}  // namespace ehrtok::inspect
