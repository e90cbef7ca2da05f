#include "cli/asset_views.h"

#include <fmt/format.h>

namespace ehrtok::cli {
namespace {

using json = nlohmann::ordered_json;

std::string size_text(int64_t bytes) {
  if (bytes < 0) return "-";
  if (bytes < 1'000'000) return fmt::format("{:.1f} kB", bytes / 1e3);
  if (bytes < 1'000'000'000) return fmt::format("{:.1f} MB", bytes / 1e6);
  return fmt::format("{:.2f} GB", bytes / 1e9);
}

// "2026-11-29T06:10:03.123Z" -> "2026-11-29 06:10:03"
std::string time_text(const std::string& iso) {
  if (iso.size() < 19) return iso.empty() ? "-" : iso;
  return iso.substr(0, 10) + " " + iso.substr(11, 8);
}

}  // namespace

std::string status_table(const std::vector<AssetStatus>& statuses) {
  std::string out = fmt::format("{:<18} {:<11} {:>12} {:>10}  {:<19} {:>8}\n", "asset", "status",
                                "rows", "size", "materialized", "seconds");
  for (const auto& s : statuses) {
    const auto& r = s.record;
    const std::string size = s.stored_output.empty() ? "in memory" : size_text(s.stored_bytes);
    out +=
        fmt::format("{:<18} {:<11} {:>12} {:>10}  {:<19} {:>8}\n", s.asset->name,
                    asset_state_name(s.state), r ? std::to_string(r->rows) : "-", size,
                    r ? time_text(r->finished) : "-", r ? fmt::format("{:.2f}", r->seconds) : "-");
    for (const auto& reason : s.reasons) out += "    - " + reason + "\n";
  }
  return out;
}

json status_json(const std::vector<AssetStatus>& statuses) {
  json all = json::array();
  for (const auto& s : statuses) {
    json j = {{"asset", s.asset->name},
              {"status", asset_state_name(s.state)},
              {"reasons", s.reasons},
              {"inputs", s.asset->inputs},
              {"stored_output", s.stored_output.empty() ? json() : json(s.stored_output)},
              {"bytes", s.stored_bytes},
              {"fingerprint", s.expected.digest}};
    if (s.record) {
      j["rows"] = s.record->rows;
      j["materialized"] = s.record->finished;
      j["seconds"] = s.record->seconds;
    }
    all.push_back(std::move(j));
  }
  return all;
}

std::string graph_view(const std::vector<AssetStatus>& statuses, GraphFormat format) {
  std::string out;
  if (format == GraphFormat::Text) {
    for (const auto& s : statuses) {
      out += fmt::format("{} [{}]", s.asset->name, asset_state_name(s.state));
      if (!s.asset->inputs.empty())
        out += " <- " + fmt::format("{}", fmt::join(s.asset->inputs, ", "));
      out += '\n';
    }
    return out;
  }
  if (format == GraphFormat::Dot) {
    out = "digraph ehrtok {\n  rankdir=LR;\n  node [shape=box, style=filled];\n";
    for (const auto& s : statuses) {
      const char* color = s.state == AssetState::UpToDate ? "palegreen"
                          : s.state == AssetState::Stale  ? "khaki"
                                                          : "lightgray";
      out += fmt::format("  \"{0}\" [label=\"{0}\\n{1}\", fillcolor={2}];\n", s.asset->name,
                         asset_state_name(s.state), color);
    }
    for (const auto& s : statuses)
      for (const auto& in : s.asset->inputs)
        out += fmt::format("  \"{}\" -> \"{}\";\n", in, s.asset->name);
    return out + "}\n";
  }
  out = "flowchart LR\n";
  for (const auto& s : statuses) {
    const char* cls = s.state == AssetState::UpToDate ? "uptodate"
                      : s.state == AssetState::Stale  ? "stale"
                                                      : "missing";
    out += fmt::format("  {0}[\"{0}<br/>{1}\"]:::{2}\n", s.asset->name, asset_state_name(s.state),
                       cls);
  }
  for (const auto& s : statuses)
    for (const auto& in : s.asset->inputs) out += fmt::format("  {} --> {}\n", in, s.asset->name);
  out +=
      "  classDef uptodate fill:#c8f0c8\n  classDef stale fill:#f0e68c\n"
      "  classDef missing fill:#ddd\n";
  return out;
}

std::string runs_table(const std::vector<json>& history, size_t limit) {
  std::string out = fmt::format("{:<19} {:<18} {:<11} {:>12} {:>8}  {}\n", "started", "asset",
                                "outcome", "rows", "seconds", "fingerprint");
  const size_t first = history.size() > limit ? history.size() - limit : 0;
  for (size_t i = first; i < history.size(); ++i) {
    const json& h = history[i];
    out +=
        fmt::format("{:<19} {:<18} {:<11} {:>12} {:>8.2f}  {}", time_text(h.value("started", "")),
                    h.value("asset", ""), h.value("outcome", ""), h.value("rows", int64_t{0}),
                    h.value("seconds", 0.0), h.value("fingerprint", ""));
    if (h.contains("error")) out += "  " + h["error"].get<std::string>();
    out += '\n';
  }
  return out;
}

}  // namespace ehrtok::cli
