// `ehrtok report`: the figures of an output folder as one JSON document and as one
// self-contained HTML page (inline CSS and SVG plots, no network access needed) rendered from it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "inspect/quality_checks.h"

namespace ehrtok::inspect {

// {"ehrtok_version", "output_dir", "sequences": SequenceStatsBuilder::finish(),
//  "row_funnel": row_funnel(), "checks": checks_json()}
nlohmann::ordered_json report_json(std::string_view output_dir, nlohmann::ordered_json sequences,
                                   nlohmann::ordered_json funnel,
                                   const std::vector<CheckResult>& checks);

// The HTML page of a report_json() document. A small inline script records, once the page has
// loaded, on <body>: data-plots-total, data-plots-rendered (plots whose marks have a non-empty
// bounding box), data-js-errors (count of script errors) and data-render-status="done".
std::string html_report(const nlohmann::ordered_json& report);

}  // namespace ehrtok::inspect
