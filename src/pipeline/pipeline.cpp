#include "pipeline/pipeline.h"

#include <fstream>
#include <map>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "assets/events_merged.h"
#include "assets/export_tokens.h"
#include "assets/stg_admissions.h"
#include "assets/stg_diagnoses.h"
#include "assets/stg_labs.h"
#include "assets/stg_medications.h"
#include "assets/stg_procedures.h"
#include "assets/top_200_labs.h"
#include "io/atomic_output.h"
#include "mimic/raw_table.h"
#include "parquet/parquet_writer.h"
#include "pipeline/asset_graph.h"
#include "pipeline/rejects_file.h"
#include "pipeline/resource_usage.h"

namespace ehrtok {
namespace {

// Keys keep the order they were written in, so the report reads top-down.
using json = nlohmann::ordered_json;

// Everything materialized so far in this run; an asset is released once no later asset needs it.
struct RunState {
  RunState(const RunOptions& o, int t) : options(o), threads(t) {}

  const RunOptions& options;
  int threads;
  std::map<std::string, mimic::RawTable> raw;  // by asset name, e.g. "raw_labevents"
  std::optional<TopLabs> top;
  std::optional<LabQuantiles> quantiles;
  std::optional<StgAdmissions> admissions;
  std::shared_ptr<CodeBook> codes = std::make_shared<CodeBook>();
  std::map<std::string, StagedEvents> staged;  // by asset name, e.g. "stg_labs"
  std::optional<EventsMerged> merged;
  std::optional<TokensFinal> tokens;

  std::filesystem::path out(const std::string& name) const { return options.output_dir / name; }

  void release(const std::string& name) {
    raw.erase(name);
    staged.erase(name);
    if (name == "top_200_labs") top.reset();
    if (name == "lab_quantiles") quantiles.reset();
    if (name == "stg_admissions") admissions.reset();
    if (name == "events_merged") merged.reset();
    if (name == "tokens_final") tokens.reset();
  }
};

json counts_json(const AssetCounts& counts) {
  json j = {{"rows_in", counts.rows_in}, {"rows_out", counts.rows_out}};
  j["dropped"] = json::object();
  for (const auto& [rule, rows] : counts.dropped) j["dropped"][rule] = rows;
  for (const auto& [what, value] : counts.notes) j["notes"][what] = value;
  return j;
}

json raw_table_json(const mimic::RawTable& raw) {
  json reasons = json::object();
  for (const auto& r : raw.rejects) {
    // Group "bad timestamp in column charttime" etc.; field-count reasons share one key.
    const std::string key = r.reason.rfind("expected ", 0) == 0 ? "wrong field count" : r.reason;
    reasons[key] = reasons.value(key, 0) + 1;
  }
  return {{"file", raw.file},
          {"bytes_read", raw.bytes_read},
          {"rows_read", raw.rows_read},
          {"rows_rejected", static_cast<int64_t>(raw.rejects.size())},
          {"rows_kept", raw.rows_kept()},
          {"rejected_by_reason", reasons}};
}

// Writes a Parquet asset row group by row group; `rows_of(begin, end)` builds the columns.
template <class RowsOf>
void write_parquet_asset(const std::filesystem::path& path, size_t rows, size_t row_group_rows,
                         int threads, RowsOf rows_of) {
  AtomicOutput output(path);
  {
    Table first = rows_of(0, std::min(rows, row_group_rows));
    parquet::FileWriter writer(output.temp_path().string(), first.fields, {.threads = threads});
    auto write = [&](const Table& t) {
      std::vector<ColumnSlice> slices;
      for (const auto& c : t.columns) slices.push_back({&c, 0, t.num_rows()});
      writer.write_row_group(slices);
    };
    write(first);
    for (size_t begin = row_group_rows; begin < rows; begin += row_group_rows)
      write(rows_of(begin, std::min(rows, begin + row_group_rows)));
    writer.finish();
  }
  output.commit();
}

void write_table_asset(const std::filesystem::path& path, const Table& table,
                       size_t row_group_rows) {
  AtomicOutput output(path);
  parquet::write_table(output.temp_path().string(), table, row_group_rows);
  output.commit();
}

// Runs one asset; returns its counts (and its report entry gets more where useful).
AssetCounts materialize(const AssetDecl& asset, RunState& s, json& entry) {
  const RunOptions& o = s.options;
  const std::string& name = asset.name;
  if (name.rfind("raw_", 0) == 0) {
    const std::string table = name.substr(4);
    for (const auto* spec : mimic::all_tables()) {
      if (spec->name != table) continue;
      auto raw = mimic::load_raw_table(*spec, o.input_dir, s.threads);
      write_rejects_file(s.out("rejects") / (table + ".csv"), raw);
      entry["table"] = raw_table_json(raw);
      AssetCounts counts;
      counts.rows_in = raw.rows_read;
      counts.rows_out = raw.rows_kept();
      counts.drop("rejected (see rejects/" + table + ".csv)",
                  static_cast<int64_t>(raw.rejects.size()));
      s.raw.emplace(name, std::move(raw));
      return counts;
    }
  }
  if (name == "top_200_labs") {
    s.top = build_top_200_labs(s.raw.at("raw_labevents"), o.top_labs);
    write_table_asset(s.out(asset.output), s.top->table, o.row_group_rows);
    return s.top->counts;
  }
  if (name == "lab_quantiles") {
    s.quantiles = build_lab_quantiles(s.raw.at("raw_labevents"), *s.top, o.quantiles, s.threads);
    write_table_asset(s.out(asset.output), s.quantiles->table, o.row_group_rows);
    return s.quantiles->counts;
  }
  if (name == "stg_admissions") {
    s.admissions = build_stg_admissions(s.raw.at("raw_admissions"));
    write_table_asset(s.out(asset.output), s.admissions->table, o.row_group_rows);
    return s.admissions->counts;
  }
  if (name == "stg_diagnoses")
    return (s.staged[name] = build_stg_diagnoses(s.raw.at("raw_diagnoses_icd"), *s.codes)).counts;
  if (name == "stg_procedures")
    return (s.staged[name] = build_stg_procedures(s.raw.at("raw_procedures_icd"), *s.codes)).counts;
  if (name == "stg_medications")
    return (s.staged[name] = build_stg_medications(s.raw.at("raw_prescriptions"), *s.codes)).counts;
  if (name == "stg_labs") {
    return (s.staged[name] = build_stg_labs(s.raw.at("raw_labevents"), *s.top, *s.quantiles,
                                            *s.admissions, *s.codes, o.labs))
        .counts;
  }
  if (name == "events_merged") {
    s.merged = build_events_merged({&s.staged.at("stg_diagnoses"), &s.staged.at("stg_procedures"),
                                    &s.staged.at("stg_medications"), &s.staged.at("stg_labs")},
                                   *s.admissions, *s.codes, s.threads);
    write_parquet_asset(s.out(asset.output), s.merged->events.size(), o.row_group_rows, s.threads,
                        [&](size_t b, size_t e) {
                          return events_merged_rows(*s.merged, *s.admissions, s.codes, b, e);
                        });
    return s.merged->counts;
  }
  if (name == "tokens_final") {
    s.tokens = build_tokens_final(*s.merged, *s.codes, o.time_bins);
    write_parquet_asset(s.out(asset.output), s.tokens->tokens.size(), o.row_group_rows, s.threads,
                        [&](size_t b, size_t e) {
                          return tokens_final_rows(*s.tokens, *s.merged, *s.admissions, s.codes, b,
                                                   e);
                        });
    return s.tokens->counts;
  }
  if (name == "export_tokens") {
    AssetCounts counts;
    counts.rows_in = static_cast<int64_t>(s.tokens->tokens.size());
    if (!o.export_hive) {
      counts.note("skipped (--no-export)", 1);
      return counts;
    }
    AtomicOutput output(s.out(asset.output));
    std::filesystem::create_directories(output.temp_path());
    const auto stats = export_tokens_hive(output.temp_path(), *s.tokens, *s.merged, *s.admissions,
                                          s.codes, s.threads);
    output.commit();
    counts.rows_out = stats.rows;
    counts.note("patient files", stats.files);
    return counts;
  }
  throw std::logic_error("no recipe for asset " + name);
}

// Last asset (by position in `order`) that reads each asset.
std::map<std::string, size_t> last_use(const std::vector<AssetDecl>& order) {
  std::map<std::string, size_t> last;
  for (size_t i = 0; i < order.size(); ++i)
    for (const auto& in : order[i].inputs) last[in] = i;
  return last;
}

void write_report(const std::filesystem::path& path, const json& report) {
  AtomicOutput output(path);
  {
    std::ofstream out(output.temp_path());
    out << report.dump(2) << '\n';
    if (!out.flush()) throw std::runtime_error(path.string() + ": write failed");
  }
  output.commit();
}

}  // namespace

nlohmann::ordered_json run_pipeline(const RunOptions& options) {
  const int threads = options.threads > 0
                          ? options.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  std::filesystem::create_directories(options.output_dir / "rejects");
  RunState state(options, threads);
  const Stopwatch total;
  json report = {{"ehrtok_version", EHRTOK_VERSION},
                 {"input", options.input_dir.string()},
                 {"output", options.output_dir.string()},
                 {"threads", threads}};
  report["assets"] = json::array();

  const auto& order = asset_graph();
  const auto last = last_use(order);
  int64_t run_peak = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    const AssetDecl& asset = order[i];
    const bool peak_is_per_asset = reset_peak_rss();
    const Stopwatch watch;
    json entry = {{"name", asset.name}};
    const AssetCounts counts = materialize(asset, state, entry);
    entry.update(counts_json(counts));
    entry["seconds"] = watch.seconds();
    const int64_t peak = peak_rss_bytes();
    run_peak = std::max(run_peak, peak);
    entry[peak_is_per_asset ? "peak_rss_bytes" : "peak_rss_bytes_so_far"] = peak;
    if (!asset.output.empty()) entry["output"] = asset.output;
    if (options.log)
      options.log(fmt::format("{:<16} {:>12} rows  {:7.2f} s", asset.name, counts.rows_out,
                              watch.seconds()));
    report["assets"].push_back(std::move(entry));
    for (const auto& in : asset.inputs)
      if (last.at(in) == i) state.release(in);
  }
  report["seconds"] = total.seconds();
  report["peak_rss_bytes"] = std::max(run_peak, peak_rss_bytes());
  write_report(options.output_dir / "run_report.json", report);
  return report;
}

}  // namespace ehrtok
