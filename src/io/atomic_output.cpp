#include "io/atomic_output.h"

#include <system_error>

namespace ehrtok {

AtomicOutput::AtomicOutput(std::filesystem::path final_path)
    : final_(std::move(final_path)), temp_(final_.string() + kSuffix) {
  std::filesystem::remove_all(temp_);  // left over from an interrupted run
}

AtomicOutput::~AtomicOutput() {
  if (committed_) return;
  std::error_code ignored;
  std::filesystem::remove_all(temp_, ignored);
}

void AtomicOutput::commit() {
  // rename() cannot replace a non-empty directory, so an old directory output goes first.
  if (std::filesystem::is_directory(final_)) std::filesystem::remove_all(final_);
  std::filesystem::rename(temp_, final_);
  committed_ = true;
}

}  // namespace ehrtok
