// Reading an up-to-date asset back from what it stored, instead of recomputing it: the raw_*
// tables from OUT_DIR/.ehrtok/cache, and the Parquet outputs that later assets read in memory.
#pragma once

#include "pipeline/asset_graph.h"
#include "pipeline/materialization_record.h"
#include "pipeline/run_state.h"

namespace ehrtok {

// Whether `asset` can be read back from its stored output (otherwise it is recomputed).
bool can_load(const AssetDecl& asset, const RunOptions& options);

// Puts the stored asset into `state`. Throws InputError when the stored file is unreadable.
void load_stored_asset(const AssetDecl& asset, const MaterializationRecord& record,
                       RunState& state);

}  // namespace ehrtok
