#include "cli/progress_display.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

#include <fmt/format.h>

namespace ehrtok::cli {
namespace {

using json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

std::string amount(int64_t value, const char* unit) {
  if (std::string_view(unit) == "bytes") return fmt::format("{:.1f} MB", value / 1e6);
  if (value >= 1'000'000) return fmt::format("{:.1f} M {}", value / 1e6, unit);
  return fmt::format("{} {}", value, unit);
}

std::string summary_line(const json& s) {
  std::string line = fmt::format("{:<18} {:<11}", s.value("asset", ""), s.value("outcome", ""));
  if (s.value("rows", int64_t{0}) > 0) line += fmt::format(" {:>12} rows", s.value("rows", 0L));
  if (s.value("outcome", "") != "up to date")
    line += fmt::format(" {:8.2f} s", s.value("seconds", 0.0));
  return line;  // a failure's message is printed once, by main
}

// Polls the current asset's meter on its own thread and calls `draw` every `period`.
class Ticker {
 public:
  template <class Draw>
  Ticker(std::chrono::milliseconds period, Draw draw)
      : thread_([this, period, draw] {
          std::unique_lock lock(mutex_);
          while (!stop_.wait_for(lock, period, [this] { return stopping_; })) draw();
        }) {}
  ~Ticker() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    stop_.notify_one();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::thread thread_;
};

// The state shared by the displays: which asset runs, since when, with which meter.
class CurrentAsset {
 public:
  void start(const std::string& asset, const std::string& action, const ProgressMeter& meter) {
    std::lock_guard lock(mutex_);
    asset_ = asset;
    action_ = action;
    meter_ = &meter;
    since_ = Clock::now();
  }
  void finish() {
    std::lock_guard lock(mutex_);
    meter_ = nullptr;
  }
  // "raw_labevents  build  312.4 MB / 578.7 MB  120.3 MB/s  ETA 2 s", or "" when idle.
  std::string status_line() {
    std::lock_guard lock(mutex_);
    if (meter_ == nullptr) return "";
    const double seconds = std::chrono::duration<double>(Clock::now() - since_).count();
    const int64_t done = meter_->done.load(), total = meter_->total.load();
    std::string line = fmt::format("{:<18} {:<6} {:6.1f} s", asset_, action_, seconds);
    if (total <= 0 || done <= 0) return line;
    const double rate = done / std::max(seconds, 1e-3);
    const char* unit = meter_->unit.load();
    line +=
        fmt::format("  {} / {}  {}/s  ETA {:.0f} s", amount(done, unit), amount(total, unit),
                    amount(static_cast<int64_t>(rate), unit), std::max(0.0, (total - done) / rate));
    return line;
  }
  json progress_event() {
    std::lock_guard lock(mutex_);
    if (meter_ == nullptr) return nullptr;
    return {{"event", "progress"},
            {"asset", asset_},
            {"done", meter_->done.load()},
            {"total", meter_->total.load()},
            {"unit", meter_->unit.load()}};
  }

 private:
  std::mutex mutex_;
  std::string asset_, action_;
  const ProgressMeter* meter_ = nullptr;
  Clock::time_point since_;
};

class TerminalDisplay final : public ProgressListener {
 public:
  TerminalDisplay()
      : ticker_(std::chrono::milliseconds(200), [this] { redraw(current_.status_line()); }) {}
  void asset_started(const std::string& asset, const std::string& action,
                     const ProgressMeter& meter) override {
    current_.start(asset, action, meter);
  }
  void asset_finished(const json& summary) override {
    current_.finish();
    std::lock_guard lock(out_);
    std::cerr << "\r\033[K" << summary_line(summary) << '\n' << std::flush;
  }

 private:
  void redraw(const std::string& line) {
    if (line.empty()) return;
    std::lock_guard lock(out_);
    std::cerr << "\r\033[K" << line << std::flush;
  }
  CurrentAsset current_;
  std::mutex out_;
  Ticker ticker_;  // last: stops before the members it reads are destroyed
};

class LogDisplay final : public ProgressListener {
 public:
  void asset_started(const std::string&, const std::string&, const ProgressMeter&) override {}
  void asset_finished(const json& summary) override {
    std::cerr << summary_line(summary) << '\n' << std::flush;
  }
};

class JsonDisplay final : public ProgressListener {
 public:
  JsonDisplay()
      : ticker_(std::chrono::milliseconds(1000), [this] {
          const json e = current_.progress_event();
          if (!e.is_null()) emit(e);
        }) {}
  void asset_started(const std::string& asset, const std::string& action,
                     const ProgressMeter& meter) override {
    current_.start(asset, action, meter);
    emit({{"event", "start"}, {"asset", asset}, {"action", action}});
  }
  void asset_finished(const json& summary) override {
    current_.finish();
    json e = {{"event", "finish"}};
    e.update(summary);
    emit(e);
  }

 private:
  void emit(const json& event) {
    std::lock_guard lock(out_);
    std::cout << event.dump() << '\n' << std::flush;
  }
  CurrentAsset current_;
  std::mutex out_;
  Ticker ticker_;
};

class QuietDisplay final : public ProgressListener {
 public:
  void asset_started(const std::string&, const std::string&, const ProgressMeter&) override {}
  void asset_finished(const json&) override {}
};

}  // namespace

std::unique_ptr<ProgressListener> make_progress_display(ProgressStyle style) {
  if (style == ProgressStyle::Quiet) return std::make_unique<QuietDisplay>();
  if (style == ProgressStyle::Json) return std::make_unique<JsonDisplay>();
  if (::isatty(STDERR_FILENO)) return std::make_unique<TerminalDisplay>();
  return std::make_unique<LogDisplay>();
}

}  // namespace ehrtok::cli
