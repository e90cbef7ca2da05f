// Sequential byte streams from input files: plain files, or gzip decompressed with ISA-L.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace ehrtok {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Fills up to out.size() bytes; returns how many, 0 only at the end of the stream.
  // Throws InputError naming the file when the stream is corrupt or truncated.
  virtual size_t read(std::span<char> out) = 0;
  // Bytes of the file consumed so far (compressed bytes for gzip): for progress reporting.
  virtual uint64_t consumed() const = 0;
};

// Opens `file`, decompressing when its name ends in ".gz" (multi-member gzip supported).
std::unique_ptr<ByteSource> open_byte_source(const std::filesystem::path& file);

// The file of table `name` in `dir`: NAME.csv.gz, else NAME.csv. Throws InputError when neither
// exists.
std::filesystem::path find_table_file(const std::filesystem::path& dir, const std::string& name);

}  // namespace ehrtok
