#include "pipeline/asset_loaders.h"

#include "io/input_error.h"
#include "io/ordered_pipeline.h"
#include "parquet/parquet_reader.h"
#include "pipeline/asset_status.h"
#include "util/spare_pool.h"

namespace ehrtok {
namespace {

Table read_stored(const AssetDecl& asset, const RunState& s,
                  const std::vector<std::string>& columns = {}) {
  return parquet::read_table(s.out(stored_output(asset, s.options)).string(), columns, s.threads);
}

void load_raw(const AssetDecl& asset, const MaterializationRecord& record, RunState& s) {
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

// Row group by row group, so that besides the events only a few row groups of columns are in
// memory: workers decode the next row groups while this thread appends the current one, and
// the row groups' memory is reused (fresh memory costs more to fault in than the decoding
// itself). The columns that come from stg_admissions are not read again.
EventsMerged load_events_merged(const AssetDecl& asset, const RunState& s) {
  const parquet::FileReader file(s.out(stored_output(asset, s.options)).string());
  StoredEventsMerged events(*s.admissions, *s.codes, file.num_rows());
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
        file.read_row_group(g, {"hadm_id", "code", "code_type", "event_time"}, batch);
        return batch;
      },
      [&](Table&& batch) {
        events.append(batch);
        spare.give_back(std::move(batch));
      });
  return events.finish();
}

}  // namespace

bool can_load(const AssetDecl& asset, const RunOptions& options) {
  if (asset.name.rfind("raw_", 0) == 0) return !stored_output(asset, options).empty();
  return asset.name == "top_200_labs" || asset.name == "lab_quantiles" ||
         asset.name == "stg_admissions" || asset.name == "events_merged";
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
    s.merged = load_events_merged(asset, s);
  } else {
    throw std::logic_error("asset " + asset.name + " cannot be loaded");
  }
}

}  // namespace ehrtok
