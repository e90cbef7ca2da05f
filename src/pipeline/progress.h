// How a materialization tells its caller what it is doing: an asset starts (with the amount of
// work when known), its work counter moves, it finishes. The CLI turns these into a live line on
// a terminal, one line per asset in a log, or JSON events.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace ehrtok {

// Work done by the current asset, updated from worker threads; read at any time.
struct ProgressMeter {
  std::atomic<int64_t> done{0};
  std::atomic<int64_t> total{0};          // 0: unknown
  std::atomic<const char*> unit{"rows"};  // "bytes" for imports, "events" for the timeline walks
};

class ProgressListener {
 public:
  virtual ~ProgressListener() = default;
  // `action`: "build" or "load". `meter` stays valid until asset_finished.
  virtual void asset_started(const std::string& asset, const std::string& action,
                             const ProgressMeter& meter) = 0;
  // `summary`: asset, action, outcome, rows, seconds (and error when it failed).
  virtual void asset_finished(const nlohmann::ordered_json& summary) = 0;
};

}  // namespace ehrtok
