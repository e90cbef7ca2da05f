// What OUT_DIR/.ehrtok remembers of each asset: the record of its last materialization
// (assets/NAME.json, written only after the asset's output is complete and renamed into place)
// and the run history (runs.jsonl, one line per materialization, appended).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ehrtok {

struct MaterializationRecord {
  std::string asset;
  std::string fingerprint;        // Fingerprint::digest at materialization
  nlohmann::ordered_json parts;   // Fingerprint::parts, to explain a later staleness
  std::string started, finished;  // UTC, ISO 8601
  double seconds = 0;
  int64_t rows = 0;
  int64_t output_bytes = -1;      // size of the stored output; -1 when nothing is stored
  int64_t output_mtime = 0;       // its modification time (ns since the epoch), to see rewrites
  nlohmann::ordered_json report;  // the asset's entry of run_report.json
};

// The record of `asset`, or nothing when absent or unreadable (then the asset counts as never
// materialized).
std::optional<MaterializationRecord> read_record(const std::filesystem::path& out_dir,
                                                 const std::string& asset);
// Written by temp-and-rename: a record is complete or absent.
void write_record(const std::filesystem::path& out_dir, const MaterializationRecord& record);
// Called before an asset is rebuilt, so that an interruption can never leave an old record
// describing a new output.
void remove_record(const std::filesystem::path& out_dir, const std::string& asset);

// Appends one line to the run history.
void append_run_history(const std::filesystem::path& out_dir, const nlohmann::ordered_json& entry);
// The asset being built right now, for the run history of an interrupted run: set when a build
// starts, cleared when it ends. record_interrupted_build() (called by the SIGINT handler's thread)
// appends its line with outcome "interrupted". Process-wide, like the signal that needs it.
void set_current_build(const std::filesystem::path& out_dir, const nlohmann::ordered_json& entry);
void clear_current_build();
void record_interrupted_build();

// The run history, oldest first; lines that do not parse (a write cut by a crash) are skipped.
std::vector<nlohmann::ordered_json> read_run_history(const std::filesystem::path& out_dir);

// The current time as UTC ISO 8601 with milliseconds ("2026-11-29T05:41:45.123Z").
std::string utc_now();

// Bytes of a file, or of all files under a folder; -1 when the path does not exist.
int64_t stored_bytes(const std::filesystem::path& path);
// Modification time of a file or folder in ns since the epoch; 0 when it does not exist.
int64_t stored_mtime(const std::filesystem::path& path);

}  // namespace ehrtok
