#include "pipeline/asset_graph.h"

#include <stdexcept>

#include <absl/container/flat_hash_set.h>

namespace ehrtok {

std::vector<AssetDecl> topological_order(const std::vector<AssetDecl>& assets) {
  std::vector<AssetDecl> ordered;
  absl::flat_hash_set<std::string> done;
  while (ordered.size() < assets.size()) {
    const size_t before = ordered.size();
    for (const auto& a : assets) {
      if (done.contains(a.name)) continue;
      bool ready = true;
      for (const auto& in : a.inputs) ready = ready && done.contains(in);
      if (!ready) continue;
      ordered.push_back(a);
      done.insert(a.name);
    }
    if (ordered.size() == before)
      throw std::logic_error("asset graph has a cycle or unknown input");
  }
  return ordered;
}

const std::vector<AssetDecl>& asset_graph() {
  static const std::vector<AssetDecl> graph = topological_order({
      {"raw_admissions", {}, ".ehrtok/cache/raw_admissions.parquet"},
      // Before raw_labevents: reading labevents routes each row to its admission.
      {"stg_admissions", {"raw_admissions"}, "stg_admissions.parquet", {"row_group_rows"}},
      {"raw_diagnoses_icd", {}, ".ehrtok/cache/raw_diagnoses_icd.parquet"},
      {"raw_procedures_icd", {}, ".ehrtok/cache/raw_procedures_icd.parquet"},
      {"raw_prescriptions", {}, ".ehrtok/cache/raw_prescriptions.parquet"},
      {"raw_labevents", {}, ".ehrtok/cache/raw_labevents.parquet"},
      {"top_200_labs", {"raw_labevents"}, "top_200_labs.parquet", {"top_labs", "row_group_rows"}},
      {"lab_quantiles",
       {"raw_labevents", "top_200_labs"},
       "lab_quantiles.parquet",
       {"num_quantiles", "quantile_sample", "quantile_seed", "row_group_rows"}},
      {"stg_diagnoses", {"raw_diagnoses_icd"}, ""},
      {"stg_procedures", {"raw_procedures_icd"}, ""},
      {"stg_medications", {"raw_prescriptions"}, ""},
      {"stg_labs",
       {"raw_labevents", "top_200_labs", "lab_quantiles", "stg_admissions"},
       "",
       {"reclaim_window_hours"}},
      {"events_merged",
       {"stg_admissions", "stg_diagnoses", "stg_procedures", "stg_medications", "stg_labs"},
       "events_merged.parquet",
       {"row_group_rows"},
       2},  // 2: time_offset_hours of fractional seconds rounded once
      {"tokens_final",
       {"events_merged", "stg_admissions"},
       "tokens_final.parquet",
       {"time_bins.edges", "time_bins.names", "row_group_rows"}},
      {"export_tokens",
       {"tokens_final", "events_merged", "stg_admissions"},
       "mimic4_tokens.parquet",
       {"export.layout"}},
  });
  return graph;
}

const AssetDecl& find_asset(const std::string& name) {
  for (const auto& asset : asset_graph())
    if (asset.name == name) return asset;
  std::string known;
  for (const auto& asset : asset_graph()) known += (known.empty() ? "" : ", ") + asset.name;
  throw std::invalid_argument("unknown asset \"" + name + "\"; the assets are: " + known);
}

std::vector<std::string> upstream_closure(const std::vector<std::string>& names) {
  absl::flat_hash_set<std::string> wanted;
  std::vector<std::string> stack = names;
  while (!stack.empty()) {
    const std::string name = stack.back();
    stack.pop_back();
    if (!wanted.insert(name).second) continue;
    for (const auto& in : find_asset(name).inputs) stack.push_back(in);
  }
  std::vector<std::string> ordered;
  for (const auto& asset : asset_graph())
    if (wanted.contains(asset.name)) ordered.push_back(asset.name);
  return ordered;
}

}  // namespace ehrtok
