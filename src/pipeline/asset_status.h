// Where each asset stands in an output folder: missing, up to date or stale (and why), from its
// materialization record, its expected fingerprint and its stored output.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pipeline/asset_graph.h"
#include "pipeline/fingerprint.h"
#include "pipeline/materialization_record.h"
#include "pipeline/pipeline.h"

namespace ehrtok {

enum class AssetState { Missing, UpToDate, Stale };

// "missing", "up to date" or "stale".
const char* asset_state_name(AssetState state);

struct AssetStatus {
  const AssetDecl* asset = nullptr;
  AssetState state = AssetState::Missing;
  std::vector<std::string> reasons;  // why missing or stale
  std::string stored_output;         // path under OUT_DIR; empty when kept in memory only
  int64_t stored_bytes = -1;         // its size now (a folder: all its files); -1 when absent
  std::optional<MaterializationRecord> record;
  Fingerprint expected;
};

// The file or folder under OUT_DIR that holds the asset between runs, or "" when the asset is
// recomputed in memory whenever it is needed (the stg_* event stages, raw_* without
// persist_raw_tables, export_tokens with export.layout = "none").
std::string stored_output(const AssetDecl& asset, const RunOptions& options);

// The status of every asset, in dependency order.
std::vector<AssetStatus> asset_statuses(const RunOptions& options);

}  // namespace ehrtok
