#include "io/atomic_output.h"

#include <chrono>
#include <fstream>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>

namespace ehrtok {
namespace {

// The unfinished outputs of the process, and whether an interruption is removing them; both
// guarded by pending_mutex. Once `interrupted` is set no output is committed any more, so the
// interrupt thread can never race a rename of a half-removed temporary output into place.
std::mutex pending_mutex;
bool interrupted = false;
std::multiset<std::filesystem::path>& pending() {
  static std::multiset<std::filesystem::path> paths;
  return paths;
}

void register_pending(const std::filesystem::path& temp) {
  std::lock_guard lock(pending_mutex);
  // No output is begun once an interruption is removing them (it could outlive the sweep).
  if (interrupted) throw std::runtime_error(temp.string() + ": interrupted, not begun");
  pending().insert(temp);
}

void unregister_pending_locked(const std::filesystem::path& temp) {
  if (auto it = pending().find(temp); it != pending().end()) pending().erase(it);
}

void unregister_pending(const std::filesystem::path& temp) {
  std::lock_guard lock(pending_mutex);
  unregister_pending_locked(temp);
}

// Removes `temp` until `deadline`; a large temporary folder may outlast it, and keeps its
// suffix until the next build of its asset removes it (or reuses it, see Previous::Reuse).
void remove_until(const std::filesystem::path& temp,
                  std::chrono::steady_clock::time_point deadline) {
  std::error_code ec;
  if (std::filesystem::is_directory(temp, ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(temp, ec)) {
      if (std::chrono::steady_clock::now() > deadline) return;
      std::filesystem::remove_all(entry.path(), ec);
    }
  }
  std::filesystem::remove_all(temp, ec);
}

}  // namespace

int remove_pending_outputs() {
  std::lock_guard lock(pending_mutex);
  interrupted = true;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(700);
  for (const auto& temp : pending()) remove_until(temp, deadline);
  return static_cast<int>(pending().size());
}

// A real folder, not a symbolic link to one: a link is never reused (writing through it would
// overwrite and prune whatever it points to); it is removed like any other leftover.
bool is_real_directory(const std::filesystem::path& p) {
  return std::filesystem::symlink_status(p).type() == std::filesystem::file_type::directory;
}

AtomicOutput::AtomicOutput(std::filesystem::path final_path, Previous previous)
    : final_(std::move(final_path)), temp_(final_.string() + kSuffix) {
  register_pending(temp_);  // first: throws, touching nothing, once an interruption began
  try {
    if (previous == Previous::Reuse) {
      std::filesystem::remove_all(final_.string() + kRetiredSuffix);
      if (is_real_directory(final_)) {
        std::filesystem::remove_all(temp_);  // left over from an interrupted run
        std::filesystem::rename(final_, temp_);
      } else if (!is_real_directory(temp_)) {
        std::filesystem::remove_all(temp_);
      }
    } else {
      std::filesystem::remove_all(temp_);  // left over from an interrupted run
    }
  } catch (...) {
    unregister_pending(temp_);
    throw;
  }
}

bool AtomicOutput::remove(const std::filesystem::path& final_path) {
  std::filesystem::remove_all(final_path.string() + kSuffix);
  std::filesystem::remove_all(final_path.string() + kRetiredSuffix);
  return std::filesystem::remove_all(final_path) > 0;
}

AtomicOutput::~AtomicOutput() {
  if (committed_) return;
  std::error_code ignored;
  std::filesystem::remove_all(temp_, ignored);
  unregister_pending(temp_);
}

void AtomicOutput::write_text(std::string_view text) const {
  std::ofstream out(temp_, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + final_.string());
}

void AtomicOutput::commit() {
  // rename() cannot replace a non-empty directory, so an old directory output goes first.
  if (std::filesystem::is_directory(final_)) std::filesystem::remove_all(final_);
  {
    std::unique_lock lock(pending_mutex);
    if (interrupted) {
      // What was written after the interrupting thread removed the pending outputs goes too.
      // That thread is recording the build as interrupted and ending the process: give it the
      // time to, rather than report this build as failed in between.
      std::error_code ignored;
      std::filesystem::remove_all(temp_, ignored);
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::seconds(5));
      throw std::runtime_error(final_.string() + ": interrupted, not committed");
    }
    std::filesystem::rename(temp_, final_);
    committed_ = true;
    unregister_pending_locked(temp_);
  }
}

}  // namespace ehrtok
