// Fingerprints: what an asset's result depends on — the input files (size and a content
// checksum), the configuration values it reads, its inputs' fingerprints and the ehrtok
// version — and a digest of that. An asset is up to date when the digest recorded at its last
// materialization equals the one computed now.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/pipeline.h"

namespace ehrtok {

struct Fingerprint {
  // {"ehrtok_version", "config": {key: value}, "inputs": {asset: digest},
  //  "files": {name: {size, checksum}}}
  nlohmann::ordered_json parts;
  std::string digest;  // 16 hex digits
  // The digest without storage-only keys (is_storage_key): what the assets reading this one
  // record as their input.
  std::string content_digest;
};

// A file's identity without reading it whole: size, and a checksum of its first MiB plus, for
// gzip, the trailer's CRC-32 and length of the uncompressed data (the whole content, for a
// single-member file); for a plain file, its modification time stands in for the rest.
nlohmann::ordered_json file_fingerprint(const std::filesystem::path& file);

// The fingerprint every asset of the graph would have if materialized now.
std::map<std::string, Fingerprint> expected_fingerprints(const RunOptions& options);

// Why an asset recorded with `recorded` parts is stale against `expected` parts, one line per
// difference, e.g. "config num_quantiles changed 10 → 20".
std::vector<std::string> stale_reasons(const nlohmann::ordered_json& recorded,
                                       const nlohmann::ordered_json& expected);

}  // namespace ehrtok
