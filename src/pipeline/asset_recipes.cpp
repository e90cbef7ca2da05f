#include "pipeline/asset_recipes.h"

#include <functional>
#include <future>

#include "assets/export_tokens.h"
#include "assets/stg_diagnoses.h"
#include "assets/stg_labs.h"
#include "assets/stg_medications.h"
#include "assets/stg_procedures.h"
#include "assets/timeline_rows.h"
#include "io/atomic_output.h"
#include "io/byte_source.h"
#include "parquet/parquet_writer.h"
#include "pipeline/asset_loaders.h"
#include "pipeline/asset_status.h"
#include "pipeline/rejects_file.h"

namespace ehrtok {
namespace {

using json = nlohmann::ordered_json;

// The raw_* caches are read back by ehrtok alone and written on every import: fast compression
// matters more there than the last few percent of size.
// Fixed, so that changing row_group_rows for the outputs never re-imports a table.
constexpr int kCacheZstdLevel = 1;
constexpr size_t kCacheRowGroupRows = 1 << 20;

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

// Writes a Parquet asset of `table`'s schema row group by row group: `fill(table, begin, end)`
// replaces the table's rows with rows [begin, end). The next row group is filled on another
// thread while the current one is encoded; the two tables are reused for every row group.
template <class Fill>
void write_parquet_asset(const std::filesystem::path& path, size_t rows, const RunState& s,
                         Table table, Fill fill) {
  s.meter->total = static_cast<int64_t>(rows);
  const size_t step = s.options.row_group_rows;
  AtomicOutput output(path);
  {
    parquet::FileWriter writer(output.temp_path().string(), table.fields, {.threads = s.threads});
    Table next = table;  // still empty: the schema and the string columns' dictionaries
    fill(table, 0, std::min(rows, step));
    for (size_t begin = 0;;) {
      const size_t end = std::min(rows, begin + step);
      std::future<void> filled;
      if (end < rows)
        filled = std::async(std::launch::async,
                            [&, end] { fill(next, end, std::min(rows, end + step)); });
      std::vector<ColumnSlice> slices;
      for (const auto& c : table.columns) slices.push_back({&c, 0, table.num_rows()});
      writer.write_row_group(slices);
      s.meter->done += static_cast<int64_t>(table.num_rows());
      if (!filled.valid()) break;
      filled.get();
      std::swap(table, next);
      begin = end;
    }
    writer.finish();
  }
  output.commit();
}

void write_table_asset(const std::filesystem::path& path, const Table& table, size_t row_group_rows,
                       int threads, int zstd_level = parquet::WriterOptions{}.zstd_level) {
  AtomicOutput output(path);
  parquet::write_table(output.temp_path().string(), table, row_group_rows,
                       {.zstd_level = zstd_level, .threads = threads});
  output.commit();
}

AssetCounts raw_table(const AssetDecl& asset, RunState& s, json& entry) {
  const std::string table = asset.name.substr(4);  // "raw_labevents" -> "labevents"
  s.meter->unit = "bytes";
  s.meter->total =
      static_cast<int64_t>(std::filesystem::file_size(find_table_file(s.options.input_dir, table)));
  auto raw = mimic::load_raw_table(mimic::table_spec(table), s.options.input_dir, s.threads,
                                   &s.meter->done);
  write_rejects_file(s.out("rejects") / (table + ".csv"), raw);
  entry["table"] = raw_table_json(raw);
  AssetCounts counts;
  counts.rows_in = raw.rows_read;
  counts.rows_out = raw.rows_kept();
  counts.drop("rejected (see rejects/" + table + ".csv)", static_cast<int64_t>(raw.rejects.size()));
  const Table& stored = s.raw.emplace(asset.name, std::move(raw)).first->second.table;
  // The cache is written on one background thread: later assets (stg_labs is mostly one
  // thread) leave a core to it, and the import's critical path stays as it was.
  if (const auto cache = stored_output(asset, s.options); !cache.empty())
    s.background_writes[asset.name] =
        std::async(std::launch::async, [path = s.out(cache), &stored] {
          write_table_asset(path, stored, kCacheRowGroupRows, 1, kCacheZstdLevel);
        });
  return counts;
}

AssetCounts top_200_labs(const AssetDecl& asset, RunState& s, json&) {
  s.top = build_top_200_labs(s.raw.at("raw_labevents"), s.options.top_labs);
  write_table_asset(s.out(asset.output), s.top->table, s.options.row_group_rows, s.threads);
  return s.top->counts;
}

AssetCounts lab_quantiles(const AssetDecl& asset, RunState& s, json&) {
  s.quantiles =
      build_lab_quantiles(s.raw.at("raw_labevents"), *s.top, s.options.quantiles, s.threads);
  write_table_asset(s.out(asset.output), s.quantiles->table, s.options.row_group_rows, s.threads);
  return s.quantiles->counts;
}

AssetCounts stg_admissions(const AssetDecl& asset, RunState& s, json&) {
  s.admissions = build_stg_admissions(s.raw.at("raw_admissions"));
  write_table_asset(s.out(asset.output), s.admissions->table, s.options.row_group_rows, s.threads);
  return s.admissions->counts;
}

AssetCounts stg_diagnoses(const AssetDecl& asset, RunState& s, json&) {
  return (s.staged[asset.name] = build_stg_diagnoses(s.raw.at("raw_diagnoses_icd"), *s.codes))
      .counts;
}

AssetCounts stg_procedures(const AssetDecl& asset, RunState& s, json&) {
  return (s.staged[asset.name] = build_stg_procedures(s.raw.at("raw_procedures_icd"), *s.codes))
      .counts;
}

AssetCounts stg_medications(const AssetDecl& asset, RunState& s, json&) {
  return (s.staged[asset.name] = build_stg_medications(s.raw.at("raw_prescriptions"), *s.codes))
      .counts;
}

AssetCounts stg_labs(const AssetDecl& asset, RunState& s, json&) {
  // The imported labevents are the largest table of a run: freed as soon as the rows are read.
  return (s.staged[asset.name] = build_stg_labs(s.raw.at("raw_labevents"), *s.top, *s.quantiles,
                                                *s.admissions, *s.codes, s.options.labs, s.threads,
                                                [&] { s.done_reading("raw_labevents"); }))
      .counts;
}

AssetCounts events_merged(const AssetDecl& asset, RunState& s, json&) {
  s.merged = build_events_merged({&s.staged.at("stg_diagnoses"), &s.staged.at("stg_procedures"),
                                  &s.staged.at("stg_medications"), &s.staged.at("stg_labs")},
                                 *s.admissions, *s.codes, s.threads);
  write_parquet_asset(s.out(asset.output), s.merged->events.size(), s,
                      empty_timeline_table("event_seq", s.codes),
                      [&](Table& table, size_t b, size_t e) {
                        events_merged_rows(table, *s.merged, *s.admissions, b, e, s.threads);
                      });
  return s.merged->counts;
}

// Calls fn with the tokens of each window of the timeline (for_each_timeline_window), with the
// configured time bins, and counts the window's events on the asset's meter.
template <class Fn>
void for_each_token_window(RunState& s, Fn fn) {
  const TimeBinTokens bins = intern_time_bins(s.options.time_bins, *s.codes);
  s.meter->unit = "events";
  s.meter->total = static_cast<int64_t>(timeline_events(s));
  for_each_timeline_window(s, [&](const EventsView& events) {
    fn(build_tokens_final(events, bins, *s.admissions, s.threads));
    s.meter->done += static_cast<int64_t>(events.size());
  });
}

AssetCounts tokens_final(const AssetDecl& asset, RunState& s, json&) {
  AtomicOutput output(s.out(asset.output));
  TokensFinalFile file(output.temp_path().string(), s.codes, s.options.row_group_rows, s.threads);
  for_each_token_window(s, [&](const TokensFinal& tokens) { file.append(tokens, *s.admissions); });
  file.finish();
  output.commit();
  s.tokens_final_count = file.counts().rows_out;
  return file.counts();
}

AssetCounts export_tokens(const AssetDecl& asset, RunState& s, json&) {
  AssetCounts counts;
  counts.rows_in = s.tokens_final_count;
  if (s.options.export_layout == ExportLayout::None) {
    // A folder from an earlier layout would hold tokens of another configuration, and what an
    // interrupted export left would stay forever.
    if (AtomicOutput::remove(s.out(asset.output))) counts.note("removed the previous export", 1);
    counts.note("skipped (export.layout = none)", 1);
    return counts;
  }
  // The tokens are made again from events_merged, window by window: cheaper than reading
  // tokens_final back, and nothing of either is held whole.
  AtomicOutput output(s.out(asset.output), AtomicOutput::Previous::Reuse);
  std::filesystem::create_directories(output.temp_path());
  HiveExport hive(output.temp_path(), s.codes, s.threads);
  for_each_token_window(s, [&](const TokensFinal& tokens) { hive.append(tokens, *s.admissions); });
  const ExportStats stats = hive.finish();
  output.commit();
  counts.rows_out = stats.rows;
  counts.note("patient files", stats.files);
  return counts;
}

}  // namespace

AssetCounts run_recipe(const AssetDecl& asset, RunState& state, json& entry) {
  using Recipe = std::function<AssetCounts(const AssetDecl&, RunState&, json&)>;
  static const std::map<std::string, Recipe> recipes = {
      {"top_200_labs", top_200_labs},
      {"lab_quantiles", lab_quantiles},
      {"stg_admissions", stg_admissions},
      {"stg_diagnoses", stg_diagnoses},
      {"stg_procedures", stg_procedures},
      {"stg_medications", stg_medications},
      {"stg_labs", stg_labs},
      {"events_merged", events_merged},
      {"tokens_final", tokens_final},
      {"export_tokens", export_tokens},
  };
  if (asset.name.rfind("raw_", 0) == 0) return raw_table(asset, state, entry);
  auto it = recipes.find(asset.name);
  if (it == recipes.end()) throw std::logic_error("no recipe for asset " + asset.name);
  return it->second(asset, state, entry);
}

}  // namespace ehrtok
