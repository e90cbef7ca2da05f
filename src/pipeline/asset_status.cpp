#include "pipeline/asset_status.h"

#include <fmt/format.h>

namespace ehrtok {

const char* asset_state_name(AssetState state) {
  switch (state) {
    case AssetState::Missing:
      return "missing";
    case AssetState::UpToDate:
      return "up to date";
    case AssetState::Stale:
      return "stale";
  }
  return "?";
}

std::string stored_output(const AssetDecl& asset, const RunOptions& options) {
  if (asset.name.rfind("raw_", 0) == 0 && !options.persist_raw_tables) return "";
  if (asset.name == "export_tokens" && options.export_layout == ExportLayout::None) return "";
  return asset.output;
}

std::vector<AssetStatus> asset_statuses(const RunOptions& options) {
  auto expected = expected_fingerprints(options);
  std::vector<AssetStatus> statuses;
  for (const auto& asset : asset_graph()) {
    AssetStatus s;
    s.asset = &asset;
    s.stored_output = stored_output(asset, options);
    s.expected = std::move(expected.at(asset.name));
    s.record = read_record(options.output_dir, asset.name);
    if (!s.stored_output.empty())
      s.stored_bytes = stored_bytes(options.output_dir / s.stored_output);
    if (!s.record) {
      const bool leftover = s.stored_bytes >= 0;
      s.reasons.push_back(leftover ? s.stored_output +
                                         " has no record of a finished build (interrupted or "
                                         "failed); it is rebuilt"
                                   : "never materialized");
    } else if (s.record->fingerprint != s.expected.digest) {
      s.state = AssetState::Stale;
      s.reasons = stale_reasons(s.record->parts, s.expected.parts);
    } else if (!s.stored_output.empty()) {
      if (s.stored_bytes < 0) {
        s.reasons.push_back(s.stored_output + " is missing");
      } else if (s.stored_bytes != s.record->output_bytes ||
                 stored_mtime(options.output_dir / s.stored_output) != s.record->output_mtime) {
        s.state = AssetState::Stale;
        s.reasons.push_back(s.stored_output + " was changed after it was written");
      } else {
        s.state = AssetState::UpToDate;
      }
    } else {
      s.state = AssetState::UpToDate;
    }
    statuses.push_back(std::move(s));
  }
  return statuses;
}

}  // namespace ehrtok
