#include "io/byte_source.h"

#include <isa-l.h>

#include <cstdio>
#include <vector>

#include <fmt/format.h>

#include "io/input_error.h"

namespace ehrtok {
namespace {

constexpr size_t kInputBuffer = 1 << 20;

class FileHandle {
 public:
  explicit FileHandle(const std::filesystem::path& path)
      : path_(path.string()), file_(std::fopen(path_.c_str(), "rb")) {
    if (!file_) throw InputError(fmt::format("{}: cannot open file", path_));
  }
  ~FileHandle() { std::fclose(file_); }
  FileHandle(const FileHandle&) = delete;
  FileHandle& operator=(const FileHandle&) = delete;

  size_t read(char* out, size_t n) {
    const size_t got = std::fread(out, 1, n, file_);
    if (got < n && std::ferror(file_)) throw InputError(fmt::format("{}: read error", path_));
    consumed_ += got;
    return got;
  }
  const std::string& path() const { return path_; }
  uint64_t consumed() const { return consumed_; }

 private:
  std::string path_;
  std::FILE* file_;
  uint64_t consumed_ = 0;
};

class PlainSource final : public ByteSource {
 public:
  explicit PlainSource(const std::filesystem::path& path) : file_(path) {}
  size_t read(std::span<char> out) override { return file_.read(out.data(), out.size()); }
  uint64_t consumed() const override { return file_.consumed(); }

 private:
  FileHandle file_;
};

// gzip via ISA-L's inflate, with the gzip header parsed and the CRC verified by ISA-L.
// Concatenated members (as written by parallel compressors) are decoded one after another.
class GzipSource final : public ByteSource {
 public:
  explicit GzipSource(const std::filesystem::path& path) : file_(path), input_(kInputBuffer) {
    isal_inflate_init(&state_);
    state_.crc_flag = ISAL_GZIP;
  }

  size_t read(std::span<char> out) override {
    size_t produced = 0;
    while (produced < out.size()) {
      if (state_.block_state == ISAL_BLOCK_FINISH && !start_next_member()) break;
      if (state_.avail_in == 0) refill();
      state_.next_out = reinterpret_cast<uint8_t*>(out.data() + produced);
      state_.avail_out = static_cast<uint32_t>(out.size() - produced);
      const int rc = isal_inflate(&state_);
      if (rc < 0) fail(describe(rc));
      const size_t now = out.size() - state_.avail_out;
      // No input left, nothing produced, member unfinished: the file ends mid-stream.
      if (eof_ && state_.avail_in == 0 && now == produced &&
          state_.block_state != ISAL_BLOCK_FINISH)
        fail("truncated gzip stream");
      produced = now;
    }
    return produced;
  }
  uint64_t consumed() const override { return file_.consumed(); }

 private:
  bool refill() {
    if (eof_) return false;
    const size_t got = file_.read(reinterpret_cast<char*>(input_.data()), input_.size());
    if (got == 0) {
      eof_ = true;
      return false;
    }
    state_.next_in = input_.data();
    state_.avail_in = static_cast<uint32_t>(got);
    return true;
  }

  // After a member ends: true if another member follows (trailing zero padding ends the stream).
  bool start_next_member() {
    if (state_.avail_in == 0 && !refill()) return false;
    if (state_.next_in[0] == 0) return false;
    uint8_t* next_in = state_.next_in;
    const uint32_t avail_in = state_.avail_in;
    isal_inflate_reset(&state_);
    state_.crc_flag = ISAL_GZIP;
    state_.next_in = next_in;
    state_.avail_in = avail_in;
    return true;
  }

  static const char* describe(int rc) {
    switch (rc) {
      case ISAL_INCORRECT_CHECKSUM:
        return "corrupt gzip stream (checksum mismatch)";
      case ISAL_INVALID_WRAPPER:
      case ISAL_UNSUPPORTED_METHOD:
        return "not a gzip file (bad gzip header)";
      default:
        return "corrupt gzip stream (invalid deflate data)";
    }
  }

  [[noreturn]] void fail(const char* what) const {
    throw InputError(fmt::format("{}: {}", file_.path(), what));
  }

  FileHandle file_;
  std::vector<uint8_t> input_;
  inflate_state state_{};
  bool eof_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> open_byte_source(const std::filesystem::path& file) {
  if (file.extension() == ".gz") return std::make_unique<GzipSource>(file);
  return std::make_unique<PlainSource>(file);
}

std::filesystem::path find_table_file(const std::filesystem::path& dir, const std::string& name) {
  for (const char* ext : {".csv.gz", ".csv"}) {
    auto candidate = dir / (name + ext);
    if (std::filesystem::is_regular_file(candidate)) return candidate;
  }
  throw InputError(fmt::format("{}: missing table {} (expected {}.csv.gz or {}.csv)", dir.string(),
                               name, name, name));
}

}  // namespace ehrtok
