#include "pipeline/materialization_record.h"

#include <chrono>
#include <fstream>
#include <mutex>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "io/atomic_output.h"
#include "pipeline/asset_graph.h"

namespace ehrtok {
namespace {

using json = nlohmann::ordered_json;

std::filesystem::path record_path(const std::filesystem::path& out_dir, const std::string& asset) {
  return out_dir / kStateDir / "assets" / (asset + ".json");
}

std::filesystem::path history_path(const std::filesystem::path& out_dir) {
  return out_dir / kStateDir / "runs.jsonl";
}

}  // namespace

std::optional<MaterializationRecord> read_record(const std::filesystem::path& out_dir,
                                                 const std::string& asset) {
  std::ifstream in(record_path(out_dir, asset));
  if (!in) return std::nullopt;
  const json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || j.value("asset", "") != asset) return std::nullopt;
  MaterializationRecord r;
  r.asset = asset;
  r.fingerprint = j.value("fingerprint", "");
  r.parts = j.value("parts", json::object());
  r.started = j.value("started", "");
  r.finished = j.value("finished", "");
  r.seconds = j.value("seconds", 0.0);
  r.rows = j.value("rows", int64_t{0});
  r.output_bytes = j.value("output_bytes", int64_t{-1});
  r.output_mtime = j.value("output_mtime", int64_t{0});
  r.report = j.value("report", json::object());
  return r;
}

void write_record(const std::filesystem::path& out_dir, const MaterializationRecord& r) {
  const auto path = record_path(out_dir, r.asset);
  std::filesystem::create_directories(path.parent_path());
  const json j = {
      {"asset", r.asset},     {"fingerprint", r.fingerprint},   {"parts", r.parts},
      {"started", r.started}, {"finished", r.finished},         {"seconds", r.seconds},
      {"rows", r.rows},       {"output_bytes", r.output_bytes}, {"output_mtime", r.output_mtime},
      {"report", r.report}};
  AtomicOutput output(path);
  output.write_text(j.dump(2) + "\n");
  output.commit();
}

void remove_record(const std::filesystem::path& out_dir, const std::string& asset) {
  std::error_code ignored;
  std::filesystem::remove(record_path(out_dir, asset), ignored);
}

void append_run_history(const std::filesystem::path& out_dir, const json& entry) {
  const auto path = history_path(out_dir);
  std::filesystem::create_directories(path.parent_path());
  // One write() of a whole line with O_APPEND: lines of concurrent or killed runs never mix.
  std::ofstream out(path, std::ios::app);
  out << entry.dump() + '\n' << std::flush;
}

namespace {
std::mutex current_mutex;
std::optional<std::pair<std::filesystem::path, json>>& current_build() {
  static std::optional<std::pair<std::filesystem::path, json>> current;
  return current;
}
}  // namespace

void set_current_build(const std::filesystem::path& out_dir, const json& entry) {
  std::lock_guard lock(current_mutex);
  current_build() = std::make_pair(out_dir, entry);
}

void clear_current_build() {
  std::lock_guard lock(current_mutex);
  current_build().reset();
}

void record_interrupted_build() {
  std::lock_guard lock(current_mutex);
  if (!current_build()) return;
  auto [out_dir, entry] = *current_build();
  entry["finished"] = utc_now();
  entry["outcome"] = "interrupted";
  append_run_history(out_dir, entry);
  current_build().reset();
}

std::vector<json> read_run_history(const std::filesystem::path& out_dir) {
  std::vector<json> entries;
  std::ifstream in(history_path(out_dir));
  std::string line;
  while (std::getline(in, line)) {
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_discarded() && j.is_object()) entries.push_back(std::move(j));
  }
  return entries;
}

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(now)),
                     static_cast<int>(ms.count() % 1000));
}

int64_t stored_bytes(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec))
    return static_cast<int64_t>(std::filesystem::file_size(path));
  if (!std::filesystem::is_directory(path, ec)) return -1;
  int64_t total = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path))
    if (entry.is_regular_file()) total += static_cast<int64_t>(entry.file_size());
  return total;
}

int64_t stored_mtime(const std::filesystem::path& path) {
  std::error_code ec;
  const auto time = std::filesystem::last_write_time(path, ec);
  if (ec) return 0;
  return std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
}

}  // namespace ehrtok
