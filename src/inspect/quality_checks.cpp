#include "inspect/quality_checks.h"

#include <charconv>

#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>

#include "assets/tokens_final.h"
#include "table/timestamp.h"

namespace ehrtok::inspect {
namespace {

bool starts_with_nonempty(std::string_view code, std::string_view prefix) {
  return code.size() > prefix.size() && code.starts_with(prefix);
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// "LAB:<itemid>_Q<k>" with 1 <= k <= num_quantiles, or "LAB:<itemid>_NULL".
bool lab_code_well_formed(std::string_view code, int num_quantiles) {
  int64_t itemid;
  if (!lab_itemid(code, itemid)) return false;
  const std::string_view suffix = lab_suffix(code);
  if (suffix == "NULL") return true;
  if (suffix.size() < 2 || suffix[0] != 'Q' || !all_digits(suffix.substr(1))) return false;
  if (suffix[1] == '0') return false;  // no leading zeros: Q01 is not a bin name
  int k = 0;
  std::from_chars(suffix.data() + 1, suffix.data() + suffix.size(), k);
  return k >= 1 && k <= num_quantiles;
}

std::string row_label(uint64_t row, const Column& subject, const Column& hadm, size_t i) {
  auto id = [](const Column& c, size_t r) {
    return c.is_null(r) ? std::string("NULL") : std::to_string(c.ints[r]);
  };
  return fmt::format("row {} (subject_id={}, hadm_id={})", row, id(subject, i), id(hadm, i));
}

std::vector<std::string> bin_names_or_default(const CheckOptions& options) {
  return options.time_bin_names.empty() ? TimeBins{}.names : options.time_bin_names;
}

}  // namespace

void CheckResult::fail(std::string description, size_t max_examples) {
  ++failures;
  if (first_failures.size() < max_examples) first_failures.push_back(std::move(description));
}

std::string_view lab_suffix(std::string_view code) {
  const size_t underscore = code.find('_', 4);
  return underscore == std::string_view::npos ? std::string_view() : code.substr(underscore + 1);
}

bool lab_itemid(std::string_view code, int64_t& itemid) {
  if (!code.starts_with("LAB:")) return false;
  const size_t underscore = code.find('_', 4);
  if (underscore == std::string_view::npos) return false;
  const std::string_view digits = code.substr(4, underscore - 4);
  if (!all_digits(digits)) return false;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), itemid);
  return error == std::errc() && end == digits.data() + digits.size();
}

bool code_matches_type(std::string_view code, std::string_view code_type,
                       const std::vector<std::string>& time_bin_names, int num_quantiles) {
  if (code_type == "diagnosis") return starts_with_nonempty(code, "DX:");
  if (code_type == "procedure") return starts_with_nonempty(code, "PR:");
  if (code_type == "medication") return starts_with_nonempty(code, "MED:");
  if (code_type == "lab") return lab_code_well_formed(code, num_quantiles);
  if (code_type == "time_bin")
    for (const auto& name : time_bin_names)
      if (code == name) return true;
  return false;
}

TimelineChecker::TimelineChecker(std::string asset, std::string seq_column,
                                 const Table& top_200_labs, CheckOptions options)
    : asset_(std::move(asset)), seq_column_(std::move(seq_column)), options_(std::move(options)) {
  options_.time_bin_names = bin_names_or_default(options_);
  const Column& itemid = top_200_labs.column("itemid");
  for (size_t r = 0; r < itemid.size(); ++r)
    if (!itemid.is_null(r)) top_items_.insert(itemid.ints[r]);
  sequence_ = {asset_ + "." + seq_column_,
               seq_column_ + " is 1..n without gaps per admission, an admission's rows together"};
  offsets_ = {asset_ + ".time_offset_hours",
              "time_offset_hours is non-decreasing along " + seq_column_ + " in each admission"};
  codes_ = {asset_ + ".code",
            fmt::format("code matches its code_type: DX:, PR:, MED:, LAB:<itemid>_Q<1-{}>|_NULL, "
                        "time_bin one of {}",
                        options_.num_quantiles, fmt::join(options_.time_bin_names, " "))};
  labs_ = {asset_ + ".lab_itemid", "the itemid of every lab code is in top_200_labs"};
}

void TimelineChecker::consume(const Table& chunk) {
  const Column& subject = chunk.column("subject_id");
  const Column& hadm = chunk.column("hadm_id");
  const Column& seq = chunk.column(seq_column_);
  const Column& offset = chunk.column("time_offset_hours");
  const size_t max = options_.max_examples;
  for (size_t i = 0; i < chunk.num_rows(); ++i) {
    const uint64_t row = rows_seen_ + i + 1;
    ++sequence_.checked;
    ++offsets_.checked;
    if (hadm.is_null(i) || seq.is_null(i)) {
      sequence_.fail(fmt::format("{}: {} is NULL", row_label(row, subject, hadm, i),
                                 hadm.is_null(i) ? "hadm_id" : seq_column_),
                     max);
      in_admission_ = false;
      continue;
    }
    const int64_t h = hadm.ints[i];
    const bool same_admission = in_admission_ && h == hadm_;
    if (!same_admission) {
      if (in_admission_) finished_admissions_.insert(hadm_);
      if (finished_admissions_.contains(h))
        sequence_.fail(fmt::format("{}: admission {} continues here after rows of another one",
                                   row_label(row, subject, hadm, i), h),
                       max);
    }
    const int64_t expected = same_admission ? seq_ + 1 : 1;
    const int64_t s = seq.ints[i];
    if (s != expected)
      sequence_.fail(fmt::format("{}: {} {}, expected {}", row_label(row, subject, hadm, i),
                                 seq_column_, s, expected),
                     max);
    const bool offset_null = offset.is_null(i);
    const double o = offset_null ? 0 : offset.doubles[i];
    if (offset_null || o != o)
      offsets_.fail(fmt::format("{}: time_offset_hours is {}", row_label(row, subject, hadm, i),
                                offset_null ? "NULL" : "NaN"),
                    max);
    else if (same_admission && o < offset_)
      offsets_.fail(fmt::format("{}: time_offset_hours {} at {} {} is below {} of the row before",
                                row_label(row, subject, hadm, i), o, seq_column_, s, offset_),
                    max);
    in_admission_ = true;
    hadm_ = h;
    seq_ = s;
    if (!offset_null) offset_ = o;
  }
  check_codes(chunk);
  rows_seen_ += chunk.num_rows();
}

// Codes repeat heavily, so each distinct (code, code_type) pair of a chunk is judged once.
void TimelineChecker::check_codes(const Table& chunk) {
  const Column& subject = chunk.column("subject_id");
  const Column& hadm = chunk.column("hadm_id");
  const Column& code = chunk.column("code");
  const Column& type = chunk.column("code_type");
  enum Verdict : uint8_t { kGood = 0, kBadPattern = 1, kLab = 2, kLabNotTop = 4 };
  absl::flat_hash_map<uint64_t, uint8_t> verdicts;
  const size_t max = options_.max_examples;
  for (size_t i = 0; i < chunk.num_rows(); ++i) {
    const uint64_t row = rows_seen_ + i + 1;
    ++codes_.checked;
    if (code.is_null(i) || type.is_null(i)) {
      codes_.fail(fmt::format("{}: {} is NULL", row_label(row, subject, hadm, i),
                              code.is_null(i) ? "code" : "code_type"),
                  max);
      continue;
    }
    const uint64_t key = (uint64_t{code.codes[i]} << 32) | type.codes[i];
    auto [it, inserted] = verdicts.try_emplace(key, kGood);
    if (inserted) {
      const std::string_view c = code.string_at(i), t = type.string_at(i);
      if (!code_matches_type(c, t, options_.time_bin_names, options_.num_quantiles))
        it->second |= kBadPattern;
      int64_t itemid;
      if (t == "lab" && lab_itemid(c, itemid)) {
        it->second |= kLab;
        if (!top_items_.contains(itemid)) it->second |= kLabNotTop;
      }
    }
    if (it->second & kBadPattern)
      codes_.fail(
          fmt::format("{}: code '{}' does not match code_type '{}'",
                      row_label(row, subject, hadm, i), code.string_at(i), type.string_at(i)),
          max);
    if (it->second & kLab) {
      ++labs_.checked;
      if (it->second & kLabNotTop)
        labs_.fail(fmt::format("{}: lab code '{}' has an itemid not in top_200_labs",
                               row_label(row, subject, hadm, i), code.string_at(i)),
                   max);
    }
  }
}

std::vector<CheckResult> TimelineChecker::results() const {
  return {sequence_, offsets_, codes_, labs_};
}

std::vector<CheckResult> check_stg_admissions(const Table& stg_admissions,
                                              const CheckOptions& options) {
  const Column& subject = stg_admissions.column("subject_id");
  const Column& hadm = stg_admissions.column("hadm_id");
  const Column& admittime = stg_admissions.column("admittime");
  const Column& visit = stg_admissions.column("visit_seq");
  const Column& days = stg_admissions.column("days_since_prior_admission");
  CheckResult visits{"stg_admissions.visit_seq",
                     "visit_seq is 1..n per subject in order of (admittime, hadm_id)"};
  CheckResult gaps{"stg_admissions.days_since_prior_admission",
                   "NULL for visit 1, else calendar days from the prior admittime to admittime"};
  const size_t max = options.max_examples;
  absl::flat_hash_set<int64_t> finished_subjects;
  for (size_t i = 0; i < stg_admissions.num_rows(); ++i) {
    const std::string label = row_label(i + 1, subject, hadm, i);
    ++visits.checked;
    ++gaps.checked;
    const bool same_subject = i > 0 && !subject.is_null(i) && !subject.is_null(i - 1) &&
                              subject.ints[i] == subject.ints[i - 1];
    if (!same_subject && i > 0 && !subject.is_null(i - 1))
      finished_subjects.insert(subject.ints[i - 1]);
    if (!same_subject && !subject.is_null(i) && finished_subjects.contains(subject.ints[i]))
      visits.fail(label + ": subject continues here after rows of another one", max);
    const int64_t expected = same_subject && !visit.is_null(i - 1) ? visit.ints[i - 1] + 1 : 1;
    if (visit.is_null(i) || visit.ints[i] != expected)
      visits.fail(fmt::format("{}: visit_seq {}, expected {}", label,
                              visit.is_null(i) ? "NULL" : std::to_string(visit.ints[i]), expected),
                  max);
    const bool has_times = !admittime.is_null(i) && same_subject && !admittime.is_null(i - 1);
    if (has_times && (admittime.ints[i] < admittime.ints[i - 1] ||
                      (admittime.ints[i] == admittime.ints[i - 1] && !hadm.is_null(i - 1) &&
                       !hadm.is_null(i) && hadm.ints[i] < hadm.ints[i - 1])))
      visits.fail(
          fmt::format("{}: admittime {} is before the previous visit's {}", label,
                      format_timestamp(admittime.ints[i]), format_timestamp(admittime.ints[i - 1])),
          max);
    const bool want_null = !has_times;
    const int64_t want = has_times ? day_of(admittime.ints[i]) - day_of(admittime.ints[i - 1]) : 0;
    const bool ok = want_null ? days.is_null(i) : !days.is_null(i) && days.ints[i] == want;
    if (!ok)
      gaps.fail(fmt::format("{}: days_since_prior_admission {}, expected {}", label,
                            days.is_null(i) ? "NULL" : std::to_string(days.ints[i]),
                            want_null ? "NULL" : std::to_string(want)),
                max);
  }
  return {visits, gaps};
}

std::vector<CheckResult> run_quality_checks(const Table& events_merged, const Table& tokens_final,
                                            const Table& stg_admissions, const Table& top_200_labs,
                                            const CheckOptions& options) {
  TimelineChecker events("events_merged", "event_seq", top_200_labs, options);
  events.consume(events_merged);
  TimelineChecker tokens("tokens_final", "final_seq", top_200_labs, options);
  tokens.consume(tokens_final);
  auto results = events.results();
  for (auto& r : tokens.results()) results.push_back(std::move(r));
  for (auto& r : check_stg_admissions(stg_admissions, options)) results.push_back(std::move(r));
  return results;
}

bool all_passed(const std::vector<CheckResult>& results) {
  for (const auto& r : results)
    if (!r.passed()) return false;
  return true;
}

nlohmann::ordered_json checks_json(const std::vector<CheckResult>& results) {
  nlohmann::ordered_json checks = nlohmann::ordered_json::array();
  for (const auto& r : results)
    checks.push_back({{"name", r.name},
                      {"rule", r.rule},
                      {"passed", r.passed()},
                      {"checked", r.checked},
                      {"failures", r.failures},
                      {"first_failures", r.first_failures}});
  return {{"passed", all_passed(results)}, {"checks", checks}};
}

std::string format_checks(const std::vector<CheckResult>& results) {
  std::string out;
  for (const auto& r : results) {
    if (r.passed()) {
      out += fmt::format("PASS {}: {} rows checked\n", r.name, r.checked);
      continue;
    }
    out += fmt::format("FAIL {}: {} of {} rows break the rule: {}\n", r.name, r.failures, r.checked,
                       r.rule);
    for (const auto& f : r.first_failures) out += "       " + f + "\n";
    if (r.failures > r.first_failures.size())
      out += fmt::format("       ... and {} more\n", r.failures - r.first_failures.size());
  }
  return out;
}

}  // namespace ehrtok::inspect
