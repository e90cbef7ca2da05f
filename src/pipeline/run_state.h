// What a run has materialized so far: every asset in memory, by name. An asset is released once
// no later asset reads it, which bounds memory to what the remaining assets need.
#pragma once

#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "assets/events_merged.h"
#include "assets/lab_intake.h"
#include "assets/lab_quantiles.h"
#include "assets/staged_events.h"
#include "assets/stg_admissions.h"
#include "assets/stg_labs.h"
#include "assets/tokens_final.h"
#include "assets/top_200_labs.h"
#include "io/atomic_output.h"
#include "mimic/raw_table.h"
#include "pipeline/pipeline.h"
#include "pipeline/progress.h"

namespace ehrtok {

struct RunState {
  RunState(const RunOptions& o, int t) : options(o), threads(t) {}

  const RunOptions& options;
  int threads;
  ProgressMeter* meter = nullptr;  // the current asset's
  // Called by a recipe that has finished reading one of its inputs: the input is freed at once
  // when no later asset reads it (set by materialize for the current asset).
  std::function<void(const std::string&)> done_reading = [](const std::string&) {};
  // Whether no later asset reads an input, so that the current asset may take it over; its
  // background write has finished when this says true (set by materialize).
  std::function<bool(const std::string&)> last_reader = [](const std::string&) { return false; };
  // Whether this run builds an asset (set by materialize).
  std::function<bool(const std::string&)> builds = [](const std::string&) { return false; };
  std::map<std::string, mimic::RawTable> raw;  // by asset name, e.g. "raw_admissions"
  // raw_labevents is never held as a table: what the lab assets need of it (lab_intake.h).
  std::unique_ptr<LabIntake> labevents;
  std::optional<TopLabs> top;
  std::optional<LabQuantiles> quantiles;
  std::optional<StgAdmissions> admissions;
  std::shared_ptr<CodeBook> codes = std::make_shared<CodeBook>();
  std::map<std::string, StagedEvents> staged;  // by asset name, e.g. "stg_diagnoses"
  // stg_labs: its rows, decided while labevents was read, become events partition by partition
  // while events_merged is built (timeline_partitions.h).
  struct StagedLabs {
    std::unique_ptr<LabIntake> rows;
    LabCodes codes;
    AssetCounts counts;
    int64_t without_admission = 0;  // kept rows whose hadm_id is not an admission
  };
  std::optional<StagedLabs> stg_labs;
  // events_merged: in memory when this run built it, else its stored file, which the assets
  // after it read window by window (for_each_timeline_window).
  std::optional<EventsMerged> merged;
  std::filesystem::path merged_file;
  int64_t tokens_final_count = 0;  // built by this run or recorded
  // tokens_final when this run builds it after events_merged: filled partition by partition
  // while events_merged is built (the timeline is then never read back), committed in its turn.
  struct TokensInProgress {
    TokensInProgress(const std::filesystem::path& path,
                     const std::shared_ptr<const CodeBook>& codes, size_t row_group_rows,
                     const parquet::WriterOptions& options)
        : output(path), file(output.temp_path().string(), codes, row_group_rows, options) {}
    AtomicOutput output;
    TokensFinalFile file;
  };
  std::unique_ptr<TokensInProgress> tokens_in_progress;

  // Stored outputs still being written on a background thread (the raw_* caches), by asset. The
  // asset's record waits for its write (materialize joins it before writing the record or
  // releasing the asset). Last member: destroyed first, so a pending write always finishes
  // before the tables it reads are freed.
  std::map<std::string, std::future<void>> background_writes;

  std::filesystem::path out(const std::string& name) const { return options.output_dir / name; }

  // The raw table `name` to build on: moved out of the run when no later asset reads it, else a
  // copy.
  mimic::RawTable take_raw(const std::string& name) {
    if (!last_reader(name)) return raw.at(name);
    auto node = raw.extract(name);
    if (node.empty()) throw std::out_of_range("no raw table " + name);
    return std::move(node.mapped());
  }

  void release(const std::string& name) {
    raw.erase(name);
    staged.erase(name);
    if (name == "raw_labevents") labevents.reset();
    if (name == "stg_labs") stg_labs.reset();
    if (name == "top_200_labs") top.reset();
    if (name == "lab_quantiles") quantiles.reset();
    if (name == "stg_admissions") admissions.reset();
    if (name == "events_merged") {
      merged.reset();
      merged_file.clear();
    }
  }
};

}  // namespace ehrtok
