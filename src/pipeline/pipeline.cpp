#include "pipeline/pipeline.h"

#include <fstream>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "io/atomic_output.h"
#include "pipeline/asset_graph.h"
#include "pipeline/asset_recipes.h"
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
