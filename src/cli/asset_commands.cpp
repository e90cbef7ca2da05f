#include "cli/asset_commands.h"

#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli/asset_views.h"
#include "cli/progress_display.h"
#include "io/input_error.h"
#include "pipeline/asset_status.h"
#include "pipeline/config_file.h"
#include "pipeline/materialization_record.h"

namespace ehrtok::cli {
namespace {

void require_dirs(const RunOptions& options, bool input) {
  if (input && options.input_dir.empty())
    throw InputError("no input folder: give --input or set input in ehrtok.toml");
  if (input && !std::filesystem::is_directory(options.input_dir))
    throw InputError("input folder " + options.input_dir.string() + " does not exist");
  if (options.output_dir.empty())
    throw InputError("no output folder: give --output or set output in ehrtok.toml");
}

// Without --input (or input in ehrtok.toml), the input folder of the folder's last run, from its
// run_report.json: the raw tables' status is about the files they were imported from.
void default_input_from_last_run(RunOptions& options) {
  if (!options.input_dir.empty()) return;
  std::ifstream in(options.output_dir / "run_report.json");
  const auto report = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (report.is_object() && report.contains("input") && report["input"].is_string())
    options.input_dir = report["input"].get<std::string>();
}

}  // namespace

void AssetCommands::add_to(CLI::App& app) {
  auto add_progress_flags = [this](CLI::App* cmd) {
    cmd->add_flag("--force", force_, "Rebuild the named assets even when up to date");
    auto* quiet = cmd->add_flag("--quiet", quiet_, "Print nothing but errors");
    cmd->add_flag("--json", json_, "Print progress as JSON events on stdout")->excludes(quiet);
  };
  run_.app =
      app.add_subcommand("run", "Materialize every asset of SPEC.md, skipping what is up to date");
  add_progress_flags(run_.app);
  run_.config.add_to(*run_.app);

  materialize_.app = app.add_subcommand(
      "materialize", "Build the named assets and whatever upstream is missing or stale");
  materialize_.app->add_option("assets", asset_names_, "Asset names (see `ehrtok assets`)")
      ->required();
  add_progress_flags(materialize_.app);
  materialize_.config.add_to(*materialize_.app);

  assets_.app = app.add_subcommand(
      "assets", "List the assets with status (missing, up to date, stale and why)");
  assets_.app->add_flag("--graph", graph_, "Print the asset graph");
  assets_.app->add_option("--format", graph_format_, "Graph format: text, dot or mermaid")
      ->check(CLI::IsMember({"text", "dot", "mermaid"}));
  assets_.app->add_flag("--json", json_, "Print the status as JSON");
  assets_.config.add_to(*assets_.app);

  config_.app = app.add_subcommand(
      "config", "Print the effective configuration (defaults, ehrtok.toml, flags) as TOML");
  config_.config.add_to(*config_.app);

  runs_.app = app.add_subcommand("runs", "Show the materialization history of an output folder");
  runs_.app->add_option("--limit", limit_, "Show the last N materializations")
      ->check(CLI::Range(1, 1 << 30));
  runs_.app->add_flag("--json", json_, "Print the history as JSON lines");
  runs_.config.add_to(*runs_.app);
}

std::optional<int> AssetCommands::run_chosen() {
  if (run_.app->parsed()) return materialize_command(run_, {});
  if (materialize_.app->parsed()) return materialize_command(materialize_, asset_names_);
  if (assets_.app->parsed()) return assets_command();
  if (config_.app->parsed()) return config_command();
  if (runs_.app->parsed()) return runs_command();
  return std::nullopt;
}

int AssetCommands::materialize_command(Command& command, const std::vector<std::string>& assets) {
  const RunOptions options = command.config.resolve();
  require_dirs(options, true);
  for (const auto& name : assets) {
    try {
      find_asset(name);
    } catch (const std::invalid_argument& e) {
      throw InputError(e.what());
    }
  }
  const auto display = make_progress_display(quiet_  ? ProgressStyle::Quiet
                                             : json_ ? ProgressStyle::Json
                                                     : ProgressStyle::Auto);
  const auto report = materialize(options, {assets, force_}, display.get());
  const auto path = (options.output_dir / "run_report.json").string();
  if (json_)
    std::cout << nlohmann::ordered_json{{"event", "done"},
                                        {"seconds", report["seconds"]},
                                        {"report", path}}
                     .dump()
              << '\n';
  else if (!quiet_)
    std::cerr << fmt::format("done in {:.2f} s; report: {}\n", report["seconds"].get<double>(),
                             path);
  return 0;
}

int AssetCommands::assets_command() {
  RunOptions options = assets_.config.resolve();
  require_dirs(options, false);
  default_input_from_last_run(options);
  const auto statuses = asset_statuses(options);
  if (graph_) {
    const GraphFormat format = graph_format_ == "dot"       ? GraphFormat::Dot
                               : graph_format_ == "mermaid" ? GraphFormat::Mermaid
                                                            : GraphFormat::Text;
    std::cout << graph_view(statuses, format);
  } else if (json_) {
    std::cout << status_json(statuses).dump(2) << '\n';
  } else {
    std::cout << status_table(statuses);
  }
  return 0;
}

int AssetCommands::config_command() {
  std::cout << config_to_toml(config_.config.resolve());
  return 0;
}

int AssetCommands::runs_command() {
  const RunOptions options = runs_.config.resolve();
  require_dirs(options, false);
  const auto history = read_run_history(options.output_dir);
  if (json_) {
    const size_t first = history.size() > limit_ ? history.size() - limit_ : 0;
    for (size_t i = first; i < history.size(); ++i) std::cout << history[i].dump() << '\n';
  } else {
    std::cout << runs_table(history, limit_);
  }
  return 0;
}

}  // namespace ehrtok::cli
