// How each asset of the graph is materialized: its builder from assets/, and the file it writes.
// One small function per asset, looked up by the asset's name.
#pragma once

#include <nlohmann/json.hpp>

#include "assets/asset_counts.h"
#include "pipeline/asset_graph.h"
#include "pipeline/run_state.h"

namespace ehrtok {

// Builds `asset` from what `state` holds, writes its output, stores it in `state`, and returns
// its row accounting; `entry` (its run-report record) may receive more detail.
AssetCounts run_recipe(const AssetDecl& asset, RunState& state, nlohmann::ordered_json& entry);

}  // namespace ehrtok
