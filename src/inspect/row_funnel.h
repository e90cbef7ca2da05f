// The row accounting of run_report.json read as a funnel: event rows read from the four event
// tables, kept after import, staged as events, joined to admissions (events_merged), and
// tokens written (tokens_final, which adds the time-bin tokens), with every drop by rule between.
#pragma once

#include <nlohmann/json.hpp>

namespace ehrtok::inspect {

// {"steps": [{label, rows}], "drops": [{after, asset, reason, rows}],
//  "time_bin_tokens_added": n, "balanced": bool, "unbalanced": [texts],
//  "admissions": {rows_read, stg_admissions}, "assets": [{name, rows_in, rows_out, seconds,
//  peak_rss_bytes}]}. "balanced": each step equals the one before minus the drops between
// (tokens: events plus time-bin tokens). Assets missing from the report count as 0 rows and
// are named in "missing_assets".
nlohmann::ordered_json row_funnel(const nlohmann::json& run_report);

}  // namespace ehrtok::inspect
