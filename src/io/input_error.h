// The error for input a run cannot proceed with: a missing table, a missing column, a corrupt
// gzip stream. Its message names the file; the CLI prints it on one line and exits with code 2.
#pragma once

#include <stdexcept>
#include <string>

namespace ehrtok {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ehrtok
