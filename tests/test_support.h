// Shared helpers of the test suite: the demo data location, temp folders, golden comparisons.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "assets/events_merged.h"
#include "assets/lab_quantiles.h"
#include "assets/stg_admissions.h"
#include "assets/tokens_final.h"
#include "assets/top_200_labs.h"
#include "mimic/raw_table.h"
#include "table/column.h"

namespace ehrtok::testing {

// ../shared/data/mimic-iv-demo-2.2/hosp relative to the repository root (tests run from there).
std::filesystem::path demo_hosp_dir();
std::filesystem::path golden_dir();
bool demo_available();

// A fresh, empty folder under the system temp directory, removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A CSV file's rows as text fields (header first), read with ehrtok's own CSV scanner;
// `.gz` files are decompressed.
std::vector<std::vector<std::string>> read_csv_rows(const std::filesystem::path& file);

// Text of a cell as the golden files write it: NULL empty, timestamps "YYYY-MM-DD HH:MM:SS".
std::string cell_text(const Column& column, size_t row);

// Compares `table` with a golden CSV: same header, same number of rows, every field equal
// (doubles within a relative tolerance of 1e-12). Returns a description of the first
// differences, empty when equal.
std::string diff_against_golden(const Table& table, const std::filesystem::path& golden);

// The bytes of a file.
std::string read_bytes(const std::filesystem::path& file);

// Runs the ehrtok binary (EHRTOK_BINARY) with `args` (shell words) and returns its exit code and
// its stdout and stderr together.
struct CliOutcome {
  int exit_code;
  std::string output;
};
CliOutcome ehrtok(const std::string& args);

// Writes `content` to `dir/name`, gzip-compressed when name ends in ".gz".
void write_file(const std::filesystem::path& path, const std::string& content);

// Every file below `dir` (relative path -> bytes) except those holding timings: run_report.json
// and the materialization records and run history under .ehrtok/.
std::map<std::string, std::string> output_files(const std::filesystem::path& dir);

// Rows [begin, end) of a table (dictionaries shared), e.g. to feed streaming code in chunks.
Table slice(const Table& t, size_t begin, size_t end);

// Every asset of a hosp folder, computed in memory with the library's asset functions.
struct InMemoryRun {
  mimic::RawTable labevents, admissions_raw, diagnoses_raw, procedures_raw, prescriptions_raw;
  TopLabs top;
  LabQuantiles quantiles;
  StgAdmissions admissions;
  std::shared_ptr<CodeBook> codes = std::make_shared<CodeBook>();
  StagedEvents dx, pr, med;
  AssetCounts lab;  // stg_labs: its events are made partition by partition into `merged`
  EventsMerged merged;
  TimeBinTokens bins;

  Table events_merged_table() const;
  // Written window by window (for_each_subject_window) into a TokensFinalFile of small row
  // groups, as a run writes it (admissions across row groups), and read back.
  Table tokens_final_table(size_t window_events = 997, size_t row_group_rows = 1000) const;
};
std::unique_ptr<InMemoryRun> run_in_memory(const std::filesystem::path& hosp_dir, int threads = 2,
                                           size_t top_labs = 200);

}  // namespace ehrtok::testing
