#include "cli/config_flags.h"

#include <filesystem>

#include "io/input_error.h"
#include "pipeline/config_file.h"

namespace ehrtok::cli {
namespace {

const std::map<std::string, std::string>& key_help() {
  static const std::map<std::string, std::string> help = {
      {"input", "MIMIC-IV hosp/ folder (tables as .csv.gz or .csv)"},
      {"output", "Output folder (created if missing)"},
      {"threads", "Worker threads (0: all cores)"},
      {"top_labs", "Number of lab items kept in top_200_labs (200)"},
      {"num_quantiles", "Lab value bins: cut points q1..q(n-1) (10)"},
      {"quantile_sample", "Fraction of lab values used for lab_quantiles, in (0, 1] (1)"},
      {"quantile_seed", "Seed of the lab_quantiles sample (42)"},
      {"reclaim_window_hours",
       "Window before admittime in which outpatient labs are reclaimed (24)"},
      {"row_group_rows", "Rows per Parquet row group"},
      {"persist_raw_tables", "Keep imported tables under OUT/.ehrtok/cache: true or false"},
      {"memory_limit",
       "Memory for lab rows and timeline partitions, e.g. 3GB or 512MB; beyond it lab rows are "
       "spilled to OUT/.ehrtok (0: no limit; outputs are the same)"},
      {"time_bins.edges",
       "Upper edges of the time bins in hours, comma-separated (0,1,6,24,72,168)"},
      {"time_bins.names", "Time-bin token names, one more than the edges, comma-separated"},
      {"export.layout", "export_tokens layout: hive or none"},
  };
  return help;
}

// "time_bins.edges" -> "--time-bins-edges"
std::string flag_name(const std::string& key) {
  std::string flag = "--" + key;
  for (char& c : flag)
    if (c == '_' || c == '.') c = '-';
  return flag;
}

}  // namespace

void ConfigFlags::add_to(CLI::App& command) {
  command.add_option("--config", config_file_, "Configuration file (default: ./ehrtok.toml)")
      ->check(CLI::ExistingFile);
  for (const auto& key : config_keys())
    options_[key] = command.add_option(flag_name(key), texts_[key], key_help().at(key));
  command.add_flag("--no-export", no_export_, "Same as --export-layout none");
}

RunOptions ConfigFlags::resolve() const {
  RunOptions options;
  if (!config_file_.empty())
    apply_config_file(config_file_, options);
  else if (std::filesystem::exists("ehrtok.toml"))
    apply_config_file("ehrtok.toml", options);
  for (const auto& [key, option] : options_)
    if (option->count() > 0) {
      try {
        set_config_value(options, key, texts_.at(key));
      } catch (const InputError& e) {
        throw InputError(flag_name(key) + ": " + e.what());
      }
    }
  if (no_export_) options.export_layout = ExportLayout::None;
  validate_config(options);
  return options;
}

}  // namespace ehrtok::cli
