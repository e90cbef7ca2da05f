// Materializing assets: every asset of the graph, or some with their upstream, in dependency
// order, doing only the work that is out of date.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "assets/lab_quantiles.h"
#include "assets/stg_labs.h"
#include "assets/tokens_final.h"
#include "pipeline/progress.h"

namespace ehrtok {

// export_tokens: the Hive layout mimic4_tokens.parquet/subject_id=N/data_0.parquet, or nothing.
enum class ExportLayout { Hive, None };

// The run configuration (see config_file.h for ehrtok.toml); the defaults are SPEC.md.
struct RunOptions {
  std::filesystem::path input_dir;   // a MIMIC-IV hosp/ folder
  std::filesystem::path output_dir;  // created if missing
  int threads = 0;                   // 0: all cores
  ExportLayout export_layout = ExportLayout::Hive;
  size_t top_labs = 200;
  QuantileOptions quantiles;
  StgLabsOptions labs;
  TimeBins time_bins;
  size_t row_group_rows = 1 << 20;
  // Keep the imported columns of raw_* under OUT_DIR/.ehrtok/cache, so that a later run whose
  // inputs did not change never parses CSV again.
  bool persist_raw_tables = true;
  // What the lab rows and the partitions of the timeline may hold, in bytes (0: no bound): lab
  // rows hold at most a quarter of it (spilled to disk an eighth at a time), and
  // stg_labs/events_merged work on partitions of subjects sized to half of it. Outputs are the
  // same whatever the limit.
  uint64_t memory_limit = uint64_t{2} << 30;
};

struct MaterializeRequest {
  std::vector<std::string> assets;  // with their upstream; empty: every asset
  bool force = false;               // rebuild the named assets (all when none named) regardless
};

// Builds the requested assets and whatever upstream is missing or stale, in dependency order;
// up-to-date inputs are read back from what they stored. Each built asset's record is written
// after its output is complete (see materialization_record.h). Returns the run report, also
// written to OUT_DIR/run_report.json: every asset's latest materialization and what this run did.
// Throws InputError for input it cannot proceed with; no output is left half-written.
nlohmann::ordered_json materialize(const RunOptions& options, const MaterializeRequest& request,
                                   ProgressListener* listener = nullptr);

// `ehrtok run`: materializes every asset.
nlohmann::ordered_json run_pipeline(const RunOptions& options,
                                    ProgressListener* listener = nullptr);

}  // namespace ehrtok
