// The configuration flags every asset command shares: --config FILE and one flag per key of
// ehrtok.toml (--top-labs, --time-bins-edges, ...). Precedence: SPEC.md defaults, then the
// file (--config, else ./ehrtok.toml when present), then the flags.
#pragma once

#include <map>
#include <string>

#include <CLI/CLI.hpp>

#include "pipeline/pipeline.h"

namespace ehrtok::cli {

class ConfigFlags {
 public:
  // Adds the flags to `command`.
  void add_to(CLI::App& command);
  // The effective configuration. Throws InputError for a bad file or value.
  RunOptions resolve() const;

 private:
  std::string config_file_;
  bool no_export_ = false;
  std::map<std::string, std::string> texts_;     // by config key
  std::map<std::string, CLI::Option*> options_;  // by config key
};

}  // namespace ehrtok::cli
