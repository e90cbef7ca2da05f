// `ehrtok show`, `ehrtok check` and `ehrtok report`: look at the outputs of a run. Flags and
// messages only; the work is in the inspect module.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace ehrtok::cli {

struct InspectCommands {
  CLI::App* show = nullptr;
  CLI::App* check = nullptr;
  CLI::App* report = nullptr;
  std::filesystem::path output_dir;
  int64_t subject = 0;
  size_t limit = 50;
  bool json = false;
  std::vector<std::string> time_bins;  // empty: the default bin names
  int quantiles = 0;                   // 0: from lab_quantiles.parquet
};

// Adds the three subcommands to `app`; their flags are stored in `commands`.
void add_inspect_commands(CLI::App& app, InspectCommands& commands);

// Runs the chosen inspect command and returns its exit code (0 ok, 1 a check failed, 2 unknown
// subject); nullopt when another subcommand was chosen. Throws InputError for unusable outputs.
std::optional<int> run_inspect_command(const InspectCommands& commands);

}  // namespace ehrtok::cli
