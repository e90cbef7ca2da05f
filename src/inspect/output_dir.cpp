#include "inspect/output_dir.h"

#include <fstream>

#include <fmt/format.h>

#include "inspect/html_report.h"
#include "inspect/row_funnel.h"
#include "inspect/sequence_stats.h"
#include "io/atomic_output.h"
#include "io/input_error.h"
#include "pipeline/config_file.h"
#include "pipeline/materialization_record.h"

namespace ehrtok::inspect {
namespace {

namespace fs = std::filesystem;

constexpr const char* kTopLabs = "top_200_labs.parquet";
constexpr const char* kLabQuantiles = "lab_quantiles.parquet";
constexpr const char* kAdmissions = "stg_admissions.parquet";
constexpr const char* kEvents = "events_merged.parquet";
constexpr const char* kTokens = "tokens_final.parquet";
constexpr const char* kRunReport = "run_report.json";
constexpr const char* kHive = "mimic4_tokens.parquet";

const std::vector<std::string> kAdmissionColumns = {
    "subject_id", "hadm_id", "admittime", "dischtime", "visit_seq", "days_since_prior_admission"};
const std::vector<std::string> kPatientColumns = {
    "subject_id", "hadm_id",   "admittime",  "visit_seq",         "days_since_prior_admission",
    "code",       "code_type", "event_time", "time_offset_hours", "final_seq"};

std::vector<std::string> timeline_columns(const std::string& seq) {
  return {"subject_id", "hadm_id", seq, "time_offset_hours", "code", "code_type"};
}

Table read_whole(const fs::path& dir, const char* file, const std::vector<std::string>& columns) {
  return parquet::read_table((dir / file).string(), columns);
}

// Feeds every row group of `file` (the named columns) to `consume`, in file order.
template <class Consume>
void for_each_row_group(const fs::path& file, const std::vector<std::string>& columns,
                        Consume&& consume) {
  const parquet::FileReader reader(file.string());
  for (size_t rg = 0; rg < reader.num_row_groups(); ++rg)
    consume(reader.read_row_group(rg, columns));
}

// The time-bin names tokens_final was built with, from its materialization record (config
// time_bins.names, read back as the configuration reads it); empty when there is no record
// (then the SPEC.md names apply).
std::vector<std::string> recorded_time_bin_names(const fs::path& dir) {
  const auto record = read_record(dir, "tokens_final");
  if (!record) return {};
  const auto config = record->parts.value("config", nlohmann::ordered_json::object());
  if (!config.contains("time_bins.names")) return {};
  RunOptions options;
  set_config_value(options, "time_bins.names", config["time_bins.names"].get<std::string>());
  return options.time_bins.names;
}

// Checks that the folder holds the assets, then fills the options not given from it: the
// quantile count from lab_quantiles, the time-bin names from tokens_final's record.
CheckOptions resolved_options(const fs::path& dir, CheckOptions options) {
  require_outputs(dir, {kTopLabs, kLabQuantiles, kAdmissions, kEvents, kTokens});
  if (options.num_quantiles <= 0) options.num_quantiles = num_quantiles_of(dir);
  if (options.time_bin_names.empty()) options.time_bin_names = recorded_time_bin_names(dir);
  return options;
}

// What a scan of the folder yields: the checks, and the small tables the figures also need.
struct Scan {
  std::vector<CheckResult> checks;
  Table top_200_labs;
  Table stg_admissions;
};

// The checks, and (when `stats` is given) the figures, in one pass over each asset; `options`
// as resolved_options() gives them.
Scan scan(const fs::path& dir, const CheckOptions& options, SequenceStatsBuilder* stats) {
  Scan out{{},
           read_whole(dir, kTopLabs, {"itemid", "freq", "pct"}),
           read_whole(dir, kAdmissions, kAdmissionColumns)};
  TimelineChecker events("events_merged", "event_seq", out.top_200_labs, options);
  for_each_row_group(dir / kEvents, timeline_columns("event_seq"),
                     [&](const Table& chunk) { events.consume(chunk); });
  TimelineChecker tokens("tokens_final", "final_seq", out.top_200_labs, options);
  for_each_row_group(dir / kTokens, timeline_columns("final_seq"), [&](const Table& chunk) {
    tokens.consume(chunk);
    if (stats) stats->consume(chunk);
  });
  out.checks = events.results();
  for (auto& r : tokens.results()) out.checks.push_back(std::move(r));
  for (auto& r : check_stg_admissions(out.stg_admissions, options))
    out.checks.push_back(std::move(r));
  return out;
}

nlohmann::json read_run_report(const fs::path& dir) {
  std::ifstream in(dir / kRunReport);
  if (!in) return nlohmann::json::object();  // the funnel then names the missing assets
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw InputError((dir / kRunReport).string() + ": not valid JSON: " + e.what());
  }
}

}  // namespace

void require_outputs(const fs::path& dir, const std::vector<std::string>& files) {
  if (!fs::is_directory(dir)) throw InputError(dir.string() + ": no such output folder");
  for (const auto& f : files)
    if (!fs::exists(dir / f))
      throw InputError(fmt::format("{}: not found; is {} the --output of `ehrtok run`?",
                                   (dir / f).string(), dir.string()));
}

int num_quantiles_of(const fs::path& dir) {
  require_outputs(dir, {kLabQuantiles});
  const parquet::FileReader reader((dir / kLabQuantiles).string());
  int cut_points = 0;
  for (const auto& field : reader.schema())
    cut_points += field.name.size() > 1 && field.name[0] == 'q' &&
                  field.name.find_first_not_of("0123456789", 1) == std::string::npos;
  return cut_points + 1;
}

std::vector<CheckResult> check_output_dir(const fs::path& dir, const CheckOptions& options) {
  return scan(dir, resolved_options(dir, options), nullptr).checks;
}

ReportFiles write_report(const fs::path& dir, const CheckOptions& given) {
  const CheckOptions options = resolved_options(dir, given);
  SequenceStatsBuilder stats(options.time_bin_names);
  const Scan scanned = scan(dir, options, &stats);
  ReportFiles files{dir / "report.html", dir / "report.json", {}};
  files.report =
      report_json(dir.string(), stats.finish(scanned.top_200_labs, scanned.stg_admissions),
                  row_funnel(read_run_report(dir)), scanned.checks);
  AtomicOutput json_out(files.json), html_out(files.html);
  json_out.write_text(files.report.dump(2) + "\n");
  html_out.write_text(html_report(files.report));
  json_out.commit();
  html_out.commit();
  return files;
}

std::vector<size_t> row_groups_holding(const parquet::FileReader& reader, const std::string& column,
                                       int64_t value) {
  std::vector<size_t> groups;
  for (size_t rg = 0; rg < reader.num_row_groups(); ++rg) {
    const auto range = reader.int_range(rg, column);
    if (!range || (range->first <= value && value <= range->second)) groups.push_back(rg);
  }
  return groups;
}

std::optional<PatientView> load_patient(const fs::path& dir, int64_t subject) {
  require_outputs(dir, {kAdmissions});
  const fs::path hive_file = dir / kHive / fmt::format("subject_id={}", subject) / "data_0.parquet";
  std::vector<Table> tokens;
  if (fs::exists(hive_file)) {
    tokens.push_back(parquet::read_table(hive_file.string(), kPatientColumns));
  } else if (!fs::is_directory(dir / kHive)) {
    // No export (--no-export): the row groups that may hold the subject, by their statistics.
    require_outputs(dir, {kTokens});
    const parquet::FileReader reader((dir / kTokens).string());
    for (size_t rg : row_groups_holding(reader, "subject_id", subject))
      tokens.push_back(reader.read_row_group(rg, kPatientColumns));
  }  // else the export holds a folder for every patient with tokens, and this one has none
  return build_patient_view(subject, tokens, read_whole(dir, kAdmissions, kAdmissionColumns));
}

}  // namespace ehrtok::inspect
