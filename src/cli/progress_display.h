// What the user sees while assets materialize: a live line per asset on a terminal (done/total,
// rate, ETA), one summary line per asset in a log, JSON events for scripts, or nothing.
#pragma once

#include <memory>

#include "pipeline/progress.h"

namespace ehrtok::cli {

enum class ProgressStyle { Auto, Quiet, Json };

// Auto: live lines when stderr is a terminal, summary lines otherwise (both on stderr).
// Json: one JSON object per line on stdout ({"event": "start" | "progress" | "finish", ...}).
std::unique_ptr<ProgressListener> make_progress_display(ProgressStyle style);

}  // namespace ehrtok::cli
