// `ehrtok run`: materializes every asset of the graph in dependency order, writes the outputs
// and the run report.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "assets/lab_quantiles.h"
#include "assets/stg_labs.h"
#include "assets/tokens_final.h"

namespace ehrtok {

struct RunOptions {
  std::filesystem::path input_dir;   // a MIMIC-IV hosp/ folder
  std::filesystem::path output_dir;  // created if missing
  int threads = 0;                   // 0: all cores
  bool export_hive = true;           // write mimic4_tokens.parquet/subject_id=N/
  size_t top_labs = 200;
  QuantileOptions quantiles;
  StgLabsOptions labs;
  TimeBins time_bins;
  size_t row_group_rows = 1 << 20;
  // Receives one line per finished asset (for the terminal); may be empty.
  std::function<void(const std::string&)> log;
};

// Runs the pipeline and returns the run report (also written to OUT_DIR/run_report.json).
// Throws InputError for input it cannot proceed with; no output is left half-written.
nlohmann::ordered_json run_pipeline(const RunOptions& options);

}  // namespace ehrtok
