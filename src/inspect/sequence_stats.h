// Figures about the token sequences of tokens_final for `ehrtok report`: how long admissions and
// patients are in tokens (percentiles, log-scale histograms, shares above model context sizes),
// which code types and codes they are made of, how time bins and lab value bins are used, and how
// much of the lab rows the top-200 items cover.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <nlohmann/json.hpp>

#include "table/column.h"

namespace ehrtok::inspect {

// How percentiles are computed, stated in the JSON and the HTML report.
inline constexpr const char* kPercentileDefinition =
    "nearest rank: the p-th percentile of n sorted values is the value at 1-based rank "
    "ceil(p * n / 100)";

// Context sizes the report counts sequences above ("longer than T tokens": length > T).
inline constexpr int64_t kContextSizes[] = {512, 1024, 2048, 4096};

// The p-th percentile (0 < p <= 100) of `sorted` (ascending, non-empty) by nearest rank.
int64_t percentile_nearest_rank(std::span<const int64_t> sorted, int p);

// A distribution of sequence lengths (one value per admission or per patient).
struct LengthSummary {
  uint64_t count = 0;  // admissions or patients
  uint64_t total = 0;  // sum of lengths
  int64_t min = 0, max = 0, p50 = 0, p90 = 0, p99 = 0;
  double mean = 0;
  // Histogram on a log axis: bin k counts lengths in [2^k, 2^(k+1)); lengths below 1 go to bin 0.
  std::vector<uint64_t> log2_bins;
  std::vector<uint64_t> longer_than;  // per kContextSizes: how many lengths are > the size
};

LengthSummary summarize_lengths(std::vector<int64_t> lengths);
nlohmann::ordered_json length_summary_json(const LengthSummary& summary);

// Accumulates the figures over tokens_final, fed its rows in file order one chunk (row group) at
// a time. A chunk needs subject_id, hadm_id, code, code_type.
class SequenceStatsBuilder {
 public:
  // The time-bin names in bin order (empty: TimeBins{}.names); tokens with other names are
  // counted under their own name after these.
  explicit SequenceStatsBuilder(std::vector<std::string> time_bin_names = {});

  void consume(const Table& chunk);

  // All figures: tokens, admissions, patients (those with tokens), admissions_without_tokens
  // (of stg_admissions), tokens_per_admission, tokens_per_patient, events_per_admission,
  // code_types, vocabulary, time_bins, lab_value_bins, top_200_coverage (from top_200_labs).
  // Lengths count admissions and patients that have tokens.
  nlohmann::ordered_json finish(const Table& top_200_labs, const Table& stg_admissions) const;

 private:
  struct CodeCount {
    std::string code_type;
    uint64_t count = 0;
  };
  struct BinCount {
    uint64_t tokens = 0;  // time-bin tokens of this bin
    uint64_t events = 0;  // events placed after a token of this bin
  };
  size_t bin_slot(std::string_view name);

  std::vector<std::string> bin_names_;
  std::vector<BinCount> bins_;
  absl::flat_hash_map<int64_t, int64_t> tokens_per_admission_;
  absl::flat_hash_map<int64_t, int64_t> events_per_admission_;
  absl::flat_hash_map<int64_t, int64_t> tokens_per_patient_;
  absl::flat_hash_map<std::string, CodeCount> codes_;
  uint64_t rows_ = 0;
  bool in_admission_ = false;
  int64_t hadm_ = 0;
  int current_bin_ = -1;
};

}  // namespace ehrtok::inspect
