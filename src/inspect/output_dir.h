// The output folder of `ehrtok run` as the inspect commands read it: which files, which columns,
// read with our Parquet reader one row group at a time so that outputs larger than memory can be
// checked and summarized.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "inspect/patient_view.h"
#include "inspect/quality_checks.h"
#include "parquet/parquet_reader.h"

namespace ehrtok::inspect {

// Throws InputError naming OUT_DIR or the first missing file (with a hint to run `ehrtok run`).
void require_outputs(const std::filesystem::path& dir, const std::vector<std::string>& files);

// The number of quantile bins of the run that wrote `dir`: lab_quantiles has q1..q(n-1).
int num_quantiles_of(const std::filesystem::path& dir);

// All data-quality checks of the folder: events_merged, tokens_final, stg_admissions.
std::vector<CheckResult> check_output_dir(const std::filesystem::path& dir,
                                          const CheckOptions& options);

struct ReportFiles {
  std::filesystem::path html, json;
  nlohmann::ordered_json report;
};

// Checks the folder and computes the figures in one pass over tokens_final; writes
// OUT_DIR/report.json and OUT_DIR/report.html (each complete or not at all).
ReportFiles write_report(const std::filesystem::path& dir, const CheckOptions& options);

// The row groups whose min/max statistics of INT64 `column` contain `value` (a row group without
// statistics is included): the only ones that can hold rows with that value.
std::vector<size_t> row_groups_holding(const parquet::FileReader& reader, const std::string& column,
                                       int64_t value);

// The patient's view, reading only its rows: the Hive file
// mimic4_tokens.parquet/subject_id=N/data_0.parquet when present, otherwise the tokens_final
// row groups whose subject_id statistics contain N. nullopt when the subject is in neither the
// tokens nor stg_admissions.
std::optional<PatientView> load_patient(const std::filesystem::path& dir, int64_t subject);

}  // namespace ehrtok::inspect
