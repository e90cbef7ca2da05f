#include "pipeline/asset_recipes.h"

#include <functional>
#include <future>

#include "assets/events_merged_file.h"
#include "assets/export_tokens.h"
#include "assets/stg_diagnoses.h"
#include "assets/stg_labs.h"
#include "assets/stg_medications.h"
#include "assets/stg_procedures.h"
#include "assets/timeline_partitions.h"
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

// Fixed, so that changing row_group_rows for the outputs never re-imports a table.
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

void write_table_asset(const std::filesystem::path& path, const Table& table, size_t row_group_rows,
                       const parquet::WriterOptions& options) {
  AtomicOutput output(path);
  parquet::write_table(output.temp_path().string(), table, row_group_rows, options);
  output.commit();
}

// A raw_* cache is not read again in the run that writes it: it bypasses the page cache.
constexpr parquet::WriterOptions kCacheWriterOptions{.threads = 1, .direct_io = true};

// The accounting of an imported table: its rejects file, its report entry and its counts.
AssetCounts account_import(const mimic::RawTable& raw, const std::string& table, RunState& s,
                           json& entry) {
  write_rejects_file(s.out("rejects") / (table + ".csv"), raw);
  entry["table"] = raw_table_json(raw);
  AssetCounts counts;
  counts.rows_in = raw.rows_read;
  counts.rows_out = raw.rows_kept();
  counts.drop("rejected (see rejects/" + table + ".csv)", static_cast<int64_t>(raw.rejects.size()));
  return counts;
}

// A raw_* cache written while its table is imported: each chunk a row group, encoded on a
// background thread (one chunk at a time) while the next chunks are parsed.
class StreamedCache {
 public:
  StreamedCache(const std::filesystem::path& path, std::vector<Field> schema)
      : output_(path),
        writer_(output_.temp_path().string(), std::move(schema), kCacheWriterOptions) {}
  ~StreamedCache() {
    if (pending_.valid()) pending_.wait();
  }

  void append(Table&& chunk) {
    if (pending_.valid()) pending_.get();
    pending_ = std::async(std::launch::async, [this, rows = std::move(chunk)] {
      std::vector<ColumnSlice> slices;
      for (const auto& c : rows.columns) slices.push_back({&c, 0, rows.num_rows()});
      writer_.write_row_group(slices);
    });
  }
  void finish() {
    if (pending_.valid()) pending_.get();
    writer_.finish();
    output_.commit();
  }

 private:
  AtomicOutput output_;
  parquet::FileWriter writer_;
  std::future<void> pending_;
};

// raw_labevents: read chunk by chunk into what the lab assets need (LabIntake), never held as a
// table; its cache is written from the chunks as they come.
AssetCounts raw_labevents(const AssetDecl& asset, RunState& s, json& entry) {
  const auto& spec = mimic::labevents();
  s.labevents = new_lab_intake(s);
  std::optional<StreamedCache> cache;
  if (const auto path = stored_output(asset, s.options); !path.empty())
    cache.emplace(s.out(path), mimic::empty_raw_table(spec).fields);
  const auto raw = mimic::stream_raw_table(
      spec, s.options.input_dir, s.threads, &s.meter->done,
      [&](const Table& chunk) { return s.labevents->take_in(chunk); },
      [&](Table& chunk, std::any&& contribution, double) {
        s.labevents->add(std::move(contribution));
        if (cache) cache->append(std::move(chunk));
      });
  s.labevents->end_of_input();
  if (cache) cache->finish();
  AssetCounts counts = account_import(raw, spec.name, s, entry);
  if (s.labevents->spills() > 0) counts.note("spills of lab rows to disk", s.labevents->spills());
  return counts;
}

AssetCounts raw_table(const AssetDecl& asset, RunState& s, json& entry) {
  const std::string table = asset.name.substr(4);  // "raw_labevents" -> "labevents"
  s.meter->unit = "bytes";
  s.meter->total =
      static_cast<int64_t>(std::filesystem::file_size(find_table_file(s.options.input_dir, table)));
  if (table == "labevents") return raw_labevents(asset, s, entry);
  auto raw = mimic::load_raw_table(mimic::table_spec(table), s.options.input_dir, s.threads,
                                   &s.meter->done);
  const AssetCounts counts = account_import(raw, table, s, entry);
  const Table& stored = s.raw.emplace(asset.name, std::move(raw)).first->second.table;
  // The cache is written on one background thread: later assets (stg_labs is mostly one
  // thread) leave a core to it, and the import's critical path stays as it was.
  if (const auto cache = stored_output(asset, s.options); !cache.empty())
    s.background_writes[asset.name] =
        std::async(std::launch::async, [path = s.out(cache), &stored] {
          write_table_asset(path, stored, kCacheRowGroupRows, kCacheWriterOptions);
        });
  return counts;
}

AssetCounts top_200_labs(const AssetDecl& asset, RunState& s, json&) {
  s.top = build_top_200_labs(s.labevents->items(), s.options.top_labs);
  write_table_asset(s.out(asset.output), s.top->table, s.options.row_group_rows,
                    {.threads = s.threads});
  return s.top->counts;
}

AssetCounts lab_quantiles(const AssetDecl& asset, RunState& s, json&) {
  s.quantiles = build_lab_quantiles(s.labevents->items(), *s.top, s.options.quantiles, s.threads);
  s.labevents->release_values();
  write_table_asset(s.out(asset.output), s.quantiles->table, s.options.row_group_rows,
                    {.threads = s.threads});
  return s.quantiles->counts;
}

AssetCounts stg_admissions(const AssetDecl& asset, RunState& s, json&) {
  s.admissions = build_stg_admissions(s.raw.at("raw_admissions"));
  write_table_asset(s.out(asset.output), s.admissions->table, s.options.row_group_rows,
                    {.threads = s.threads});
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
  return (s.staged[asset.name] =
              build_stg_medications(s.take_raw("raw_prescriptions"), *s.codes, s.threads))
      .counts;
}

// stg_labs's rows were decided while labevents was read; they become events partition by
// partition in events_merged. What is left here is the accounting, and handing the rows on.
AssetCounts stg_labs(const AssetDecl&, RunState& s, json&) {
  if (!s.labevents->keeps_rows())
    throw std::logic_error("stg_labs: labevents was read without stg_admissions");
  s.labevents->release_values();  // lab_quantiles is built or loaded by now
  const LabItems& items = s.labevents->items();
  const AssetCounts counts = stg_labs_counts(items, *s.top);
  const int64_t without_admission = stg_labs_rows_without_admission(items, *s.top);
  s.stg_labs.emplace(RunState::StagedLabs{
      std::move(s.labevents), LabCodes(*s.top, *s.quantiles, *s.codes), counts, without_admission});
  return counts;
}

// tokens_final's file under its temporary name. Not read again in the run (export_tokens makes
// its tokens from events_merged): it bypasses the page cache, as the raw caches do.
std::unique_ptr<RunState::TokensInProgress> new_tokens_final_file(const AssetDecl& asset,
                                                                  RunState& s) {
  return std::make_unique<RunState::TokensInProgress>(
      s.out(asset.output), s.codes, s.options.row_group_rows,
      parquet::WriterOptions{.threads = s.threads, .direct_io = true});
}

// A partition's working memory per lab row: its LabRow (32 bytes) and the next partition's, read
// ahead (32), its stg_labs event (36) and admission (4), its merged event (24) and the index,
// sort and seq_num scratch (~34).
constexpr uint64_t kPartitionBytesPerLabRow = 162;
// Nor more lab rows than this under any limit (with none, --memory-limit 0, everything is one
// partition): buffers are reused from one partition to the next, and on a virtual machine
// first-touched memory costs more than the work done on it.
constexpr uint64_t kPartitionRowsAtMost = uint64_t{1} << 21;

AssetCounts events_merged(const AssetDecl& asset, RunState& s, json&) {
  const StgAdmissions& admissions = *s.admissions;
  auto& labs = *s.stg_labs;
  AssetCounts counts;
  std::vector<JoinedStage> joined;
  for (const char* name : {"stg_diagnoses", "stg_procedures", "stg_medications"}) {
    StagedEvents& stage = s.staged.at(name);
    joined.push_back(join_admissions(stage, admissions, s.threads));
    // Joined, an event needs no subject_id or hadm_id any more (a fifth of a run's memory).
    stage.subject_id = {};
    stage.hadm_id = {};
  }
  for (const auto& stage : joined) count_stage(counts, stage);
  counts.rows_in += labs.counts.rows_out;
  counts.drop(std::string(code_type_name(CodeType::Lab)) + ": hadm_id not an admission",
              labs.without_admission);

  s.meter->unit = "admissions";
  s.meter->total = static_cast<int64_t>(admissions.size());
  std::vector<const JoinedStage*> stages;
  for (const auto& stage : joined) stages.push_back(&stage);
  const TimelineInputs inputs{*labs.rows, labs.codes, stages, admissions, *s.codes};
  // 0: no limit, one partition.
  const size_t partition_rows =
      s.options.memory_limit == 0
          ? 0
          : std::clamp<uint64_t>(s.options.memory_limit / 2 / kPartitionBytesPerLabRow, 1,
                                 kPartitionRowsAtMost);
  AtomicOutput output(s.out(asset.output));
  EventsMergedFile file(output.temp_path().string(), s.codes, s.options.row_group_rows, s.threads);
  // tokens_final, when this run builds it, is made from each partition as it is merged.
  std::optional<TimeBinTokens> bins;
  std::optional<PartitionEventWindows> windows;
  const auto add_tokens = [&](const EventsView& events) {
    s.tokens_in_progress->file.append(build_tokens_final(events, *bins, admissions, s.threads),
                                      admissions);
  };
  if (s.builds("tokens_final")) {
    s.tokens_in_progress = new_tokens_final_file(find_asset("tokens_final"), s);
    bins = intern_time_bins(s.options.time_bins, *s.codes);
    windows.emplace(admissions, s.options.row_group_rows);
  }
  EventsMerged merged;
  const size_t partitions =
      merge_by_partition(inputs, partition_rows, s.threads, merged, [&](const EventsMerged& part) {
        file.append(part, admissions);
        if (windows) windows->append(part, add_tokens);
        counts.rows_out += static_cast<int64_t>(part.events.size());
        s.meter->done += static_cast<int64_t>(part.admission_start.size() - 1);
      });
  if (windows) windows->finish(add_tokens);
  file.finish();
  output.commit();
  counts.note("partitions of admissions", static_cast<int64_t>(partitions));
  // One partition is the whole timeline: the assets after it walk it in memory. Otherwise they
  // read it back from the file, one window at a time.
  if (partitions == 1)
    s.merged = std::move(merged);
  else
    s.merged_file = s.out(asset.output);
  return counts;
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
  // Filled while this run built events_merged, or now from its stored file.
  std::unique_ptr<RunState::TokensInProgress> tokens = std::move(s.tokens_in_progress);
  const bool during_merge = tokens != nullptr;
  if (!during_merge) {
    tokens = new_tokens_final_file(asset, s);
    for_each_token_window(
        s, [&](const TokensFinal& window) { tokens->file.append(window, *s.admissions); });
  }
  tokens->file.finish();
  tokens->output.commit();
  s.tokens_final_count = tokens->file.counts().rows_out;
  AssetCounts counts = tokens->file.counts();
  // Its time is then in events_merged's seconds.
  if (during_merge) counts.note("made while events_merged was built", 1);
  return counts;
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
