// Text and JSON views of the asset state for `ehrtok assets` and `ehrtok runs`.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/asset_status.h"

namespace ehrtok::cli {

enum class GraphFormat { Text, Dot, Mermaid };

// One row per asset: status, rows, stored size, last materialization, duration, and the reasons
// of a missing or stale asset below it.
std::string status_table(const std::vector<AssetStatus>& statuses);
nlohmann::ordered_json status_json(const std::vector<AssetStatus>& statuses);

// The asset graph with each asset's status, as text, Graphviz DOT or Mermaid.
std::string graph_view(const std::vector<AssetStatus>& statuses, GraphFormat format);

// The last `limit` lines of the run history as a table.
std::string runs_table(const std::vector<nlohmann::ordered_json>& history, size_t limit);

}  // namespace ehrtok::cli
