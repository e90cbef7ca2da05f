// Outputs that appear complete or not at all: written under a temporary name next to the final
// path and renamed into place by commit(). An output never committed (error, interruption) is
// removed by the destructor; one left by a killed process carries the temporary suffix, so it
// never looks finished.
#pragma once

#include <filesystem>
#include <string_view>

namespace ehrtok {

class AtomicOutput {
 public:
  static constexpr const char* kSuffix = ".ehrtok-tmp";

  // What becomes of a previous folder output while the new one is written.
  enum class Previous {
    Remove,  // removed at commit()
    // Moved to the temporary path now, so that the writer overwrites its files in place and
    // removes what it did not write: on ext4, deleting and creating tens of thousands of files
    // costs several times more than rewriting them (a rebuilt Hive export). A temporary folder a
    // killed run left is reused the same way. Symbolic links are never reused. From then on the
    // previous output is gone under its final name, whether or not this one is committed (its
    // record must already be removed).
    Reuse,
  };

  explicit AtomicOutput(std::filesystem::path final_path, Previous previous = Previous::Remove);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  // Where to write (a file or a directory).
  const std::filesystem::path& temp_path() const { return temp_; }
  // Writes `text` as the whole temporary file; throws naming the final path when it fails.
  void write_text(std::string_view text) const;
  // Replaces the final path (file or directory) with what was written.
  void commit();

  // Removes the output at `final_path` (a file or a folder) and whatever an interrupted build of
  // it left behind. Returns whether the output itself existed.
  static bool remove(const std::filesystem::path& final_path);

 private:
  // Where builds before the in-place export moved a folder output aside while deleting it; an
  // interruption could leave it behind.
  static constexpr const char* kRetiredSuffix = ".ehrtok-old";
  std::filesystem::path final_;
  std::filesystem::path temp_;
  bool committed_ = false;
};

// Removes the temporary files of every AtomicOutput not yet committed or destroyed, from any
// thread: what an interrupted process (SIGINT) does before it exits. From then on commit()
// waits up to 5 s (for the interrupting thread to end the process) and then throws instead of
// renaming. Gives up on a large temporary folder after 0.7 s (it keeps its
// suffix, and the next build of its asset removes or reuses it). The registry it reads is the one
// piece of process-wide state in ehrtok, because a signal has no other way to find the outputs.
// Returns how many temporary outputs there were.
int remove_pending_outputs();

}  // namespace ehrtok
