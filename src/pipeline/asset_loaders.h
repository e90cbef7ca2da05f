// Reading an up-to-date asset back from what it stored, instead of recomputing it: the raw_*
// tables from OUT_DIR/.ehrtok/cache and the small outputs into memory; events_merged window by
// window, while the assets after it are built.
#pragma once

#include "assets/event_windows.h"
#include "io/input_error.h"

#include "pipeline/asset_graph.h"
#include "pipeline/materialization_record.h"
#include "pipeline/run_state.h"

namespace ehrtok {

// A LabIntake for this run: with its stg_admissions when it holds them (then the rows that can
// reach an admission are kept, for stg_labs), its reclaim window, quantile sample and memory
// limit.
std::unique_ptr<LabIntake> new_lab_intake(const RunState& state);

// Whether `asset` can be read back from its stored output (otherwise it is recomputed).
bool can_load(const AssetDecl& asset, const RunOptions& options);

// Puts the stored asset into `state`. Throws InputError when the stored file is unreadable.
void load_stored_asset(const AssetDecl& asset, const MaterializationRecord& record,
                       RunState& state);

// The error for a stored asset that cannot be read back (`what` says why). Removes the asset's
// record first, so that the next run rebuilds it instead of failing in turn.
InputError unreadable_stored_asset(const std::filesystem::path& out_dir, const std::string& asset,
                                   const std::string& what);

// The events of events_merged, from memory when this run built it, else read back from its
// stored file: how many, and fn called for each window of whole subjects (event_windows.h) in
// timeline order. Throws unreadable_stored_asset's error when the stored rows cannot be read or
// are not a timeline.
size_t timeline_events(const RunState& state);
void for_each_timeline_window(const RunState& state, const EventsWindowFn& fn);

}  // namespace ehrtok
