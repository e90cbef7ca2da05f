#include "inspect/patient_view.h"

#include <algorithm>

#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>

#include "table/timestamp.h"

namespace ehrtok::inspect {
namespace {

using json = nlohmann::ordered_json;

std::optional<int64_t> optional_int(const Column& c, size_t row) {
  if (c.is_null(row)) return std::nullopt;
  return c.ints[row];
}

std::string time_text(const std::optional<int64_t>& t) {
  return t ? format_timestamp(*t) : std::string();
}

json time_json(const std::optional<int64_t>& t) {
  return t ? json(format_timestamp(*t)) : json(nullptr);
}

json int_json(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }

double per_admission(const PatientView& view) {
  return view.admissions.empty()
             ? 0.0
             : static_cast<double>(view.events) / static_cast<double>(view.admissions.size());
}

size_t shown(const PatientAdmission& a, size_t limit) {
  return limit == 0 ? a.tokens.size() : std::min(limit, a.tokens.size());
}

// Adds the subject's rows of one chunk of tokens_final to its admissions.
void add_tokens(PatientView& view, absl::flat_hash_map<int64_t, size_t>& slot_of_hadm,
                const Table& tokens) {
  const Column& subjects = tokens.column("subject_id");
  const Column& hadm = tokens.column("hadm_id");
  const Column& admit = tokens.column("admittime");
  const Column& visit = tokens.column("visit_seq");
  const Column& days = tokens.column("days_since_prior_admission");
  const Column& code = tokens.column("code");
  const Column& type = tokens.column("code_type");
  const Column& time = tokens.column("event_time");
  const Column& offset = tokens.column("time_offset_hours");
  const Column& seq = tokens.column("final_seq");
  for (size_t r = 0; r < tokens.num_rows(); ++r) {
    if (subjects.is_null(r) || subjects.ints[r] != view.subject_id) continue;
    const int64_t h = value_or(hadm, r, 0);
    auto [it, added] = slot_of_hadm.try_emplace(h, view.admissions.size());
    if (added)  // tokens of an admission stg_admissions does not list: show what they carry
      view.admissions.push_back({h,
                                 value_or(visit, r, 0),
                                 optional_int(admit, r),
                                 std::nullopt,
                                 optional_int(days, r),
                                 0,
                                 {}});
    PatientAdmission& a = view.admissions[it->second];
    PatientToken t{value_or(seq, r, 0), code.is_null(r) ? "" : std::string(code.string_at(r)),
                   type.is_null(r) ? "" : std::string(type.string_at(r)),
                   offset.is_null(r) ? 0.0 : offset.doubles[r], optional_int(time, r)};
    ++view.tokens;
    ++view.code_types[t.code_type];
    if (t.code_type != "time_bin") {
      ++a.events;
      ++view.events;
    }
    a.tokens.push_back(std::move(t));
  }
}

}  // namespace

std::optional<PatientView> build_patient_view(int64_t subject, std::span<const Table> tokens_final,
                                              const Table& stg_admissions) {
  PatientView view;
  view.subject_id = subject;
  absl::flat_hash_map<int64_t, size_t> slot_of_hadm;
  {
    const Column& subjects = stg_admissions.column("subject_id");
    const Column& hadm = stg_admissions.column("hadm_id");
    const Column& visit = stg_admissions.column("visit_seq");
    const Column& admit = stg_admissions.column("admittime");
    const Column& disch = stg_admissions.column("dischtime");
    const Column& days = stg_admissions.column("days_since_prior_admission");
    for (size_t r = 0; r < stg_admissions.num_rows(); ++r) {
      if (subjects.is_null(r) || subjects.ints[r] != subject || hadm.is_null(r)) continue;
      slot_of_hadm[hadm.ints[r]] = view.admissions.size();
      view.admissions.push_back({hadm.ints[r],
                                 value_or(visit, r, 0),
                                 optional_int(admit, r),
                                 optional_int(disch, r),
                                 optional_int(days, r),
                                 0,
                                 {}});
    }
  }
  for (const Table& chunk : tokens_final) add_tokens(view, slot_of_hadm, chunk);
  if (view.admissions.empty()) return std::nullopt;
  std::stable_sort(view.admissions.begin(), view.admissions.end(),
                   [](const auto& a, const auto& b) { return a.visit_seq < b.visit_seq; });
  for (auto& a : view.admissions)
    std::stable_sort(a.tokens.begin(), a.tokens.end(),
                     [](const auto& x, const auto& y) { return x.final_seq < y.final_seq; });
  return view;
}

std::string format_patient_view(const PatientView& view, size_t limit) {
  std::string out = fmt::format(
      "subject {}: {} admissions, {} events ({:.1f} per admission), {} tokens\n", view.subject_id,
      view.admissions.size(), view.events, per_admission(view), view.tokens);

  out += "\ncode types\n";
  for (const auto& [type, n] : view.code_types)
    out += fmt::format("  {:<12} {:>8} {:>6.1f}%\n", type, n,
                       view.tokens ? 100.0 * static_cast<double>(n) / view.tokens : 0.0);

  out += "\nadmissions\n";
  out += fmt::format("  {:>5}  {:>10}  {:<19}  {:<19}  {:>10}  {:>7}  {:>7}\n", "visit", "hadm_id",
                     "admittime", "dischtime", "days_prior", "events", "tokens");
  for (const auto& a : view.admissions)
    out += fmt::format("  {:>5}  {:>10}  {:<19}  {:<19}  {:>10}  {:>7}  {:>7}\n", a.visit_seq,
                       a.hadm_id, time_text(a.admittime), time_text(a.dischtime),
                       a.days_since_prior ? std::to_string(*a.days_since_prior) : "-", a.events,
                       a.tokens.size());

  for (const auto& a : view.admissions) {
    const size_t n = shown(a, limit);
    out += fmt::format("\nvisit {} (hadm_id {}, admitted {}): {} tokens{}\n", a.visit_seq,
                       a.hadm_id, time_text(a.admittime), a.tokens.size(),
                       n < a.tokens.size() ? fmt::format(", first {} shown", n) : "");
    if (a.tokens.empty()) continue;
    out += fmt::format("  {:>6}  {:>10}  {:<19}  {:<10}  {}\n", "seq", "offset_h", "time", "type",
                       "code");
    for (size_t i = 0; i < n; ++i) {
      const auto& t = a.tokens[i];
      out += fmt::format("  {:>6}  {:>10.3f}  {:<19}  {:<10}  {}\n", t.final_seq, t.offset_hours,
                         time_text(t.event_time), t.code_type, t.code);
    }
    if (n < a.tokens.size())
      out += fmt::format("  ... {} more (--limit 0 shows all)\n", a.tokens.size() - n);
  }
  return out;
}

json patient_view_json(const PatientView& view, size_t limit) {
  json types = json::array();
  for (const auto& [type, n] : view.code_types)
    types.push_back(
        {{"code_type", type},
         {"tokens", n},
         {"share", view.tokens ? static_cast<double>(n) / static_cast<double>(view.tokens) : 0.0}});
  json admissions = json::array();
  for (const auto& a : view.admissions) {
    json sequence = json::array();
    const size_t n = shown(a, limit);
    for (size_t i = 0; i < n; ++i) {
      const auto& t = a.tokens[i];
      sequence.push_back({{"final_seq", t.final_seq},
                          {"code", t.code},
                          {"code_type", t.code_type},
                          {"time_offset_hours", t.offset_hours},
                          {"event_time", time_json(t.event_time)}});
    }
    admissions.push_back({{"visit_seq", a.visit_seq},
                          {"hadm_id", a.hadm_id},
                          {"admittime", time_json(a.admittime)},
                          {"dischtime", time_json(a.dischtime)},
                          {"days_since_prior_admission", int_json(a.days_since_prior)},
                          {"events", a.events},
                          {"tokens", a.tokens.size()},
                          {"tokens_shown", n},
                          {"sequence", sequence}});
  }
  return {{"subject_id", view.subject_id},
          {"summary",
           {{"admissions", view.admissions.size()},
            {"events", view.events},
            {"tokens", view.tokens},
            {"events_per_admission", per_admission(view)}}},
          {"code_types", types},
          {"admissions", admissions}};
}

}  // namespace ehrtok::inspect
