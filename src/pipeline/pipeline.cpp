#include "pipeline/pipeline.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <map>
#include <thread>

#include <fmt/format.h>

#include "io/atomic_output.h"
#include "io/input_error.h"
#include "pipeline/asset_graph.h"
#include "pipeline/asset_loaders.h"
#include "pipeline/asset_recipes.h"
#include "pipeline/asset_status.h"
#include "pipeline/materialize_plan.h"
#include "pipeline/resource_usage.h"
#include "pipeline/run_state.h"

namespace ehrtok {
namespace {

// Keys keep the order they were written in, so the report reads top-down.
using json = nlohmann::ordered_json;

json counts_json(const AssetCounts& counts) {
  json j = {{"rows_in", counts.rows_in}, {"rows_out", counts.rows_out}};
  j["dropped"] = json::object();
  for (const auto& [rule, rows] : counts.dropped) j["dropped"][rule] = rows;
  for (const auto& [what, value] : counts.notes) j["notes"][what] = value;
  return j;
}

// Position in `order` of the last asset that is built and reads each asset.
std::map<std::string, size_t> last_use(const std::vector<AssetDecl>& order,
                                       const std::map<std::string, AssetAction>& plan) {
  std::map<std::string, size_t> last;
  for (size_t i = 0; i < order.size(); ++i)
    if (plan.at(order[i].name) == AssetAction::Build)
      for (const auto& in : order[i].inputs) last[in] = i;
  return last;
}

void write_report(const std::filesystem::path& path, const json& report) {
  AtomicOutput output(path);
  output.write_text(report.dump(2) + "\n");
  output.commit();
}

// One materialization at a time per output folder: two would delete each other's temporary
// files and record each other's outputs. The lock (flock on OUT/.ehrtok/lock) goes with the
// process, also when it is killed.
class OutputFolderLock {
 public:
  explicit OutputFolderLock(const std::filesystem::path& out_dir) {
    const auto path = out_dir / kStateDir / "lock";
    fd_ = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error(path.string() + ": cannot open");
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw InputError(out_dir.string() +
                       " is being materialized by another ehrtok process; wait for it to finish");
    }
  }
  ~OutputFolderLock() { ::close(fd_); }
  OutputFolderLock(const OutputFolderLock&) = delete;
  OutputFolderLock& operator=(const OutputFolderLock&) = delete;

 private:
  int fd_ = -1;
};

// A run's identity in the history: its start time and process id.
std::string new_run_id() { return fmt::format("{}-{}", utc_now(), ::getpid()); }

json history_entry(const std::string& run_id, const MaterializationRecord& r,
                   const std::string& outcome) {
  return {{"run", run_id},
          {"asset", r.asset},
          {"started", r.started},
          {"finished", r.finished},
          {"seconds", r.seconds},
          {"rows", r.rows},
          {"fingerprint", r.fingerprint},
          {"outcome", outcome}};
}

// Builds one asset: its record goes first (so that an interruption cannot leave an old record
// describing a new output), then the recipe writes and renames its output. Returns the record to
// write once the output is complete (finish_record).
MaterializationRecord build_asset(const AssetStatus& status, RunState& state,
                                  const std::string& run_id) {
  const AssetDecl& asset = *status.asset;
  const auto& out_dir = state.options.output_dir;
  remove_record(out_dir, asset.name);
  // A stale file output goes too, so that a failed or interrupted build leaves nothing that looks
  // like a result (a folder output is moved to its temporary name by the recipe, see
  // AtomicOutput::Previous).
  if (!status.stored_output.empty() &&
      std::filesystem::is_regular_file(out_dir / status.stored_output))
    std::filesystem::remove(out_dir / status.stored_output);
  MaterializationRecord record;
  record.asset = asset.name;
  record.fingerprint = status.expected.digest;
  record.parts = status.expected.parts;
  record.started = utc_now();
  const bool peak_is_per_asset = reset_peak_rss();
  const Stopwatch watch;
  json entry = {{"name", asset.name}};
  AssetCounts counts;
  set_current_build(out_dir, history_entry(run_id, record, "building"));
  try {
    counts = run_recipe(asset, state, entry);
  } catch (const std::exception& e) {
    clear_current_build();
    record.finished = utc_now();
    record.seconds = watch.seconds();
    json line = history_entry(run_id, record, "failed");
    line["error"] = e.what();
    append_run_history(out_dir, line);
    throw;
  }
  clear_current_build();
  entry.update(counts_json(counts));
  entry["seconds"] = watch.seconds();
  entry[peak_is_per_asset ? "peak_rss_bytes" : "peak_rss_bytes_so_far"] = peak_rss_bytes();
  if (!status.stored_output.empty()) entry["output"] = status.stored_output;
  record.finished = utc_now();
  record.seconds = watch.seconds();
  record.rows = counts.rows_out;
  record.report = entry;
  return record;
}

// Writes the record and the history line of a built asset whose output is complete.
void finish_record(MaterializationRecord record, const std::string& stored_output,
                   const std::filesystem::path& out_dir, const std::string& run_id) {
  record.output_bytes = stored_output.empty() ? -1 : stored_bytes(out_dir / stored_output);
  record.output_mtime = stored_output.empty() ? 0 : stored_mtime(out_dir / stored_output);
  write_record(out_dir, record);
  append_run_history(out_dir, history_entry(run_id, record, "built"));
}

// Built assets whose stored output is still being written in the background: their records
// are written when the write is joined.
class PendingRecords {
 public:
  PendingRecords(RunState& state, const std::string& run_id) : state_(state), run_id_(run_id) {}

  void add(MaterializationRecord record, const std::string& stored_output) {
    const std::string name = record.asset;
    if (!state_.background_writes.contains(name))
      return finish_record(std::move(record), stored_output, state_.options.output_dir, run_id_);
    pending_.emplace(name, std::make_pair(std::move(record), stored_output));
  }
  // Waits for the asset's background write (rethrowing its error) and writes its record. `name` is
  // a copy: settle_all passes the key of the entry this erases.
  void settle(const std::string name) {
    auto it = pending_.find(name);
    if (it == pending_.end()) return;
    auto [record, stored_output] = std::move(it->second);
    pending_.erase(it);
    auto write = state_.background_writes.extract(name);
    write.mapped().get();
    finish_record(std::move(record), stored_output, state_.options.output_dir, run_id_);
  }
  void settle_all() {
    while (!pending_.empty()) settle(pending_.begin()->first);
  }

 private:
  RunState& state_;
  const std::string& run_id_;
  std::map<std::string, std::pair<MaterializationRecord, std::string>> pending_;
};

// run_report.json: for every asset its latest materialization, and what this run did with it.
// `statuses` hold the records as they were before this run; only built assets have new ones.
json assemble_report(const RunOptions& options, int threads,
                     const std::vector<AssetStatus>& statuses,
                     const std::map<std::string, AssetAction>& plan,
                     const std::map<std::string, json>& built) {
  json report = {{"ehrtok_version", EHRTOK_VERSION},
                 {"input", options.input_dir.string()},
                 {"output", options.output_dir.string()},
                 {"threads", threads}};
  report["assets"] = json::array();
  for (const auto& status : statuses) {
    const std::string& name = status.asset->name;
    json entry;
    if (auto it = built.find(name); it != built.end()) {
      entry = it->second;
      entry["this_run"] = "built";
    } else if (const auto& record = status.record) {
      entry = record->report;
      entry["this_run"] = plan.at(name) == AssetAction::Load ? "loaded" : "not rebuilt";
      entry["materialized"] = record->finished;
    } else {
      entry = {{"name", name}, {"this_run", "never materialized"}};
    }
    report["assets"].push_back(std::move(entry));
  }
  return report;
}

json summary(const std::string& asset, const std::string& action, const std::string& outcome,
             int64_t rows, double seconds) {
  return {{"asset", asset},
          {"action", action},
          {"outcome", outcome},
          {"rows", rows},
          {"seconds", seconds}};
}

}  // namespace

json materialize(const RunOptions& options, const MaterializeRequest& request,
                 ProgressListener* listener) {
  const int threads = options.threads > 0
                          ? options.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  std::filesystem::create_directories(options.output_dir / "rejects");
  std::filesystem::create_directories(options.output_dir / kStateDir / "cache");
  const OutputFolderLock lock(options.output_dir);
  const Stopwatch total;
  const std::vector<AssetStatus> statuses = asset_statuses(options);
  const auto plan = plan_materialization(statuses, request, options);
  const auto& order = asset_graph();
  const auto last = last_use(order, plan);
  const std::string run_id = new_run_id();

  RunState state(options, threads);
  state.builds = [&plan](const std::string& name) { return plan.at(name) == AssetAction::Build; };
  PendingRecords pending(state, run_id);
  std::map<std::string, json> built;
  int64_t run_peak = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    const AssetStatus& status = statuses[i];
    const std::string& name = order[i].name;
    const AssetAction action = plan.at(name);
    if (action == AssetAction::Skip) {
      if (listener && status.record)
        listener->asset_finished(summary(name, "skip", "up to date", status.record->rows, 0));
      continue;
    }
    // An input no later asset reads is released once this asset is built, or earlier when its
    // recipe says it has finished reading it.
    state.last_reader = [&last, &pending, i](const std::string& in) {
      if (!last.contains(in) || last.at(in) != i) return false;
      pending.settle(in);  // its background write reads it
      return true;
    };
    const auto release_if_last = [&state](const std::string& in) {
      if (state.last_reader(in)) state.release(in);
    };
    state.done_reading = release_if_last;
    ProgressMeter meter;
    state.meter = &meter;
    if (listener) listener->asset_started(name, asset_action_name(action), meter);
    const Stopwatch watch;
    if (action == AssetAction::Load) {
      try {
        load_stored_asset(order[i], *status.record, state);
      } catch (const std::exception& e) {
        // An unreadable stored asset is rebuilt by the next run instead of failing every run.
        auto error = unreadable_stored_asset(options.output_dir, name, e.what());
        if (listener) {
          json s = summary(name, "load", "failed", 0, watch.seconds());
          s["error"] = e.what();
          listener->asset_finished(s);
        }
        throw error;
      }
      if (listener)
        listener->asset_finished(
            summary(name, "load", "loaded", status.record->rows, watch.seconds()));
    } else {
      try {
        MaterializationRecord record = build_asset(status, state, run_id);
        built[name] = record.report;
        pending.add(std::move(record), status.stored_output);
      } catch (const std::exception& e) {
        if (listener) {
          json s = summary(name, "build", "failed", 0, watch.seconds());
          s["error"] = e.what();
          listener->asset_finished(s);
        }
        throw;
      }
      run_peak = std::max(run_peak, peak_rss_bytes());
      if (listener)
        listener->asset_finished(summary(
            name, "build", "built", built[name].value("rows_out", int64_t{0}), watch.seconds()));
    }
    state.meter = nullptr;
    for (const auto& in : order[i].inputs) release_if_last(in);
  }
  pending.settle_all();
  json report = assemble_report(options, threads, statuses, plan, built);
  report["seconds"] = total.seconds();
  report["peak_rss_bytes"] = std::max(run_peak, peak_rss_bytes());
  write_report(options.output_dir / "run_report.json", report);
  return report;
}

json run_pipeline(const RunOptions& options, ProgressListener* listener) {
  return materialize(options, {}, listener);
}

}  // namespace ehrtok
