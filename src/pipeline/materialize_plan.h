// What a materialization does with each asset: build it, read it back from what it stored (an
// up-to-date input of something being built), or leave it alone.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "pipeline/asset_status.h"
#include "pipeline/pipeline.h"

namespace ehrtok {

enum class AssetAction { Skip, Load, Build };

// "skip", "load" or "build".
const char* asset_action_name(AssetAction action);

// Builds the requested assets and their upstream that are missing or stale (and the requested
// ones regardless with `force`); an up-to-date input of a built asset is loaded when it can be
// and built again in memory when it cannot (the stg_* stages). Throws std::invalid_argument for
// an unknown asset name.
std::map<std::string, AssetAction> plan_materialization(const std::vector<AssetStatus>& statuses,
                                                        const MaterializeRequest& request,
                                                        const RunOptions& options);

}  // namespace ehrtok
