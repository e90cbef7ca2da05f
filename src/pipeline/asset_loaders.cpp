#include "pipeline/asset_loaders.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "io/input_error.h"
#include "io/ordered_pipeline.h"
#include "parquet/format_error.h"
#include "parquet/parquet_reader.h"
#include "pipeline/asset_status.h"
#include "util/spare_pool.h"

namespace ehrtok {
namespace {

constexpr size_t kTimelineBatchesInFlight = 2;

// The columns of events_merged that its windows are read back from.
constexpr std::array<const char*, 4> kStoredEventColumns = {"hadm_id", "code", "code_type",
                                                            "event_time"};

Table read_stored(const AssetDecl& asset, const RunState& s,
                  const std::vector<std::string>& columns = {}) {
  return parquet::read_table(s.out(stored_output(asset, s.options)).string(), columns, s.threads);
}

// raw_labevents from its cache, row group by row group through a LabIntake (as when imported).
void load_labevents(const AssetDecl& asset, RunState& s) {
  const parquet::FileReader file(s.out(stored_output(asset, s.options)).string());
  const auto expected = mimic::empty_raw_table(mimic::labevents()).fields;
  if (const auto wrong = schema_mismatch(Table::empty(file.schema()), expected); !wrong.empty())
    throw InputError(asset.name + ": stored table has " + wrong);
  s.labevents = new_lab_intake(s);
  size_t next = 0;
  run_ordered_pipeline<size_t, std::any>(
      s.threads,
      [&]() -> std::optional<size_t> {
        if (next == file.num_row_groups()) return std::nullopt;
        return next++;
      },
      [&](size_t g) { return s.labevents->take_in(file.read_row_group(g)); },
      [&](std::any&& contribution) { s.labevents->add(std::move(contribution)); });
  s.labevents->end_of_input();
}

void load_raw(const AssetDecl& asset, const MaterializationRecord& record, RunState& s) {
  if (asset.name == "raw_labevents") return load_labevents(asset, s);
  mimic::RawTable raw;
  raw.spec = &mimic::table_spec(asset.name.substr(4));  // "raw_labevents" -> "labevents"
  raw.table = read_stored(asset, s);
  const auto& table = record.report.value("table", nlohmann::ordered_json::object());
  raw.file = table.value("file", "");
  raw.rows_read = table.value("rows_read", int64_t{0});
  raw.bytes_read = table.value("bytes_read", int64_t{0});
  if (const auto wrong = schema_mismatch(raw.table, mimic::empty_raw_table(*raw.spec).fields);
      !wrong.empty())
    throw InputError(asset.name + ": stored table has " + wrong);
  s.raw.emplace(asset.name, std::move(raw));
}

}  // namespace

std::unique_ptr<LabIntake> new_lab_intake(const RunState& s) {
  return std::make_unique<LabIntake>(
      LabIntakeOptions{.admissions = s.admissions ? &*s.admissions : nullptr,
                       .reclaim_window_micros = s.options.labs.reclaim_window_micros,
                       .quantiles = s.options.quantiles,
                       .memory_budget = s.options.memory_limit / 4,
                       .spill = s.out(".ehrtok/spill")});
}

bool can_load(const AssetDecl& asset, const RunOptions& options) {
  if (asset.name.rfind("raw_", 0) == 0) return !stored_output(asset, options).empty();
  return asset.name == "top_200_labs" || asset.name == "lab_quantiles" ||
         asset.name == "stg_admissions" || asset.name == "events_merged" ||
         asset.name == "tokens_final";
}

void load_stored_asset(const AssetDecl& asset, const MaterializationRecord& record, RunState& s) {
  if (asset.name.rfind("raw_", 0) == 0) return load_raw(asset, record, s);
  if (asset.name == "top_200_labs") {
    s.top = TopLabs{read_stored(asset, s), {}};
  } else if (asset.name == "lab_quantiles") {
    s.quantiles = LabQuantiles{read_stored(asset, s), {}};
  } else if (asset.name == "stg_admissions") {
    s.admissions = stg_admissions_from_table(read_stored(asset, s));
  } else if (asset.name == "events_merged") {
    // Not read here: the assets after it read it window by window. Its footer is checked now.
    s.merged_file = s.out(stored_output(asset, s.options));
    const parquet::FileReader file(s.merged_file.string());
    const auto& schema = file.schema();
    for (const char* column : kStoredEventColumns)
      if (std::none_of(schema.begin(), schema.end(),
                       [&](const Field& f) { return f.name == column; }))
        throw InputError("events_merged: stored file has no column " + std::string(column));
  } else if (asset.name == "tokens_final") {
    // Nothing to hold: export_tokens makes the same tokens again from events_merged.
    s.tokens_final_count = record.rows;
  } else {
    throw std::logic_error("asset " + asset.name + " cannot be loaded");
  }
}

InputError unreadable_stored_asset(const std::filesystem::path& out_dir, const std::string& asset,
                                   const std::string& what) {
  remove_record(out_dir, asset);
  return InputError(
      fmt::format("{} (could not read {} back; its record is removed, so the next run rebuilds it)",
                  what, asset));
}

namespace {

// What `read` returns from the stored events_merged; a file that is missing or malformed (not an
// error of memory or of the caller) becomes unreadable_stored_asset's error.
template <class Read>
auto read_stored_events(const RunState& s, Read read) {
  try {
    return read();
  } catch (const InputError& e) {
    throw unreadable_stored_asset(s.options.output_dir, "events_merged", e.what());
  } catch (const parquet::FormatError& e) {
    throw unreadable_stored_asset(s.options.output_dir, "events_merged", e.what());
  }
}

}  // namespace

size_t timeline_events(const RunState& s) {
  if (s.merged) return s.merged->events.size();
  return read_stored_events(s,
                            [&] { return parquet::FileReader(s.merged_file.string()).num_rows(); });
}

// Row group by row group: a worker decodes the next row group while this thread hands out the
// current one's whole subjects, and the row groups' memory is reused (fresh memory costs more to
// fault in than the decoding itself). Decoding is fast next to what the windows are used for, so
// more row groups in flight would only hold more memory: with the default of five the time-bin
// rerun at --scale 0.1 took 1.01-1.36 s and 216-255 MB, with two 0.94-1.08 s and 173-182 MB.
// The columns that come from stg_admissions are not read.
void for_each_timeline_window(const RunState& s, const EventsWindowFn& fn) {
  if (s.merged)
    return for_each_subject_window(*s.merged, *s.admissions, s.options.row_group_rows, fn);
  const auto file =
      read_stored_events(s, [&] { return parquet::FileReader(s.merged_file.string()); });
  StoredEventWindows windows(*s.admissions, *s.codes);
  SparePool<Table> spare;
  size_t next = 0;
  run_ordered_pipeline<size_t, Table>(
      s.threads,
      [&]() -> std::optional<size_t> {
        if (next == file.num_row_groups()) return std::nullopt;
        return next++;
      },
      [&](size_t g) {
        Table batch = spare.take().value_or(Table{});
        read_stored_events(s, [&] {
          file.read_row_group(g, {kStoredEventColumns.begin(), kStoredEventColumns.end()}, batch);
          return 0;
        });
        return batch;
      },
      [&](Table&& batch) {
        read_stored_events(s, [&] {
          windows.append(batch);
          return 0;
        });
        spare.give_back(std::move(batch));
        windows.hand_out(fn);
      },
      kTimelineBatchesInFlight);
  windows.hand_out(fn, /*last=*/true);
}

}  // namespace ehrtok
