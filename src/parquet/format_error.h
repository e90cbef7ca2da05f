// The error the Parquet reader's decoders throw for bytes they cannot decode: malformed data, or
// a feature of the format this reader does not implement (the message then starts "unsupported").
// FileReader adds the file, row group and column and rethrows it as an InputError.
#pragma once

#include <stdexcept>

namespace ehrtok::parquet {

class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ehrtok::parquet
