// A whole file mapped read-only into memory: random access without copying, for readers that
// jump between a footer and column chunks (the Parquet reader).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace ehrtok {

class MappedFile {
 public:
  // Throws InputError naming the file when it cannot be opened or mapped. An empty file maps to
  // an empty span.
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&&) = delete;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::span<const uint8_t> bytes() const { return {data_, size_}; }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace ehrtok
