#include "pipeline/materialize_plan.h"

#include <set>

#include "pipeline/asset_loaders.h"

namespace ehrtok {

const char* asset_action_name(AssetAction action) {
  switch (action) {
    case AssetAction::Skip:
      return "skip";
    case AssetAction::Load:
      return "load";
    case AssetAction::Build:
      return "build";
  }
  return "?";
}

std::map<std::string, AssetAction> plan_materialization(const std::vector<AssetStatus>& statuses,
                                                        const MaterializeRequest& request,
                                                        const RunOptions& options) {
  std::vector<std::string> all;
  for (const auto& s : statuses) all.push_back(s.asset->name);
  const auto& named = request.assets.empty() ? all : request.assets;
  const std::vector<std::string> closure = upstream_closure(named);
  const std::set<std::string> wanted(closure.begin(), closure.end());
  const std::set<std::string> forced(named.begin(), named.end());

  std::map<std::string, AssetAction> plan;
  std::set<std::string> needed;  // inputs of assets being built
  // Consumers come after their inputs, so walking backwards decides every consumer first.
  for (auto it = statuses.rbegin(); it != statuses.rend(); ++it) {
    const AssetDecl& asset = *it->asset;
    AssetAction action = AssetAction::Skip;
    if (wanted.contains(asset.name) &&
        (it->state != AssetState::UpToDate || (request.force && forced.contains(asset.name))))
      action = AssetAction::Build;
    else if (needed.contains(asset.name))
      action = can_load(asset, options) ? AssetAction::Load : AssetAction::Build;
    if (action == AssetAction::Build) needed.insert(asset.inputs.begin(), asset.inputs.end());
    plan[asset.name] = action;
  }
  return plan;
}

}  // namespace ehrtok
