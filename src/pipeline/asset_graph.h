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
};

// All assets, in a dependency order (every asset after its inputs).
const std::vector<AssetDecl>& asset_graph();

// Assets in dependency order: a stable topological sort of `assets` by their inputs.
std::vector<AssetDecl> topological_order(const std::vector<AssetDecl>& assets);

}  // namespace ehrtok
