#include "io/atomic_output.h"

#include <mutex>
#include <set>
#include <system_error>

namespace ehrtok {
namespace {

std::mutex pending_mutex;
std::multiset<std::filesystem::path>& pending() {
  static std::multiset<std::filesystem::path> paths;
  return paths;
}

void register_pending(const std::filesystem::path& temp) {
  std::lock_guard lock(pending_mutex);
  pending().insert(temp);
}

void unregister_pending(const std::filesystem::path& temp) {
  std::lock_guard lock(pending_mutex);
  if (auto it = pending().find(temp); it != pending().end()) pending().erase(it);
}

}  // namespace

int remove_pending_outputs() {
  std::lock_guard lock(pending_mutex);
  int removed = 0;
  for (const auto& temp : pending()) {
    // Worker threads may still be adding files to a temporary folder: retry until it is gone.
    for (int attempt = 0; attempt < 50; ++attempt) {
      std::error_code ec;
      std::filesystem::remove_all(temp, ec);
      if (!ec && !std::filesystem::exists(temp, ec)) break;
    }
    ++removed;
  }
  return removed;
}

AtomicOutput::AtomicOutput(std::filesystem::path final_path)
    : final_(std::move(final_path)), temp_(final_.string() + kSuffix) {
  std::filesystem::remove_all(temp_);  // left over from an interrupted run
  register_pending(temp_);
}

AtomicOutput::~AtomicOutput() {
  if (retiring_.joinable()) retiring_.join();
  if (committed_) return;
  std::error_code ignored;
  std::filesystem::remove_all(temp_, ignored);
  unregister_pending(temp_);
}

void AtomicOutput::retire_previous() {
  if (!std::filesystem::is_directory(final_)) return;
  const std::filesystem::path old = final_.string() + kRetiredSuffix;
  std::filesystem::remove_all(old);
  std::filesystem::rename(final_, old);
  // Not registered for removal on SIGINT, which must stop at once: a retired folder left behind
  // carries its suffix, never looks finished, and the next retire_previous() removes it.
  retiring_ = std::thread([old] {
    std::error_code ignored;
    std::filesystem::remove_all(old, ignored);
  });
}

void AtomicOutput::commit() {
  // rename() cannot replace a non-empty directory, so an old directory output goes first.
  if (std::filesystem::is_directory(final_)) std::filesystem::remove_all(final_);
  std::filesystem::rename(temp_, final_);
  committed_ = true;
  unregister_pending(temp_);
  if (retiring_.joinable()) retiring_.join();
}

}  // namespace ehrtok
