#include "inspect/row_funnel.h"

#include <fmt/format.h>

namespace ehrtok::inspect {
namespace {

using json = nlohmann::ordered_json;

// Each event table and the stage that turns its rows into events (SPEC.md assets 1 and 5-8).
constexpr std::pair<const char*, const char*> kEventSources[] = {
    {"raw_diagnoses_icd", "stg_diagnoses"},
    {"raw_procedures_icd", "stg_procedures"},
    {"raw_prescriptions", "stg_medications"},
    {"raw_labevents", "stg_labs"},
};

class ReportAssets {
 public:
  explicit ReportAssets(const nlohmann::json& report) {
    if (report.contains("assets") && report["assets"].is_array())
      for (const auto& a : report["assets"])
        if (a.is_object() && a.contains("name") && a["name"].is_string()) assets_.push_back(&a);
  }
  // The asset's entry, or an empty object (and the name noted as missing).
  const nlohmann::json& get(const std::string& name) {
    for (const auto* a : assets_)
      if ((*a)["name"] == name) return *a;
    missing.push_back(name);
    return empty_;
  }
  const std::vector<const nlohmann::json*>& all() const { return assets_; }
  std::vector<std::string> missing;

 private:
  std::vector<const nlohmann::json*> assets_;
  nlohmann::json empty_ = nlohmann::json::object();
};

int64_t number(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_number_integer()) return 0;
  return object[key].get<int64_t>();
}

// Adds the asset's drops by rule (non-zero ones) to `drops`; returns their sum.
int64_t add_drops(const nlohmann::json& asset, const std::string& after, json& drops) {
  int64_t sum = 0;
  if (!asset.contains("dropped") || !asset["dropped"].is_object()) return 0;
  for (const auto& [reason, rows] : asset["dropped"].items()) {
    if (!rows.is_number_integer() || rows.get<int64_t>() == 0) continue;
    drops.push_back({{"after", after},
                     {"asset", asset["name"]},
                     {"reason", reason},
                     {"rows", rows.get<int64_t>()}});
    sum += rows.get<int64_t>();
  }
  return sum;
}

}  // namespace

json row_funnel(const nlohmann::json& run_report) {
  ReportAssets assets(run_report);
  json drops = json::array();
  json unbalanced = json::array();
  auto expect = [&](const char* step, int64_t got, int64_t want) {
    if (got != want) unbalanced.push_back(fmt::format("{}: {} rows, expected {}", step, got, want));
  };

  int64_t read = 0, kept = 0, rejected = 0, staged = 0, stage_drops = 0;
  for (const auto& [raw_name, stage_name] : kEventSources) {
    const auto& raw = assets.get(raw_name);
    const auto& table = raw.contains("table") ? raw["table"] : raw;
    read += number(table, "rows_read");
    kept += number(table, "rows_kept");
    rejected += number(table, "rows_rejected");
    if (number(table, "rows_rejected") > 0)
      drops.push_back({{"after", "event rows read"},
                       {"asset", raw_name},
                       {"reason", "rejected at import"},
                       {"rows", number(table, "rows_rejected")}});
  }
  for (const auto& [raw_name, stage_name] : kEventSources) {
    const auto& stage = assets.get(stage_name);
    staged += number(stage, "rows_out");
    stage_drops += add_drops(stage, "kept after import", drops);
  }
  const auto& merged = assets.get("events_merged");
  const int64_t events = number(merged, "rows_out");
  const int64_t join_drops = add_drops(merged, "staged events", drops);
  const int64_t tokens = number(assets.get("tokens_final"), "rows_out");

  expect("kept after import", kept, read - rejected);
  expect("staged events", staged, kept - stage_drops);
  expect("events_merged", events, staged - join_drops);

  json steps = json::array();
  steps.push_back({{"label", "event rows read"}, {"rows", read}});
  steps.push_back({{"label", "kept after import"}, {"rows", kept}});
  steps.push_back({{"label", "staged events"}, {"rows", staged}});
  steps.push_back({{"label", "events_merged"}, {"rows", events}});
  steps.push_back({{"label", "tokens_final (events + time-bin tokens)"}, {"rows", tokens}});

  json per_asset = json::array();
  for (const auto* a : assets.all())
    per_asset.push_back({{"name", (*a)["name"]},
                         {"rows_in", number(*a, "rows_in")},
                         {"rows_out", number(*a, "rows_out")},
                         {"seconds", a->value("seconds", 0.0)},
                         {"peak_rss_bytes", number(*a, "peak_rss_bytes")}});
  const auto& raw_admissions = assets.get("raw_admissions");
  json out = {{"steps", steps},
              {"drops", drops},
              {"time_bin_tokens_added", tokens - events},
              {"balanced", unbalanced.empty()},
              {"unbalanced", unbalanced},
              {"admissions",
               {{"rows_read",
                 number(raw_admissions.contains("table") ? raw_admissions["table"] : raw_admissions,
                        "rows_read")},
                {"stg_admissions", number(assets.get("stg_admissions"), "rows_out")}}},
              {"assets", per_asset},
              {"missing_assets", assets.missing}};
  return out;
}

}  // namespace ehrtok::inspect
