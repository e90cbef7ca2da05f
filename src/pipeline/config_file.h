// ehrtok.toml: the run configuration. Defaults are SPEC.md (RunOptions{}); a file overrides
// them; command-line flags override the file. Every key has a canonical text form, which the
// asset fingerprints record so that a stale asset can say which value changed.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/pipeline.h"

namespace ehrtok {

// The configuration keys, in the order `ehrtok config` prints them ("time_bins.edges" is key
// `edges` of table [time_bins]).
const std::vector<std::string>& config_keys();

// Applies the keys present in the TOML file to `options`; relative paths are taken relative to
// the file's folder. Throws InputError naming the file and line for a syntax error, an unknown
// key or a bad value.
void apply_config_file(const std::filesystem::path& file, RunOptions& options);

// Sets one key from its text form (a flag's value, e.g. "time_bins.edges" = "0,1,6").
// Throws InputError on a bad value.
void set_config_value(RunOptions& options, std::string_view key, const std::string& text);

// The canonical text of a key's value, e.g. config_value(o, "num_quantiles") == "10".
std::string config_value(const RunOptions& options, std::string_view key);

// The effective configuration as TOML: what `ehrtok config` prints, usable as an ehrtok.toml.
std::string config_to_toml(const RunOptions& options);

// Checks the values together (bin names match edges, quantile count, ...). Throws InputError.
void validate_config(const RunOptions& options);

}  // namespace ehrtok
