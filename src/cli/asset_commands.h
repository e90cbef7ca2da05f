// The asset commands: run, materialize, assets, config, runs.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/config_flags.h"

namespace ehrtok::cli {

class AssetCommands {
 public:
  void add_to(CLI::App& app);
  // The exit code of the chosen command, or nothing when none of these was chosen.
  std::optional<int> run_chosen();

 private:
  struct Command {
    CLI::App* app = nullptr;
    ConfigFlags config;
  };
  int materialize_command(Command& command, const std::vector<std::string>& assets);
  int assets_command();
  int config_command();
  int runs_command();

  Command run_, materialize_, assets_, config_, runs_;
  std::vector<std::string> asset_names_;
  bool force_ = false, quiet_ = false, json_ = false, graph_ = false;
  std::string graph_format_ = "text";
  size_t limit_ = 50;
};

}  // namespace ehrtok::cli
