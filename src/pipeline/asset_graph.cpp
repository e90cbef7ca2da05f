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
      {"raw_admissions", {}, ""},
      {"raw_diagnoses_icd", {}, ""},
      {"raw_procedures_icd", {}, ""},
      {"raw_prescriptions", {}, ""},
      {"raw_labevents", {}, ""},
      {"top_200_labs", {"raw_labevents"}, "top_200_labs.parquet"},
      {"lab_quantiles", {"raw_labevents", "top_200_labs"}, "lab_quantiles.parquet"},
      {"stg_admissions", {"raw_admissions"}, "stg_admissions.parquet"},
      {"stg_diagnoses", {"raw_diagnoses_icd"}, ""},
      {"stg_procedures", {"raw_procedures_icd"}, ""},
      {"stg_medications", {"raw_prescriptions"}, ""},
      {"stg_labs", {"raw_labevents", "top_200_labs", "lab_quantiles", "stg_admissions"}, ""},
      {"events_merged",
       {"stg_admissions", "stg_diagnoses", "stg_procedures", "stg_medications", "stg_labs"},
       "events_merged.parquet"},
      {"tokens_final", {"events_merged", "stg_admissions"}, "tokens_final.parquet"},
      {"export_tokens",
       {"tokens_final", "events_merged", "stg_admissions"},
       "mimic4_tokens.parquet"},
  });
  return graph;
}

}  // namespace ehrtok
