// The data-quality checks of `ehrtok check`: what SPEC.md promises about the outputs, verified on
// the outputs themselves. Each check reports how many rows it examined, how many broke the rule,
// and the first offending rows by their 1-based row number in the asset.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <absl/container/flat_hash_set.h>
#include <nlohmann/json.hpp>

#include "table/column.h"

namespace ehrtok::inspect {

struct CheckResult {
  CheckResult() = default;
  CheckResult(std::string name_, std::string rule_)
      : name(std::move(name_)), rule(std::move(rule_)) {}

  std::string name;  // "<asset>.<column>", e.g. "tokens_final.final_seq"
  std::string rule;  // what must hold, one sentence
  uint64_t checked = 0;
  uint64_t failures = 0;
  std::vector<std::string> first_failures;  // "row 17 (subject_id=1, hadm_id=10): ..."

  bool passed() const { return failures == 0; }
  // Counts a failure; keeps its description while fewer than `max_examples` are kept.
  void fail(std::string description, size_t max_examples);
};

// What the checks expect; the defaults are the pipeline's defaults (TimeBins{}, 10 quantiles).
struct CheckOptions {
  std::vector<std::string> time_bin_names;  // empty: TimeBins{}.names
  int num_quantiles = 10;                   // LAB:<itemid>_Q1 .. _Q<num_quantiles>, or _NULL
  size_t max_examples = 5;                  // offending rows kept per check
};

// Whether `code` is a well-formed code of `code_type` (diagnosis DX:…, procedure PR:…,
// medication MED:…, lab LAB:<itemid>_Q<1..num_quantiles>|_NULL, time_bin one of the names).
bool code_matches_type(std::string_view code, std::string_view code_type,
                       const std::vector<std::string>& time_bin_names, int num_quantiles);

// The itemid of a lab code "LAB:<itemid>_…", or false when the code has no itemid.
bool lab_itemid(std::string_view code, int64_t& itemid);
// What follows the itemid of a lab code: "Q3" of "LAB:50912_Q3", "NULL" of "LAB:50912_NULL".
std::string_view lab_suffix(std::string_view code);

// The checks of a timeline asset (events_merged with event_seq, tokens_final with final_seq),
// fed its rows in file order one chunk (row group) at a time, so an asset larger than memory
// can be checked:
//   <seq>:              1..n without gaps per admission, an admission's rows contiguous;
//   time_offset_hours:  non-decreasing along the sequence within each admission;
//   code:               matches its code_type's pattern;
//   lab_itemid:         the itemid of every lab code is in top_200_labs.
// A chunk needs the columns subject_id, hadm_id, <seq>, time_offset_hours, code, code_type.
class TimelineChecker {
 public:
  TimelineChecker(std::string asset, std::string seq_column, const Table& top_200_labs,
                  CheckOptions options = {});

  void consume(const Table& chunk);
  std::vector<CheckResult> results() const;

 private:
  void check_codes(const Table& chunk);

  std::string asset_;
  std::string seq_column_;
  CheckOptions options_;
  absl::flat_hash_set<int64_t> top_items_;
  CheckResult sequence_, offsets_, codes_, labs_;
  uint64_t rows_seen_ = 0;
  bool in_admission_ = false;
  int64_t hadm_ = 0;
  int64_t seq_ = 0;
  double offset_ = 0;
  absl::flat_hash_set<int64_t> finished_admissions_;
};

// Checks of stg_admissions (rows in file order): visit_seq is 1..n per subject in order of
// (admittime, hadm_id); days_since_prior_admission is NULL for a first visit and otherwise the
// calendar days between this admittime and the previous one.
std::vector<CheckResult> check_stg_admissions(const Table& stg_admissions,
                                              const CheckOptions& options = {});

// All checks of an output folder's tables, each held whole in memory (tests; small outputs).
std::vector<CheckResult> run_quality_checks(const Table& events_merged, const Table& tokens_final,
                                            const Table& stg_admissions, const Table& top_200_labs,
                                            const CheckOptions& options = {});

bool all_passed(const std::vector<CheckResult>& results);

// {"passed": bool, "checks": [{name, rule, passed, checked, failures, first_failures}]}
nlohmann::ordered_json checks_json(const std::vector<CheckResult>& results);

// One line per check ("PASS name: checked n rows" / "FAIL name: k of n rows ...") and the first
// offending rows under each failure.
std::string format_checks(const std::vector<CheckResult>& results);

}  // namespace ehrtok::inspect
