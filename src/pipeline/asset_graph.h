// The assets of SPEC.md, each with its declared inputs; the run order is derived from these
// declarations, never written by hand.
#pragma once

#include <string>
#include <vector>

namespace ehrtok {

struct AssetDecl {
  std::string name;
  std::vector<std::string> inputs;
  std::string output;  // file or folder under OUT_DIR, empty when the asset stays in memory
  // The configuration keys (config_file.h) the asset's result depends on.
  std::vector<std::string> config = {};
  // Raise when a code change alters what the asset produces: its stored results become stale.
  int revision = 1;
};

// Configuration keys that change how an asset is stored but not what it holds: a change makes
// the asset itself stale, never the assets that read it.
inline bool is_storage_key(const std::string& key) { return key == "row_group_rows"; }

// The folder under OUT_DIR where ehrtok keeps its state: materialization records, the run
// history and the persisted raw tables.
inline constexpr const char* kStateDir = ".ehrtok";

// All assets, in a dependency order (every asset after its inputs).
const std::vector<AssetDecl>& asset_graph();

// The asset of that name; throws std::invalid_argument naming the known assets otherwise.
const AssetDecl& find_asset(const std::string& name);

// The asset and everything it reads, directly or not, in dependency order.
std::vector<std::string> upstream_closure(const std::vector<std::string>& names);

// Assets in dependency order: a stable topological sort of `assets` by their inputs.
std::vector<AssetDecl> topological_order(const std::vector<AssetDecl>& assets);

}  // namespace ehrtok
