// A gzip file written as a stream with ISA-L (level 1: fast, about zlib -1 ratios).
// Bytes go to `path + ".tmp"`; finish() completes the gzip trailer and renames the file into
// place, so an interrupted writer never leaves a truncated file under the final name. A writer
// destroyed without finish() removes its temporary file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>

namespace ehrtok {

class GzipWriter {
 public:
  explicit GzipWriter(std::filesystem::path path);
  ~GzipWriter();
  GzipWriter(const GzipWriter&) = delete;
  GzipWriter& operator=(const GzipWriter&) = delete;

  // Appends uncompressed bytes. Small writes are gathered into a large block first.
  void write(std::string_view bytes);
  // Ends the gzip stream, closes the file and renames it to the final path.
  void finish();

  const std::filesystem::path& path() const { return path_; }
  uint64_t bytes_in() const { return bytes_in_; }

 private:
  struct Stream;  // ISA-L state, kept out of this header

  void deflate(const char* data, size_t size, bool last);
  void drain_output();
  void write_file(const uint8_t* data, size_t size);
  [[noreturn]] void fail(const char* what) const;

  std::filesystem::path path_;
  std::filesystem::path temp_path_;
  int fd_ = -1;
  bool finished_ = false;
  uint64_t bytes_in_ = 0;
  std::unique_ptr<Stream> stream_;
  std::unique_ptr<char[]> in_;  // pending small writes, compressed once full
  size_t in_size_ = 0;
  std::unique_ptr<uint8_t[]> out_;
};

}  // namespace ehrtok
